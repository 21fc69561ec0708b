"""Open data (CSV and JSON of the published rencontres) and ``manage.py export_rencontres``."""

import csv
import datetime as dt
import io
import json
import threading
import uuid
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, PageViewRestriction

from rencontres import fragments
from rencontres.models import RencontreIndexPage
from rencontres.public import opendata
from tests.factories import RencontrePageFactory

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
SOON = dt.datetime(2030, 5, 16, 14, 0, tzinfo=dt.UTC)


def rencontre(index, title, days=0, **kwargs):
    return RencontrePageFactory(
        parent=index,
        title=title,
        start=SOON + dt.timedelta(days=days),
        end=SOON + dt.timedelta(days=days, hours=3),
        **kwargs,
    )


@pytest.fixture
def rencontres(site):
    """Two published rencontres (one translated), a draft, a private one and one
    elsewhere: only the first two are open data."""
    first = rencontre(site, "Atelier territorial Vallée du Gier", days=1)
    second = rencontre(site, "Forum des conseils citoyens", days=0, commune="Saint-Étienne")
    english = Locale.objects.get_or_create(language_code="en")[0]
    translated = first.copy_for_translation(english, copy_parents=True)
    translated.title = "Gier Valley territorial workshop"
    translated.save_revision().publish()
    rencontre(site, "Brouillon en cours", days=2, live=False)
    private = rencontre(site, "Réunion interne", days=3)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    other_index = RencontreIndexPage(title="Archives", slug="archives")
    site.get_parent().add_child(instance=other_index)
    rencontre(other_index, "Rencontre d’un autre index", days=4)
    return [second, first]


def read_csv(response):
    text = response.content.decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_lists_the_published_rencontres_with_one_column_per_language(
    client, site, rencontres
):
    response = client.get(f"{site.url}donnees.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    header, *rows = read_csv(response)
    assert header[:3] == ["Titre (fr)", "Titre (en)", "Adresse de la page (fr)"]
    assert "Code du département" in header and "Commune" in header
    titles = [(row[0], row[1]) for row in rows]
    assert titles == [
        ("Forum des conseils citoyens", ""),
        ("Atelier territorial Vallée du Gier", "Gier Valley territorial workshop"),
    ]
    commune = header.index("Commune")
    assert rows[0][commune] == "Saint-Étienne"


def test_the_json_states_the_licence_and_keys_each_value(client, site, rencontres):
    response = client.get(f"{site.url}donnees.json")

    assert response.status_code == 200
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    document = response.json()
    assert document["licence"]["name"] == "Licence Ouverte / Open Licence version 2.0"
    assert document["licence"]["url"] == LICENCE_URL
    assert document["count"] == 2
    assert {"name": "title_en", "title": "Titre (en)"} in document["fields"]
    first = document["rencontres"][1]
    assert first["title_fr"] == "Atelier territorial Vallée du Gier"
    assert first["title_en"] == "Gier Valley territorial workshop"
    assert first["departement_code"] == "42"
    assert first["start"] == "2030-05-17T16:00:00+02:00"  # local time, with its offset
    names = {item["title_fr"] for item in document["rencontres"]}
    assert names.isdisjoint({"Brouillon en cours", "Réunion interne", "Rencontre d’un autre index"})


def test_the_routes_and_the_english_index_give_the_same_rencontres(client, site, rencontres):
    assert client.get(f"{site.url}donnees/csv/").status_code == 200
    english_index = site.get_translation(Locale.objects.get(language_code="en"))

    response = client.get(f"{english_index.url}donnees.json")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert client.get("/rencontres/donnees.xml").status_code == 404


def test_the_open_data_query_count_does_not_grow_with_the_rencontres(client, site, rencontres):
    client.get(f"{site.url}donnees.json")  # warm the caches (site root paths)
    # The document is built once per publication (rencontres.fragments): both measures
    # are of a build, the first one's forced as a publication would.
    fragments.bump()
    with CaptureQueriesContext(connection) as few:
        client.get(f"{site.url}donnees.json")
    for day in range(10, 20):
        rencontre(site, f"Atelier n°{day}", days=day)
    fragments.bump()
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"{site.url}donnees.json")
    assert response.json()["count"] == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_listing_include_links_the_open_data_and_its_licence(site):
    html = render_to_string("rencontres/includes/opendata_links.html", {"page": site})

    assert f'href="{site.url}donnees.csv"' in html
    assert f'href="{site.url}donnees.json"' in html
    assert f'href="{LICENCE_URL}" rel="license"' in html
    assert "Licence Ouverte 2.0" in html


def test_export_rencontres_writes_a_spreadsheet(site, rencontres, tmp_path):
    output = tmp_path / "rencontres.csv"
    err = io.StringIO()

    call_command("export_rencontres", "--output", str(output), stderr=err)

    raw = output.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 with its BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Titre (fr)", "Titre (en)"]
    # Every published rencontre of the site, whatever its index; no draft, nothing private.
    assert [row[0] for row in rows[1:]] == [
        "Forum des conseils citoyens",
        "Atelier territorial Vallée du Gier",
        "Rencontre d’un autre index",
    ]
    assert f"3 rencontre(s) exportée(s) dans « {output} »." in err.getvalue()


def test_export_rencontres_in_json_and_with_unpublished_ones(site, rencontres):
    out = io.StringIO()
    call_command("export_rencontres", "--format", "json", "--tout", stdout=out)

    document = json.loads(out.getvalue())
    titles = [item["title_fr"] for item in document["rencontres"]]
    assert "Brouillon en cours" in titles and "Réunion interne" in titles
    assert document["count"] == len(titles) == 5


def test_export_rencontres_says_when_it_cannot_write(site, tmp_path):
    with pytest.raises(CommandError, match="Impossible d’écrire"):
        call_command("export_rencontres", "--output", str(tmp_path / "absent" / "r.csv"))


class Builds:
    """Open-data builds run by two app processes (two threads sharing the cache): the
    first holds its build until ``release`` is set."""

    def __init__(self):
        self.generation = uuid.uuid4().hex
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls = []
        self.results = {}

    def build(self, name, fail=False):
        def run():
            self.calls.append(name)
            if name == "first":
                self.started.set()
                assert self.release.wait(10)
            if fail:
                raise RuntimeError("base injoignable")
            return f"{name} body".encode()

        return run

    def request(self, name, fail=False):
        def run():
            token = fragments._generation.set(self.generation)
            request = RequestFactory().get("/rencontres/donnees.json")
            try:
                self.results[name] = opendata._shared_body(
                    request, SimpleNamespace(pk=7), "json", self.build(name, fail)
                )
            except RuntimeError as error:
                self.results[name] = error
            finally:
                fragments._generation.reset(token)

        return threading.Thread(target=run)


@pytest.mark.parametrize("first_fails", [False, True])
def test_one_process_builds_the_open_data_while_the_others_wait(first_fails):
    builds = Builds()
    first, second = builds.request("first", fail=first_fails), builds.request("second")
    first.start()
    assert builds.started.wait(10)
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second process waits for the first one's build"
    builds.release.set()
    first.join(10)
    second.join(10)
    if first_fails:
        # The build failed: the process waiting builds it itself, at once.
        assert builds.calls == ["first", "second"]
        assert builds.results["second"] == b"second body"
    else:
        assert builds.calls == ["first"]
        assert builds.results == {"first": b"first body", "second": b"first body"}
