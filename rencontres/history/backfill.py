"""The publication log written from revisions, for what was published before it
existed, and rewritten where the publication could not be computed in time.

:func:`backfill` gives every rencontre without events the versions its history
computed from revisions shows (:class:`.computed.ComputedHistory`: same versions,
same numbers, same texts, same times), in its own language. It is what
``manage.py publication_log remplir`` runs, once after upgrading (``make run`` runs it
too; it does nothing for pages already in the log).

:func:`rebuild_page` recomputes, in place, the publication events of a page whose
public content could not be computed when it was published (``complete=False``), and
every later one (their changes were computed against an older version):
``manage.py publication_log reparer``. The events keep their ids and times, so the
change log neither repeats nor skips them.

Only publications are back-filled: unpublications, deletions, moves and privacy
changes that happened before the log existed are not (a consumer of the change log
starts with a full synchronisation anyway).
"""

from django.db import transaction
from django.utils import translation

from ..models import EventType, PublicationEvent, RencontrePage
from ..models.publication_log import PUBLICATION_TYPES
from .base import visibility
from .computed import ComputedHistory
from .recording import save_events

SCHEDULED_ACTION = "wagtail.publish.scheduled"


def _computed(page):
    language = page.locale.language_code
    history = ComputedHistory(page, language=language, require_public=False)
    with translation.override(language):
        return history.compute()


def _lists(snapshot):
    return {name: list(lines) for name, lines in snapshot.items()}


def _changes(version):
    return {
        change.name: {"before": list(change.before), "after": list(change.after)}
        for change in version.changes
    }


def _version_event(page, version, snapshots, *, visible, listed):
    return PublicationEvent(
        time=version.published_at,
        type=EventType.SCHEDULED if version.action == SCHEDULED_ACTION else EventType.PUBLISHED,
        page_id=page.pk,
        locale=page.locale.language_code,
        translation_key=page.translation_key,
        revision_id=version.revision_id,
        user_id=version.user_id,
        visible=visible,
        listed=listed,
        is_version=True,
        changed_fields=version.changed_fields,
        changes=_changes(version),
        snapshot=_lists(snapshots[version.revision_id]),
    )


def backfill_page(page):
    """Write the publication events of ``page`` (which has none) from its revisions;
    returns the events written (listed in the change log if the page is visible)."""
    versions, snapshots = _computed(page)
    visible = visibility([page])[page.pk]
    return save_events(
        [
            _version_event(page, version, snapshots, visible=visible, listed=visible)
            for version in versions
        ]
    )


def pages_without_events():
    logged = PublicationEvent.objects.values("page_id")
    return RencontrePage.objects.exclude(pk__in=logged).select_related("locale").order_by("path")


def backfill(pages=None):
    """Back-fill every page of ``pages`` (default: the rencontres without events);
    returns ``(pages back-filled, events written)``."""
    pages = pages_without_events() if pages is None else pages
    done = written = 0
    for page in pages.iterator(chunk_size=100):
        with transaction.atomic():
            written += len(backfill_page(page))
        done += 1
    return done, written


def pages_to_repair():
    pending = PublicationEvent.objects.filter(complete=False).values("page_id")
    return RencontrePage.objects.filter(pk__in=pending).select_related("locale").order_by("path")


def rebuild_page(page):
    """Recompute the publication events of ``page`` from its revisions, in place; a
    publication of the computed history missing from the log is added (not listed).
    Returns ``(events updated, events added)``."""
    versions, snapshots = _computed(page)
    by_revision = {version.revision_id: version for version in versions}
    events = list(
        PublicationEvent.objects.filter(page_id=page.pk, type__in=PUBLICATION_TYPES).order_by(
            "time", "pk"
        )
    )
    seen = set()
    for event in events:
        version = by_revision.get(event.revision_id)
        if version is not None and event.revision_id not in seen:
            seen.add(event.revision_id)
            event.is_version = True
            event.changed_fields = version.changed_fields
            event.changes = _changes(version)
        else:
            event.is_version = False
            event.changed_fields = []
            event.changes = None
        snapshot = snapshots.get(event.revision_id)
        event.snapshot = _lists(snapshot) if snapshot is not None else None
        event.complete = True
    with transaction.atomic():
        PublicationEvent.objects.bulk_update(
            events, ["is_version", "changed_fields", "changes", "snapshot", "complete"]
        )
        visible = visibility([page])[page.pk]
        added = save_events(
            [
                _version_event(page, version, snapshots, visible=visible, listed=False)
                for version in versions
                if version.revision_id not in seen
            ]
        )
    return len(events), len(added)
