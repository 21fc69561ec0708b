"""Writing rencontre pages fast, with everything Wagtail's own path leaves behind.

Creating a page through Wagtail (``add_child``, ``save_revision``, ``publish``) costs
some twenty queries and a search-index update per page. :class:`BulkPageCreator`
writes a batch of new pages under one parent in a handful of statements and still
leaves, for every page, what that path leaves:

* the ``wagtailcore_page`` row (treebeard path computed here, under a lock on the
  parent, ``url_path``, ``numchild`` of the parent) and the ``RencontrePage`` row
  (multi-table inheritance: ``bulk_create`` refuses child models, so the base rows are
  bulk-created first and the child rows inserted with their primary keys);
* its revision, set as latest and live revision;
* its ``wagtail.create`` and ``wagtail.publish`` log entries, and its first version in
  the publication log (:func:`rencontres.history.recording.record_publications`, in the
  same transaction);
* its reference-index rows (``ReferenceIndex``) and its search-index entry
  (``add_bulk`` of each auto-updated search backend; for modelsearch's PostgreSQL
  backend, the same rows written by :func:`.rows.search_index_rows`);
* its point on maps (:func:`~rencontres.models.places.locate_many`) and, when the
  geocoder is configured, one batch geocoding task for the new addresses.

It sends no ``page_published`` signal: its receivers push a published page to its
translations or purge its cached copies, and a page that did not exist has neither.

On PostgreSQL the rows go in through ``COPY`` (:mod:`.rows`); elsewhere (SQLite)
through ``bulk_create``. A batch is one transaction: it is written entirely or not at
all.
"""

import datetime as dt
import hashlib
import json
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.models import get_all_child_relations
from modelsearch.backends import get_search_backends_with_name
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision

from ..conf import conf
from ..history.recording import Publication, record_publications
from ..models import ImportRecord, PublicationEvent, RencontrePage
from ..models.places import locate_many
from ..places.tasks import request_geocoding_many
from .html import strip_block_keys
from .rows import (
    copy_rows,
    insert_new,
    is_postgresql,
    reserve_ids,
    search_index_rows,
    writes_search_rows,
)

STREAM_FIELDS = ("description", "report")


# -- values as the import record keeps them ------------------------------------------


def canonical(field_name, value):
    """A field's value as JSON data that compares equal when the content is the same:
    UTC ISO datetimes, département code, decimals as strings, StreamField data without
    block ids or Draftail block keys."""
    if value is None:
        return None
    if field_name in ("start", "end", "registration_deadline"):
        return value.astimezone(dt.UTC).isoformat()
    if field_name == "departement":
        return value.code
    if field_name in ("latitude", "longitude"):
        return format(value.quantize(type(value)("0.000001")), "f")
    if field_name in STREAM_FIELDS:
        raw = value.raw_data if hasattr(value, "raw_data") else value
        return [_canonical_block(block) for block in raw]
    return value


def _canonical_block(block):
    return {"type": block["type"], "value": _canonical_value(block["value"])}


def _canonical_value(value):
    if isinstance(value, str):
        return strip_block_keys(value)
    if isinstance(value, list):
        return [
            _canonical_value(item["value"])
            if isinstance(item, dict) and item.get("type") == "item" and "value" in item
            else _canonical_value(item)
            for item in value
        ]
    if isinstance(value, dict):
        if set(value) >= {"type", "value"} and set(value) <= {"type", "value", "id"}:
            return _canonical_block(value)
        return {key: _canonical_value(item) for key, item in value.items()}
    return value


def reuse_block_ids(old_raw, new_raw):
    """Give the new StreamField data the ids of the old blocks it corresponds to (same
    type, in order; list items with the same text, then by position), so that what did
    not change keeps its id — and its translations, which wagtail-localize attaches to
    block ids."""
    old_by_type = {}
    for block in old_raw:
        old_by_type.setdefault(block["type"], []).append(block)
    result = []
    for block in new_raw:
        candidates = old_by_type.get(block["type"])
        if not candidates:
            result.append(block)
            continue
        old = candidates.pop(0)
        block = {**block, "id": old.get("id") or block["id"]}
        old_value, new_value = old.get("value"), block["value"]
        if isinstance(old_value, dict) and isinstance(new_value, dict):
            new_value = dict(new_value)
            new_value["items"] = _reuse_item_ids(
                old_value.get("items") or [], new_value.get("items") or []
            )
            block["value"] = new_value
        result.append(block)
    return result


