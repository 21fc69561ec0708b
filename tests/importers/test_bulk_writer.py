"""The bulk path leaves, for every page, what Wagtail's own path leaves."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.models import IndexEntry

from rencontres.importers.writer import BulkPageCreator, SlugAllocator
from rencontres.models import Departement, ImportRecord, RencontrePage
from tests.factories import sections

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

START = dt.datetime(2030, 5, 16, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def new_rencontre(number, commune="Saint-Chamond", departement=None):
    return RencontrePage(
        title=f"Atelier territorial n°{number} à {commune}",
        departement=departement or Departement.objects.get(code="42"),
        start=START,
        end=START + dt.timedelta(hours=3),
        venue="Maison des associations",
        address="12 rue de la République",
        postcode="42400",
        commune=commune,
        description=sections(pourquoi=["Partager un diagnostic"], pour_qui=["Habitants"]),
    )


def prepared(index, count, commune="Saint-Chamond", start=0):
    """A creator and its items (pages prepared, import records), as the importer has them."""
    creator = BulkPageCreator(index)
    slugs = SlugAllocator(index.get_children().values_list("slug", flat=True))
    loire = Departement.objects.get(code="42")
    items = []
    for number in range(start, start + count):
        rencontre = new_rencontre(number, commune, loire)
        rencontre.slug = slugs.allocate(rencontre.title)
        creator.prepare(rencontre)
        record = ImportRecord(decidim_id=str(number), source_hash="x", values={}, written={})
        items.append((rencontre, record))
    return creator, items


def bulk_create(index, count, commune="Saint-Chamond", start=0):
    creator, items = prepared(index, count, commune, start)
    return creator.create(items)


def footprint(rencontre):
    """What Wagtail keeps about a page besides its row, in comparable form."""
    rencontre = RencontrePage.objects.get(pk=rencontre.pk)
    revisions = Revision.page_revisions.filter(object_id=str(rencontre.pk))
    return {
        "live": rencontre.live,
        "unpublished_changes": rencontre.has_unpublished_changes,
        "revisions": revisions.count(),
        "live_is_latest": rencontre.live_revision_id == rencontre.latest_revision_id,
        "published_at": rencontre.first_published_at is not None,
        "log": sorted(PageLogEntry.objects.filter(page=rencontre).values_list("action", flat=True)),
        "publish_logged_with_revision": PageLogEntry.objects.filter(
            page=rencontre, action="wagtail.publish", revision=rencontre.live_revision
        ).exists(),
        "references": sorted(
            ReferenceIndex.objects.filter(object_id=str(rencontre.pk)).values_list(
                "to_content_type__model", "model_path", "content_path"
            )
        ),
        "search_entries": IndexEntry.objects.filter(object_id=str(rencontre.pk)).count(),
        "url_path": rencontre.url_path.removeprefix(rencontre.get_parent().url_path),
        "depth": rencontre.depth,
        "revision_title": revisions.first().as_object().title == rencontre.title,
    }


def test_a_bulk_created_page_is_like_a_page_created_through_wagtail(site):
    by_wagtail = new_rencontre(1)
    site.add_child(instance=by_wagtail)
    by_wagtail.save_revision().publish()

    (in_bulk,) = bulk_create(site, 1, start=2)

    expected = footprint(by_wagtail)
    actual = footprint(in_bulk)
    assert expected["url_path"] == "atelier-territorial-n1-à-saint-chamond/"
    assert actual["url_path"] == "atelier-territorial-n2-à-saint-chamond/"
    expected.pop("url_path"), actual.pop("url_path")
    assert actual == expected
    assert actual["log"] == ["wagtail.create", "wagtail.publish"]
    assert actual["search_entries"] == 1
    assert Page.objects.get(pk=site.pk).numchild == 2
    assert all(not problems for problems in Page.find_problems())
    assert ImportRecord.objects.get(decidim_id="2").page_id == in_bulk.pk


def test_bulk_created_pages_are_found_by_the_search_and_served(site, client):
    bulk_create(site, 3, commune="Saint-Chamond")
    bulk_create(site, 2, commune="Rive-de-Gier", start=10)

    found = RencontrePage.objects.live().search("Rive-de-Gier")
    assert sorted(page.title for page in found) == [
        "Atelier territorial n°10 à Rive-de-Gier",
        "Atelier territorial n°11 à Rive-de-Gier",
    ]
    response = client.get(found[0].url)
    assert response.status_code == 200
    assert found[0].title in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_number_of_pages(
    site, django_assert_num_queries
):
    creator, items = prepared(site, 3)
    with CaptureQueriesContext(connection) as few:
        creator.create(items)
    creator, items = prepared(site, 30, start=100)
    with django_assert_num_queries(len(few.captured_queries)):
        creator.create(items)
    assert RencontrePage.objects.child_of(site).count() == 33
    assert all(not problems for problems in Page.find_problems())
