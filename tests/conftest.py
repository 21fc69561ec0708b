"""Infrastructure shared by the whole suite (data belongs in tests/factories.py and
the per-folder conftest.py files).

PostgreSQL only. The suite runs on PostgreSQL, as production does (full-text search
with unaccent, constraints, query counts). ``make test`` provides it: ``DATABASE_URL``
when it is a ``postgres://`` URL, else a throwaway cluster. Under
``rencontres_site.settings.test`` a run on any other database stops at once with an
explanation, rather than pass or fail for reasons production never sees.

SQLite smoke tests. The quick start (``make run``) uses SQLite, so a few tests check
that what it needs works there. Mark them ``@pytest.mark.sqlite``: they run in the
PostgreSQL run like any test, and ``make test`` runs them once more on SQLite with::

    ALLOW_SQLITE_TESTS=1 DATABASE_URL=sqlite://:memory: pytest -m sqlite

With ``ALLOW_SQLITE_TESTS=1`` on SQLite, every test not marked ``sqlite`` is
deselected, so that no PostgreSQL-only test fails there for the wrong reason.
"""

import os

import pytest
from django.conf import settings
from django.utils import translation

TEST_SETTINGS = "rencontres_site.settings.test"
_sqlite_run_key = pytest.StashKey[bool]()


def _sqlite_run():
    """True when this run is the SQLite smoke run; exit if it is a mistake."""
    from django.conf import settings

    if not settings.configured or settings.SETTINGS_MODULE != TEST_SETTINGS:
        return False
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine or "postgis" in engine:
        return False
    if os.environ.get("ALLOW_SQLITE_TESTS") == "1":
        return True
    pytest.exit(
        f"The test suite runs on PostgreSQL, and the database is {engine}.\n"
        "  - `make test` starts a throwaway PostgreSQL server by itself;\n"
        "  - or point DATABASE_URL to one: DATABASE_URL=postgres://user@host:5432/name;\n"
        "  - or run only the SQLite smoke tests (marked `sqlite`): ALLOW_SQLITE_TESTS=1.",
        returncode=pytest.ExitCode.USAGE_ERROR,
    )


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    session.config.stash[_sqlite_run_key] = _sqlite_run()


def pytest_collection_modifyitems(config, items):
    if not config.stash.get(_sqlite_run_key, False):
        return
    selected, deselected = [], []
    for item in items:
        (selected if item.get_closest_marker("sqlite") else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _source_language():
    """Every test starts in French, the source language: a request to an English page
    leaves its language active in the thread (Django's LocaleMiddleware does not reset
    it), which would otherwise leak into the next test run by the same worker."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