def _reuse_item_ids(old_items, new_items):
    old = [item for item in old_items if isinstance(item, dict) and item.get("id")]
    by_text = {}
    for item in old:
        by_text.setdefault(item.get("value"), []).append(item["id"])
    used, result = set(), []
    for item in new_items:
        ids = by_text.get(item["value"])
        if ids:
            item = {**item, "id": ids.pop(0)}
            used.add(item["id"])
        result.append(item)
    spare = [item["id"] for item in old if item["id"] not in used]
    for position, item in enumerate(result):
        if item["id"] not in used and spare:
            result[position] = {**item, "id": spare.pop(0)}
            used.add(result[position]["id"])
    return result


#: ``json.dumps(…, sort_keys=True, ensure_ascii=False)`` without building an encoder
#: for each of the tens of values of each imported row.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def fingerprint(field_name, value):
    """A short digest of the canonical value: what the import record keeps."""
    data = _CANONICAL_JSON.encode(canonical(field_name, value))
    return hashlib.sha256(data.encode()).hexdigest()[:24]


def fingerprints(fields):
    return {name: fingerprint(name, value) for name, value in fields.items()}


# -- slugs ---------------------------------------------------------------------------


class SlugAllocator:
    """Unique slugs among a parent's children, as Wagtail would make them from titles."""

    def __init__(self, taken, routed=None):
        self.taken = set(taken)
        # Slugs the parent serves itself (``agenda``, ``flux``: RencontreIndexPage.routes_slug).
        self.routed = routed or (lambda slug: False)
        self.allow_unicode = conf.allow_unicode_slugs

    def allocate(self, title):
        base = slugify(title, allow_unicode=self.allow_unicode)[:240].strip("-") or "rencontre"
        candidate, suffix = base, 1
        while candidate in self.taken or self.routed(candidate):
            suffix += 1
            candidate = f"{base}-{suffix}"
        self.taken.add(candidate)
        return candidate


# -- bulk creation -------------------------------------------------------------------


