"""The public outputs of a demo-like site, rendered once for the independent validators.

``outputs`` loads the demo (``manage.py load_demo``: French and English, the seed's
past rencontre with its two versions, upcoming ones in metropolitan France and
overseas, présentiel, en ligne, hybride, complète, reportée) plus a cancelled one
with an illustration, requests every public output a validator checks through
Django's test client, and rolls the data back: the tests get bytes, not database rows.

Every test of the folder is in the xdist group ``validators`` (``make test`` runs
pytest with ``--dist loadgroup``), so the session-scoped fixture is built once, by
one worker.
"""

import dataclasses
import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client, TestCase
from wagtail.models import Locale, Page, Site

from home.models import SharingSettings
from rencontres.models import RencontreIndexPage, RencontrePage
from tests.factories import (
    ImageFactory,
    OrganisationFactory,
    RencontrePageFactory,
    departement,
    load_demo,
    publish,
)

#: The Host header of every request: none of the outputs may show it (absolute URLs
#: come from the Wagtail Site record, never from the request).
FOREIGN_HOST = "intrus.example.net"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/validators/" in str(item.path):
            item.add_marker(pytest.mark.xdist_group("validators"))
            # pytest-django sets the test database up only for a session with such tests;
            # serialized_rollback makes it keep a copy of the migrated data, which
            # _migrated_data puts back after a transactional test emptied the database.
            item.add_marker(pytest.mark.django_db(serialized_rollback=True))


@dataclasses.dataclass
class Output:
    name: str
    url: str
    status: int
    content_type: str
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8")


@dataclasses.dataclass
class Outputs:
    """What the validators read: ``html``, ``feeds``, ``calendars``, ``sitemap`` …"""

    root_url: str
    html: dict = dataclasses.field(default_factory=dict)
    feeds: dict = dataclasses.field(default_factory=dict)
    calendars: dict = dataclasses.field(default_factory=dict)
    other: dict = dataclasses.field(default_factory=dict)

    def all(self):
        for group in (self.html, self.feeds, self.calendars, self.other):
            yield from group.values()


def _get(client, name, url, expected=200):
    response = client.get(url, HTTP_HOST=FOREIGN_HOST)
    assert response.status_code == expected, f"{name} {url}: {response.status_code}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Output(name, url, response.status_code, response.get("Content-Type", ""), body)


def _cancelled_rencontre(index):
    """A cancelled hybrid rencontre with an illustration, organisers with and without a URL."""
    page = RencontrePageFactory(
        parent=index,
        title="Atelier territorial Roubaix annulé",
        slug="atelier-territorial-roubaix-annule",
        departement=departement("59"),
        format="hybride",
        online_url="https://visio.example.org/roubaix",
        status="annulee",
        venue="Salle de la Condition publique",
        address="14 place du Général Faidherbe",
        postcode="59100",
        commune="Roubaix",
        start=dt.datetime(2031, 2, 3, 9, 30, tzinfo=dt.UTC),
        end=dt.datetime(2031, 2, 3, 12, tzinfo=dt.UTC),
        image=ImageFactory(title="Place du Général Faidherbe"),
        organisers=[
            OrganisationFactory(name="Maison des associations", url="https://mda.example.org/"),
            OrganisationFactory(name="Collectif sans site", url=""),
        ],
    )
    return publish(page)


def _render(client):
    site = Site.objects.get(is_default_site=True)
    outputs = Outputs(root_url=site.root_url)
    index = RencontreIndexPage.objects.get(locale=Locale.get_default())
    index_en = index.get_translation(Locale.objects.get(language_code="en"))
    html, feeds, calendars, other = outputs.html, outputs.feeds, outputs.calendars, outputs.other

    for name, url in [
        ("home", "/"),
        ("home-en", "/en/"),
        ("listing", index.url),
        ("listing-en", index_en.url),
        ("listing-filtered", f"{index.url}?departement=42&format=presentiel&periode=passees"),
        ("listing-search", f"{index.url}?q=Vall%C3%A9e+du+Gier"),
        ("listing-page-2", f"{index.url}?periode=toutes&page=2"),
    ]:
        html[name] = _get(client, name, url)
    html["404"] = _get(client, "404", "/cette-page-n-existe-pas/", expected=404)
    html["404-en"] = _get(client, "404-en", "/en/missing-page/", expected=404)

    for page in RencontrePage.objects.live().public().order_by("path"):
        lang = page.locale.language_code
        name = f"{page.slug}-{lang}"
        html[name] = _get(client, name, page.url)
        calendars[name] = _get(client, f"{name}.ics", page.url + "agenda.ics")
    seed = RencontrePage.objects.get(locale=Locale.get_default(), slug__contains="vallee-du-gier")
    for page in (seed, seed.get_translation(Locale.objects.get(language_code="en"))):
        lang = page.locale.language_code
        html[f"history-{lang}"] = _get(client, f"history-{lang}", page.url + "changements/")
        for number in (1, 2):
            name = f"history-{number}-{lang}"
            html[name] = _get(client, name, f"{page.url}changements/{number}/")
        feeds[f"history-{lang}"] = _get(client, "history feed", page.url + "changements/feed/")

    for page in (index, index_en):
        lang = page.locale.language_code
        feeds[f"rss-{lang}"] = _get(client, "rss", page.url + "flux/")
        feeds[f"atom-{lang}"] = _get(client, "atom", page.url + "flux/atom/")
        calendars[f"listing-{lang}"] = _get(client, "listing.ics", page.url + "agenda.ics")
    feeds["rss-filtered"] = _get(client, "rss filtered", index.url + "flux/?departement=42")
    feeds["atom-filtered"] = _get(client, "atom", index.url + "flux/atom/?format=en_ligne")

    other["openapi"] = _get(client, "openapi", "/api/v3/openapi.json")
    other["sitemap"] = _get(client, "sitemap", "/sitemap.xml")
    other["robots"] = _get(client, "robots", "/robots.txt")
    other["opendata-json"] = _get(client, "open data", index.url + "donnees.json")
    other["api-v2"] = _get(client, "api v2", "/api/v2/rencontres/?limit=50")
    other["api-v3"] = _get(client, "api v3", "/api/v3/rencontres/?limit=50")
    return outputs


def _migrated_data():
    """Put back the data of the migrations (page tree root, locales, départements) if a
    transactional test that ran before on this worker flushed them (they are restored
    at the start of the next such test, not at the end of the last one)."""
    if Page.objects.exists():
        return
    contents = getattr(connection, "_test_serialized_contents", None)
    if not contents:
        pytest.fail("the test database has no page tree and no saved copy of it")
    connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session")
def outputs(django_db_setup, django_db_blocker):
    """Every public output of the demo-like site, as bytes (the data is rolled back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        _migrated_data()
        # Translations are published on commit: run those callbacks inside the block.
        with TestCase.captureOnCommitCallbacks(execute=True):
            load_demo()
        index = RencontreIndexPage.objects.get(locale=Locale.get_default())
        _cancelled_rencontre(index)
        # The sharing image of rencontres without an illustration (a site setting).
        sharing = SharingSettings.for_site(Site.objects.get(is_default_site=True))
        sharing.default_image = ImageFactory(title="Quartiers 2030")
        sharing.save()
        rendered = _render(Client())
        transaction.set_rollback(True)
    return rendered


def absolute_links(text):
    """Every http(s) URL in ``text``."""
    return re.findall(r"https?://[^\s\"'<>]+", text)


def hosts(urls):
    return {urlsplit(url).netloc for url in urls}
