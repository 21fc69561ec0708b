"""The history read from the publication log against the history computed from
revisions (``RENCONTRES_HISTORY_SOURCE = "revisions"``, today's path until the log):
the same pages, feeds and API answers on the demo and on a rencontre published 200
times, a number of queries that does not grow with the publications, and a back-fill
that writes the same versions as publishing did."""

import datetime as dt
import io
import json
import uuid

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from rencontres.history import comparison
from rencontres.history.versions import PageHistory
from rencontres.models import PublicationEvent, RencontrePage
from tests.factories import (
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    publish_in_bulk,
    sections,
)

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

COMPUTED = override_settings(RENCONTRES_HISTORY_SOURCE="revisions")


def history_url(page, suffix=""):
    return f"{page.url}changements/{suffix}"


def surfaces(page, numbers):
    """The URLs that show ``page``'s history: its pages (both layouts), feed, « Mis à
    jour le » and the API's history in v2 and v3."""
    urls = [history_url(page), history_url(page, "feed/"), page.url]
    for number in numbers:
        urls += [
            history_url(page, f"{number}/"),
            history_url(page, f"{number}/?affichage=cote-a-cote"),
            f"/api/v2/rencontres/{page.pk}/history/{number}/",
            f"/api/v3/rencontres/{page.pk}/history/{number}/",
        ]
    urls += [f"/api/v2/rencontres/{page.pk}/history/", f"/api/v3/rencontres/{page.pk}/history/"]
    return urls


def shown(response):
    """What a visitor or a consumer reads of a response: the page's main content (and
    the « Mis à jour le » notice), the feed, the JSON."""
    assert response.status_code == 200, response.content[:300]
    if response["Content-Type"].startswith("text/html"):
        html = BeautifulSoup(response.content, "html.parser")
        return str(html.main)
    return response.content.decode()


class Comparing:
    def assert_same_everywhere(self, page, numbers):
        for url in surfaces(page, numbers):
            with self.subTest(url=url):
                with COMPUTED:
                    cache.clear()
                    before = shown(self.client.get(url))
                after = shown(self.client.get(url))
                self.assertEqual(after, before)