class BulkPageCreator:
    """Creates published rencontre pages under ``parent`` in batches (see module doc)."""

    def __init__(self, parent, user=None):
        self.parent = parent
        self.user = user
        self.db = router.db_for_write(Page)
        self.page_type = ContentType.objects.get_for_model(Page)
        self.rencontre_type = ContentType.objects.get_for_model(RencontrePage)
        self.page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
        self.child_fields = list(RencontrePage._meta.local_concrete_fields)
        # PostgreSQL: rows written through COPY, search entries written here (.rows).
        self.fast = is_postgresql(self.db)

    def prepare(self, page):
        """Set what Wagtail sets before validating a new page (slug set by the caller)."""
        page.locale = self.parent.locale
        # A new page has no organisers and no comments: say so in memory, or serialising
        # it for its revision and its references would ask the database, page by page.
        for relation in get_all_child_relations(RencontrePage):
            setattr(page, relation.get_accessor_name(), [])
        page.content_type = self.rencontre_type
        page.draft_title = page.title
        page.live = True
        page.has_unpublished_changes = False
        page.depth = self.parent.depth + 1
        page.url_path = f"{self.parent.url_path}{page.slug}/"
        page.owner = self.user
        if not page.translation_key:
            page.translation_key = uuid.uuid4()
        page._cached_parent_obj = self.parent
        return page

    def create(self, items):
        """Write ``[(page, import_record), …]`` (pages prepared and validated, records
        unsaved) in one transaction; returns the pages, saved."""
        if not items:
            return []
        pages = [page for page, _record in items]
        now = timezone.now()
        with transaction.atomic(using=self.db):
            parent = Page.objects.select_for_update().only("path", "depth").get(pk=self.parent.pk)
            last_path = (
                Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
            position = Page._str2int(last_path[-Page.steplen :]) if last_path else 0
            locate_many(pages)  # their point on maps, as save() would (three queries)
            for offset, page in enumerate(pages, start=1):
                page.path = Page._get_path(parent.path, parent.depth + 1, position + offset)
                page.numchild = 0
                page.first_published_at = page.last_published_at = now
                page.latest_revision_created_at = now

            if self.fast:
                # PostgreSQL: ids known first, so revisions are written before the pages
                # that point to them and no page row is updated afterwards; every row
                # goes in through COPY (.rows).
                page_ids = reserve_ids(Page, len(pages), self.db)
                for page, page_id in zip(pages, page_ids, strict=True):
                    page.id = page.page_ptr_id = page_id
                revisions = self._insert_revisions(pages, now)
                for page, revision in zip(pages, revisions, strict=True):
                    page.latest_revision = page.live_revision = revision
                self._insert_pages(pages)
            else:
                self._insert_pages(pages)
                revisions = self._insert_revisions(pages, now)
                for page, revision in zip(pages, revisions, strict=True):
                    page.latest_revision = page.live_revision = revision
                Page.objects.using(self.db).bulk_update(
                    pages, ["latest_revision", "live_revision"], batch_size=500
                )
            Page.objects.using(self.db).filter(pk=parent.pk).update(
                numchild=F("numchild") + len(pages)
            )

            entries = []
            for page, revision in zip(pages, revisions, strict=True):
                action_uuid = uuid.uuid4()
                actions = (("wagtail.create", None), ("wagtail.publish", revision))
                for action, entry_revision in actions:
                    entries.append(
                        PageLogEntry(
                            content_type_id=self.rencontre_type.id,
                            page_id=page.pk,
                            label=page.get_admin_display_title(),
                            action=action,
                            timestamp=now,
                            data={},
                            uuid=action_uuid,
                            user=self.user,
                            revision=entry_revision,
                            content_changed=True,
                        )
                    )
            insert_new(PageLogEntry, entries, self.db)
            record_publications(
                [
                    Publication(
                        page=page,
                        content=revision.content,
                        revision_id=revision.pk,
                        time=now,
                        user_id=self.user.pk if self.user else None,
                    )
                    for page, revision in zip(pages, revisions, strict=True)
                ],
                new_pages=True,
                insert=lambda events: insert_new(PublicationEvent, events, self.db),
            )

            self._index_references(pages)
            self._index_search(pages)
            # No ``page_published`` signal: its receivers push a page to its translations
            # or purge its cached copies, and a page that did not exist has neither.

            records = [record for _page, record in items]
            for page, record in items:
                record.page_id = page.pk
                record.imported_at = now
            insert_new(ImportRecord, records, self.db)
            request_geocoding_many(pages)  # their addresses, in one batch after the commit
        return pages

    def _insert_pages(self, pages):
        """The ``wagtailcore_page`` rows, then the ``RencontrePage`` rows (MTI)."""
        if self.fast:
            copy_rows(Page, pages, [Page._meta.pk, *self.page_fields], self.db)
            copy_rows(RencontrePage, pages, self.child_fields, self.db)
            for page in pages:
                page._state.adding = False
                page._state.db = self.db
            return
        fields = self.page_fields
        rows = Page.objects.using(self.db).bulk_create(
            [Page(**{f.attname: getattr(page, f.attname) for f in fields}) for page in pages]
        )
        for page, row in zip(pages, rows, strict=True):
            page.id = page.page_ptr_id = row.id
            page._state.adding = False
            page._state.db = self.db
        RencontrePage._base_manager.using(self.db)._insert(
            pages, fields=self.child_fields, using=self.db
        )

    def _insert_revisions(self, pages, now):
        return insert_new(
            Revision,
            [
                Revision(
                    content_type_id=self.rencontre_type.id,
                    base_content_type_id=self.page_type.id,
                    object_id=str(page.pk),
                    user=self.user,
                    created_at=now,
                    content=page.serializable_data(),
                    object_str=str(page),
                )
                for page in pages
            ],
            self.db,
        )

    def _index_references(self, pages):
        """What ``ReferenceIndex.create_or_update_for_object`` writes for a new object."""
        if not ReferenceIndex.is_indexed(RencontrePage):
            return
        rows = []
        for page in pages:
            references = set(ReferenceIndex._extract_references_from_object(page))
            rows.extend(
                ReferenceIndex(
                    content_type_id=self.rencontre_type.id,
                    base_content_type_id=self.page_type.id,
                    object_id=page.pk,
                    to_content_type_id=to_content_type_id,
                    to_object_id=to_object_id,
                    model_path=model_path,
                    content_path=content_path,
                    content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                )
                for to_content_type_id, to_object_id, model_path, content_path in references
            )
        kwargs = {}
        if connections[self.db].features.supports_ignore_conflicts:
            kwargs["ignore_conflicts"] = True
        ReferenceIndex.objects.using(self.db).bulk_create(rows, **kwargs)

    def _index_search(self, pages):
        for _name, backend in get_search_backends_with_name(with_auto_update=True):
            try:
                if self.fast and writes_search_rows(backend, RencontrePage):
                    # The rows PostgreSQL's backend writes, each text read once (.rows).
                    search_index_rows(backend, RencontrePage, pages)
                else:
                    backend.add_bulk(RencontrePage, pages)
            except Exception:
                # Same policy as Wagtail's own indexing: a database backend fails with the
                # transaction, an external service (Elasticsearch) must not lose the data.
                if not backend.catch_indexing_errors:
                    raise
