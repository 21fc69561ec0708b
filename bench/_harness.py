"""What the bench/*.py scripts share: Django set up, where they work, timing, results.

Not a benchmark itself (``scripts/bench`` skips bench/_*.py). A script imports it with
bench/ on ``sys.path`` (``python bench/<name>.py`` puts it there; ``scripts/bench``
runs scripts with ``runpy``, so each script adds it first), then calls
``setup_django()`` before importing anything from Django's models.
"""

import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent


def setup_django(default_settings):
    """Put the project on ``sys.path``, default ``DJANGO_SETTINGS_MODULE`` to
    ``default_settings`` and run ``django.setup()`` unless it already ran."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)

    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote."""


def migrated():
    """Whether the configured database exists and has every migration applied."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ":memory:" not in name and not Path(name).exists():
        return False  # connecting would create an empty database file
    try:
        executor = MigrationExecutor(connection)
        return not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # noqa: BLE001 - no database or no tables: not migrated
        return False


@contextlib.contextmanager
def test_environment(debug=False):
    """Django's test environment (``setup_test_environment``) for the duration."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment(debug=debug)
    try:
        yield
    finally:
        teardown_test_environment()


@contextlib.contextmanager
def rolled_back():
    """One transaction of the configured database, rolled back at the end."""
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


@contextlib.contextmanager
def own_database(name):
    """A database of the benchmark's own, migrated, destroyed at the end:
    ``bench_<name>_<pid>`` on the PostgreSQL server, in memory on SQLite."""
    from django.db import connection

    if connection.vendor != "sqlite":
        connection.settings_dict.setdefault("TEST", {})
        connection.settings_dict["TEST"]["NAME"] = f"bench_{name}_{os.getpid()}"
    old_name = connection.settings_dict["NAME"]
    print(f"{name}: in a database of its own (migrating it first)")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


def run_benchmark(name, run):
    """Call ``run()`` in the test environment, leaving nothing behind: in a migrated
    database, in one transaction rolled back; otherwise, or with
    ``BENCH_OWN_DATABASE=1``, in a database of its own (``own_database``)."""
    with test_environment():
        if os.environ.get("BENCH_OWN_DATABASE") != "1" and migrated():
            print(f"{name}: in a transaction of the configured database, rolled back")
            with rolled_back():
                run()
        else:
            with own_database(name):
                run()


class Measure(NamedTuple):
    """What ``measure`` found: the median and every timed request, in seconds; the
    SQL query count of one request; the last response."""

    median: float
    queries: int
    timings: list
    response: object


def measure(client, url, requests, warmup=1):
    """GET ``url`` ``warmup`` times (caches, renditions), once counting its SQL queries,
    then ``requests`` times, timed; every response must be a 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response

    for _ in range(warmup):
        get()
    with CaptureQueriesContext(connection) as captured:
        get()
    queries = len(captured)  # now: the next request resets the connection's log
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        response = get()
        timings.append(time.perf_counter() - began)
    return Measure(statistics.median(timings), queries, timings, response)


def write_results(name, data):
    """With ``BENCH_RESULTS_DIR`` set, write ``data`` there as ``<name>.json``."""
    folder = os.environ.get("BENCH_RESULTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
