"""gunicorn settings of ``make bench-http``'s servers, the project's and the peer's alike.

The rest comes on the command line (``bench/paired/run.py``): loopback address and free
port, 2 sync workers, no control socket. This file only tells the benchmark when the
server can answer: each worker touches a file named after its pid in
``$BENCH_READY_DIR`` once it has loaded the application, so that the first timed
request is not queued behind Django's start-up.
"""

import os
from pathlib import Path


def post_worker_init(worker):
    folder = os.environ.get("BENCH_READY_DIR")
    if folder:
        (Path(folder) / str(worker.pid)).touch()
