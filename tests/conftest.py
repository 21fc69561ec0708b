"""Infrastructure shared by the whole suite (data belongs in tests/factories.py and
the per-folder conftest.py files).

PostgreSQL only. The suite runs on PostgreSQL, as production does (full-text search
with unaccent, constraints, query counts). ``make test`` provides it: ``DATABASE_URL``
when it is a ``postgres://`` URL, else a throwaway cluster. Under
``rencontres_site.settings.test`` a run on any other database stops at once with an
explanation, rather than pass or fail for reasons production never sees.

Plugin and demo. The plugin's own tests (modules marked ``plugin``) run without the
demo, under ``tests.plugin_settings`` (Wagtail, the README's apps, no ``home``); the
rest, and a plugin module's tests marked ``demo``, under the demo's settings.
``make test`` runs both::

    pytest -m "not plugin or demo"                # the demo's settings (pytest.ini)
    pytest --ds=tests.plugin_settings -m plugin   # plugin tests only, demo ones left out

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
PLUGIN_SETTINGS = "tests.plugin_settings"
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


def _plugin_run():
    return settings.configured and settings.SETTINGS_MODULE == PLUGIN_SETTINGS


def _wanted(item, config):
    if config.stash.get(_sqlite_run_key, False):
        return item.get_closest_marker("sqlite") is not None
    if _plugin_run():
        return item.get_closest_marker("plugin") and not item.get_closest_marker("demo")
    return True


def pytest_ignore_collect(collection_path, config):
    """Without the demo, a test module not marked ``plugin`` is not even imported (it may
    import ``home``): modules say ``pytestmark = pytest.mark.plugin``."""
    if not _plugin_run():
        return None
    if collection_path.is_dir():
        # A folder without a plugin module: not even its conftest.py (tests/validators).
        modules = list(collection_path.rglob("test_*.py"))
        marked = any("pytest.mark.plugin" in m.read_text(encoding="utf-8") for m in modules)
        return True if modules and not marked else None
    if collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    return "pytest.mark.plugin" not in collection_path.read_text(encoding="utf-8") or None


def pytest_collection_modifyitems(config, items):
    selected, deselected = [], []
    for item in items:
        (selected if _wanted(item, config) else deselected).append(item)
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


@pytest.fixture(autouse=True)
def _fresh_fragments():
    """Every test starts with no page fragment memoised (rencontres.fragments): a test's
    rolled-back transaction is invisible to the signals that make fragments stale, so
    fragments computed from its rows must not reach the next test."""
    from rencontres import fragments

    fragments.reset()
    yield
