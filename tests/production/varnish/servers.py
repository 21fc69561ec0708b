"""Varnish in front of gunicorn for the tests of the HTTP cache, on free loopback ports.

:class:`VarnishServer` runs Debian's ``varnishd`` in the foreground with the
repository's VCL (deploy/varnish/rencontres.vcl) and a ``backends.vcl`` written for the
test's app processes, as ``make serve`` does; :class:`Worker` is the task worker
(``manage.py db_worker``) that runs the purges the app processes enqueue.
"""

import importlib.util
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..servers import ROOT, Process, free_port, wait_until

VCL_DIR = ROOT / "deploy" / "varnish"


def _backends_module():
    spec = importlib.util.spec_from_file_location("varnish_backends", VCL_DIR / "backends.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class VarnishServer(Process):
    """``varnishd -F`` on a free port (or ``port``), in front of ``backends``."""

    def __init__(self, backends, *, host="localhost", port=None):
        binary = shutil.which("varnishd") or "/usr/sbin/varnishd"
        if not os.path.exists(binary):
            raise RuntimeError("no varnishd: `make test` installs it (scripts/system-deps varnish)")
        # Readable by the unprivileged user varnishd runs its compiler and child as.
        self.directory = Path(tempfile.mkdtemp(prefix="rencontres-varnish-"))
        self.directory.chmod(0o755)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.write_backends(backends, host)
        super().__init__(
            [binary, "-F", "-n", str(self.directory / "work"), "-a", f"127.0.0.1:{self.port}",
             "-f", str(VCL_DIR / "rencontres.vcl"),
             "-p", f"vcl_path={self.directory}:{VCL_DIR}", "-s", "malloc,64m"],
            log=self.directory / "varnishd.log",
        )  # fmt: skip
        wait_until(self.answers, 30, "varnishd", self.process, self.log)

    def write_backends(self, backends, host):
        text = _backends_module().backends_vcl(backends, host, ["fr", "en"])
        (self.directory / "backends.vcl").write_text(text)

    def answers(self):
        request = urllib.request.Request(self.url + "/", method="PURGE")  # noqa: S310
        try:
            urllib.request.urlopen(request, timeout=2).close()  # noqa: S310
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    def ban_everything(self):
        request = urllib.request.Request(  # noqa: S310
            self.url + "/", method="PURGE", headers={"x-ban-url": "."}
        )
        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310

    def stop(self):
        super().stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class Worker(Process):
    """``manage.py db_worker`` for the queues of the editors' work (purges included),
    polling them every second as the workers of ``make serve`` do."""

    stop_signal = signal.SIGINT

    def __init__(self, environment, log, queues="default,purge,translations"):
        super().__init__(
            [sys.executable, "manage.py", "db_worker", "--queue-name", queues, "--interval",
             "1", "--no-startup-delay", "--worker-id", f"varnish-test-{os.getpid()}"],
            log=log,
            env=environment,
        )  # fmt: skip
        time.sleep(0.1)
