"""Fixtures of the import tests: the site to import into and a way to run the command.

The Decidim exports under ``data/`` are written in Decidim's format (the columns of
decidim-meetings' ``MeetingSerializer``, ``;``-separated CSV with ``/``-flattened keys,
and the nested JSON), see ``data/README.md``.
"""

import io
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from rencontres import roles
from tests.factories import build_site

DATA = Path(__file__).parent / "data"
HOST = "concertation.example.gouv.fr"
# The other exports of Decidim's open data, in data/open_data/ (see data/README.md).
OTHER_EXPORTS = (
    "meeting_comments",
    "proposals",
    "proposal_comments",
    "results",
    "debates",
    "participatory_processes",
)


def open_data_zip(path, meetings="meetings_v028.csv", *, others=OTHER_EXPORTS, readme=True):
    """Write at ``path`` a ZIP shaped like Decidim's « Données ouvertes » download: one
    ``<host>-open-data-<export>.csv`` per export (the meetings from ``meetings``, a file
    of data/, None for none), then README.md and LICENSE.md as 0.28 adds them."""
    members = [(f"{HOST}-open-data-meetings.csv", DATA / meetings)] if meetings else []
    members += [(f"{HOST}-open-data-{name}.csv", DATA / "open_data" / f"{name}.csv")
                for name in others]  # fmt: skip
    if readme:
        members += [(name, DATA / "open_data" / name) for name in ("README.md", "LICENSE.md")]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, source in members:
            archive.writestr(name, source.read_bytes())
    return path


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


# -- the admin's import ------------------------------------------------------------------


def member(name, username):
    user = get_user_model().objects.create_user(
        username=username, password="un-mot-de-passe-assez-long", first_name="Camille"
    )
    user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def importer(site, client):
    """A member of « Administration » (who holds the import permission), logged in."""
    user = member(roles.ADMINISTRATORS, "camille")
    client.force_login(user)
    return user


def text(response):
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def table(response, name):
    """The rows of the report's list ``name`` as lists of cell texts."""
    soup = BeautifulSoup(response.content, "html.parser")
    found = soup.select_one(f'[data-import-list="{name}"]')
    if found is None:
        return []
    return [
        [" ".join(cell.get_text().split()) for cell in row.find_all("td")]
        for row in found.select("tbody tr")
    ]
