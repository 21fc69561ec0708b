"""The bulk path leaves, for every page, what Wagtail's own path leaves."""

import datetime as dt
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from modelsearch.backends import get_search_backends_with_name
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.models import IndexEntry

from rencontres.importers.rows import search_index_rows, writes_search_rows
from rencontres.importers.writer import BulkPageCreator, SlugAllocator
from rencontres.models import (
    Departement,
    ImportRecord,
    PublicationEvent,
    RencontrePage,
)
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
        description=[
            ("texte", f"<p>Une rencontre à {commune} &amp; alentours.</p><ul><li>Café</li></ul>"),
            *sections(pourquoi=["Partager un diagnostic"], pour_qui=["Habitants"]),
        ],
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


def indexed(page_ids):
    """The search-index entries of ``page_ids`` as PostgreSQL has them, by page id."""
    with connection.cursor() as cursor:
        table = IndexEntry._meta.db_table
        cursor.execute(
            "SELECT object_id, title::text, autocomplete::text, body::text, title_text,"  # noqa: S608
            f" body_text, title_norm FROM {table} WHERE object_id = ANY(%s)",
            [[str(pk) for pk in page_ids]],
        )
        return {int(row[0]): row[1:] for row in cursor.fetchall()}


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


@pytest.mark.sqlite  # on SQLite: bulk_create and the search backend's add_bulk
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


@pytest.mark.sqlite
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


# -- PostgreSQL's fast path: COPY and the search entries written by the writer -----------


def _without_block_ids(value):
    if isinstance(value, list):
        return [_without_block_ids(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_block_ids(item) for key, item in value.items() if key != "id"}
    return value


# Columns and revision keys that differ between two writes of a page: ids, times.
_OWN = {"id", "page_ptr_id", "page_ptr", "pk", "translation_key",
        "latest_revision", "live_revision", "latest_revision_id", "live_revision_id",
        "first_published_at", "last_published_at", "latest_revision_created_at",
        "created_at", "timestamp", "uuid", "time", "imported_at", "object_id", "page_id",
        "revision_id", "object_str"}  # fmt: skip


def _differences(a, b, path=""):
    """``[(path, a's value, b's value)]`` where two nested values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [
            difference
            for key in sorted(set(a) | set(b), key=str)
            for difference in _differences(a.get(key), b.get(key), f"{path}/{key}")
        ]
    if isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b):
        return [
            difference
            for position, (x, y) in enumerate(zip(a, b, strict=True))
            for difference in _differences(x, y, f"{path}/{position}")
        ]
    return [] if a == b else [(path, a, b)]


def written(index):
    """Everything the writer left for the pages under ``index``, in comparable form."""
    pages = list(RencontrePage.objects.child_of(index).order_by("path"))
    search = indexed([page.pk for page in pages])

    def row(obj):
        values = {k: v for k, v in obj.__dict__.items() if not k.startswith("_") and k not in _OWN}
        return _without_block_ids(values)

    result = []
    for page in pages:
        revision = Revision.page_revisions.get(object_id=str(page.pk))
        content = {k: v for k, v in revision.content.items() if k not in _OWN}
        for name in ("description", "report"):  # StreamFields: JSON text in a revision
            content[name] = json.loads(content[name])
        result.append(
            {
                "page": {
                    **row(page),
                    "description": _without_block_ids(list(page.description.raw_data)),
                    "report": _without_block_ids(list(page.report.raw_data)),
                },
                "revision": (
                    {k: v for k, v in row(revision).items() if k != "content"},
                    _without_block_ids(content),
                ),
                "log": sorted(
                    (
                        entry.action,
                        entry.label,
                        entry.data,
                        entry.content_changed,
                        entry.revision_id == revision.pk,
                    )  # fmt: skip
                    for entry in PageLogEntry.objects.filter(page_id=page.pk)
                ),
                "events": [
                    row(event) for event in PublicationEvent.objects.filter(page_id=page.pk)
                ],
                "record": row(ImportRecord.objects.get(page_id=page.pk)),
                "search": search[page.pk],
            }
        )
    return result


class _Undo(Exception):
    pass


def written_then_undone(index, *, fast):
    """What creating the same three pages under ``index`` writes, then rolled back."""
    creator, items = prepared(index, 3)
    # Search vectors of three shapes: every field; no venue; no description.
    items[1][0].venue = ""
    items[2][0].description = []
    creator.fast = fast
    try:
        with transaction.atomic():
            creator.create(items)
            result = written(index)
            raise _Undo
    except _Undo:
        return result


def test_copy_and_the_search_entries_written_here_equal_bulk_create_and_the_backend(site):
    """The fast path (COPY, search entries written by the writer) leaves exactly what the
    ORM's bulk_create and the search backend's own add_bulk (the path SQLite takes) leave
    for the same pages, written on the same database."""
    assert BulkPageCreator(site).fast  # PostgreSQL
    fast = written_then_undone(site, fast=True)
    ordinary = written_then_undone(site, fast=False)

    assert len(fast) == 3
    assert "'alentour':" in fast[0]["search"][2] and "'caf':" in fast[0]["search"][2]
    differences = [
        (position, path, by_copy, by_orm)
        for position, (fast_page, ordinary_page) in enumerate(zip(fast, ordinary, strict=True))
        for path, by_copy, by_orm in _differences(fast_page, ordinary_page)
    ]
    assert [difference[:2] for difference in differences] == [], differences


def test_search_entries_written_here_equal_those_of_wagtail_own_indexing(site):
    """A page published the ordinary way is indexed by Wagtail; writing its entry again
    with the writer's function gives the same entry, weights and all."""
    page = new_rencontre(7, commune="Rive-de-Gier")
    site.add_child(instance=page)
    page.save_revision().publish()
    by_wagtail = indexed([page.pk])[page.pk]
    assert "'rive-de-gier':" in by_wagtail[1]  # the commune, for autocompletion

    (backend,) = [backend for _name, backend in get_search_backends_with_name()]
    assert writes_search_rows(backend, RencontrePage)
    IndexEntry.objects.filter(object_id=str(page.pk)).delete()
    search_index_rows(backend, RencontrePage, [RencontrePage.objects.get(pk=page.pk)])

    assert indexed([page.pk])[page.pk] == by_wagtail
