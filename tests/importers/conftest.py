"""Fixtures of the import tests: the site to import into and a way to run the command.

The Decidim exports under ``data/`` are written in Decidim's format (the columns of
decidim-meetings' ``MeetingSerializer``, ``;``-separated CSV with ``/``-flattened keys,
and the nested JSON), see ``data/README.md``.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.factories import build_site

DATA = Path(__file__).parent / "data"


class TerminalIO(io.StringIO):
    """An output stream that says it is a terminal (as ``manage.py`` in a shell)."""

    def isatty(self):
        return True


@pytest.fixture
def site(db):
    home, index = build_site()
    return index


@pytest.fixture
def run_import(site, django_capture_on_commit_callbacks):
    """Run ``import_decidim`` on a data file; returns what it printed.

    Callbacks registered with ``on_commit`` (the publication of translations) run at the
    end, as they would when the import's transactions commit.
    """

    def run(name, *args, stdout=None):
        stdout = stdout or io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("import_decidim", str(DATA / name), *args, stdout=stdout)
        return stdout.getvalue()

    return run