@pytest.mark.demo  # the demo's content (manage.py load_demo)
class DemoTests(Comparing, TestCase):
    """Every history of the demo, in both languages."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=io.StringIO())

    def test_every_history_of_the_demo_is_the_same_from_the_log(self):
        pages = list(RencontrePage.objects.live().select_related("locale"))
        self.assertGreater(len(pages), 15)
        self.assertEqual({page.locale.language_code for page in pages}, {"fr", "en"})
        for page in pages:
            self.assertEqual(comparison.differences(page), [], page.title)
            total = len(PageHistory(page).versions)
            self.assertGreater(total, 0)
            self.assert_same_everywhere(page, range(1, total + 1))

    def test_the_command_compares_them_too(self):
        out = io.StringIO()
        call_command("publication_log", "comparer", stdout=out)
        self.assertIn("donnent les mêmes versions", out.getvalue())

    def test_the_backfill_writes_what_publishing_recorded(self):
        fields = ("page_id", "type", "time", "revision_id", "user_id", "locale", "changed_fields")

        def recorded():
            return sorted(
                (*values, json.dumps(changes, sort_keys=True), json.dumps(snapshot, sort_keys=True))
                for *values, changes, snapshot in PublicationEvent.objects.filter(
                    is_version=True
                ).values_list(*fields, "changes", "snapshot")
            )

        published = recorded()
        PublicationEvent.objects.all().delete()
        out = io.StringIO()
        call_command("publication_log", "remplir", stdout=out)
        self.assertEqual(recorded(), published)
        self.assertIn(f"{len(published)} versions", out.getvalue())
        # Run again: nothing to do.
        call_command("publication_log", "remplir", stdout=out)
        self.assertEqual(recorded(), published)


def publish_many(page, count, organisations):
    """``count`` publications written in bulk, like staff editing for months: items
    added to and changed in the sections, status and capacity, venue, dates,
    organisers; one in seven changes only the SEO title (not a version)."""
    page = RencontrePage.objects.get(pk=page.pk)
    content = page.serializable_data()
    blocks = json.loads(content["description"])
    venues = ["Salle Aristide Briand", "Maison des associations", "Centre social"]
    when = page.last_published_at
    contents = []
    for n in range(1, count + 1):
        content = dict(content)
        kind = n % 7
        if kind == 0:
            content["seo_title"] = f"Atelier — {n}"
        elif kind in (1, 2):
            blocks = json.loads(json.dumps(blocks))
            items = blocks[n % len(blocks)]["value"]["items"]
            if kind == 1:
                items.append({"type": "item", "value": f"Point n°{n}", "id": str(uuid.uuid4())})
            else:
                items[0] = {**items[0], "value": f"{items[0]['value'].split(' (')[0]} (révisé {n})"}
            content["description"] = json.dumps(blocks)
        elif kind == 3:
            content["status"] = "complete" if content["status"] == "prevue" else "prevue"
            content["capacity"] = 40 + n
        elif kind == 4:
            content["venue"] = venues[n % len(venues)]
        elif kind == 5:
            start = dt.datetime.fromisoformat(str(content["start"])) + dt.timedelta(minutes=30)
            content["start"] = start.isoformat()
            content["end"] = (start + dt.timedelta(hours=3)).isoformat()
        else:
            content["organisers"] = [
                {"pk": None, "page": page.pk, "sort_order": i, "organisation": org.pk}
                for i, org in enumerate(organisations[: 1 + n % len(organisations)])
            ]
        when = when + dt.timedelta(hours=5)
        contents.append((content, when))
    return publish_in_bulk(page, contents)


def new_rencontre(index, organisations, title="Atelier territorial à 200 publications"):
    page = RencontrePageFactory(
        parent=index,
        title=title,
        organisers=organisations[:1],
        description=sections(
            pourquoi=["Partager un diagnostic", "Collecter des avis"],
            pour_qui=["Habitants"],
            comment=["Atelier de 3h"],
        ),
    )
    page.save_revision().publish()
    return RencontrePage.objects.get(pk=page.pk)


class TwoHundredPublicationsTests(Comparing, TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, index = build_site()
        cls.organisations = [OrganisationFactory() for _ in range(3)]
        cls.page = publish_many(new_rencontre(index, cls.organisations), 199, cls.organisations)

    def test_the_same_versions_and_pages_from_the_log(self):
        self.assertEqual(comparison.differences(self.page), [])
        total = len(PageHistory(self.page).versions)
        self.assertTrue(150 < total < 199, total)  # the SEO-only ones are not versions
        self.assert_same_everywhere(self.page, sorted({1, 2, 3, total // 2, total - 1, total}))


def _count(client, url):
    client.get(url)  # warm per-process caches (site root paths, navigation)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_publications(client):
    """The list, a version, the feed, the page and the API's history: as many queries
    for 200 publications as for 20."""
    _home, index = build_site()
    organisations = [OrganisationFactory() for _ in range(3)]
    small = publish_many(new_rencontre(index, organisations, "Atelier à 20"), 19, organisations)
    large = publish_many(new_rencontre(index, organisations), 199, organisations)

    def counts(page):
        total = len(PageHistory(page).versions)
        return [
            _count(client, url)
            for url in (
                history_url(page),
                history_url(page, f"{total // 2}/"),
                history_url(page, "feed/"),
                page.url,
                f"/api/v2/rencontres/{page.pk}/history/",
                f"/api/v2/rencontres/{page.pk}/history/{total}/",
                f"/api/v3/rencontres/{page.pk}/history/",
                f"/api/v3/rencontres/{page.pk}/history/{total}/",
            )
        ]

    assert counts(large) == counts(small)
    # The reader alone: one query for the list, one for a version's changes.
    history = PageHistory(large, require_public=False)
    with CaptureQueriesContext(connection) as queries:
        versions = history.versions
        versions[-1].changes  # noqa: B018
    assert len(queries) == 2
