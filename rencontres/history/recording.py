"""Writing the publication log (:class:`~rencontres.models.PublicationEvent`) when
something a visitor can see of a rencontre changes.

Where each event comes from (the receivers are connected in :mod:`rencontres.signals`):

=================================  =================================================
publication, scheduled go-live     Wagtail's ``wagtail.publish`` /
                                   ``wagtail.publish.scheduled`` log entry
                                   (``post_save`` of ``PageLogEntry``): its time,
                                   revision and author are the version's, exactly
                                   what the history computed from revisions shows
unpublication, expiry              ``page_unpublished`` (``expired`` set by
                                   ``publish_scheduled``)
deletion                           ``pre_delete`` of the rencontre, inside the
                                   deletion's own transaction (a deleted index: one
                                   per rencontre under it)
made private / public              ``post_save`` (created) / ``post_delete`` of a
                                   ``PageViewRestriction``, for every live rencontre
                                   under the page whose visibility it changes
move                               ``post_page_move``, for every live rencontre under
                                   the moved page (made private or public instead
                                   when the move changes that)
bulk import                        :func:`record_publications`, called by the
                                   importer's bulk writer (it sends no signal)
=================================  =================================================

Each translation is a page of its own: publishing the French source and, through the
synchronised fields, its English translation records one event per language.

A publication records the public content it made (:mod:`.snapshots`) and what changed
since the previous recorded one; a publication that changed no public field is
recorded only when it makes the page visible again. Nothing here ever makes an
editor's action fail: every recording runs in a savepoint, and when the public
content cannot be computed a minimal event is recorded (``complete=False``, no
version) and the error logged; ``manage.py publication_log reparer`` computes it later.
"""

import logging
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from ..models import EventType, PublicationEvent, RencontrePage
from ..models.publication_log import events_recorded
from .base import PUBLISH_ACTIONS, restricted_paths, visibility
from .fields import history_fields
from .snapshots import diff, read_snapshots

logger = logging.getLogger(__name__)

#: The page type whose publications are logged.
LOGGED_MODEL = RencontrePage


def is_logged(model):
    return model is not None and issubclass(model, LOGGED_MODEL)


@dataclass
class Publication:
    """One revision of a page going live."""

    page: object
    content: dict
    revision_id: int | None
    time: object
    action: str = "wagtail.publish"
    user_id: int | None = None

    @property
    def type(self):
        if self.action == "wagtail.publish.scheduled":
            return EventType.SCHEDULED
        return EventType.PUBLISHED


def save_events(events, insert=None):
    """Write ``events`` (with ``insert``, ``bulk_create`` by default); :data:`events_recorded`
    is sent once the transaction commits."""
    if not events:
        return []
    events = (insert or PublicationEvent.objects.bulk_create)(events)
    transaction.on_commit(
        lambda: events_recorded.send(sender=PublicationEvent, events=events), robust=True
    )
    return events


def _event(page, **values):
    return PublicationEvent(
        page_id=page.pk,
        locale=page.locale.language_code,
        translation_key=page.translation_key,
        **values,
    )


# -- publications ----------------------------------------------------------------------


def _state(page_id):
    """``(latest snapshot or None, visible after the latest event)`` of a page."""
    events = PublicationEvent.objects.filter(page_id=page_id).order_by("-time", "-pk")
    latest = events.values_list("visible", flat=True).first()
    snapshot = events.filter(snapshot__isnull=False).values_list("snapshot", flat=True).first()
    return snapshot, bool(latest)


def record_publications(publications, *, new_pages=False, insert=None):
    """Record ``publications`` (oldest first; several may be of the same page) and
    return the events written. ``new_pages``: the pages have no event yet (a bulk
    import), which saves two queries per page; ``insert``: what writes the events (see
    :func:`save_events`). Raises on failure: callers that must not fail use
    :func:`record_publication_entry`."""
    if not publications:
        return []
    pages = {publication.page.pk: publication.page for publication in publications}
    states = {} if new_pages else {pk: _state(pk) for pk in pages}
    visible_now = visibility(pages.values(), restricted_paths())

    # The snapshots, one batch per page type and language.
    snapshots = [None] * len(publications)
    groups = {}
    for position, publication in enumerate(publications):
        page = publication.page
        groups.setdefault((type(page), page.locale.language_code), []).append(position)
    for (model, language), positions in groups.items():
        contents = [publications[position].content for position in positions]
        for position, snapshot in zip(
            positions, read_snapshots(model, contents, language), strict=True
        ):
            snapshots[position] = snapshot

    events = []
    specs = {model: history_fields(model) for model, _language in groups}
    for publication, snapshot in zip(publications, snapshots, strict=True):
        page = publication.page
        previous, was_visible = states.get(page.pk, (None, False))
        changes = diff(previous, snapshot, specs[type(page)])
        visible = visible_now[page.pk]
        if not changes and (was_visible or not visible):
            continue  # nothing public changed, nothing became visible
        events.append(
            _event(
                page,
                time=publication.time,
                type=publication.type,
                revision_id=publication.revision_id,
                user_id=publication.user_id,
                visible=visible,
                listed=visible,
                is_version=bool(changes),
                changed_fields=list(changes),
                changes=changes or None,
                snapshot=snapshot,
            )
        )
        states[page.pk] = (snapshot, visible)
    return save_events(events, insert)


def _logged_page(entry):
    if not entry.content_type_id:
        return None
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    if not is_logged(model):
        return None
    return model._default_manager.select_related("locale").filter(pk=entry.page_id).first()


def record_publication_entry(entry):
    """Record the publication Wagtail just logged (``entry``, a ``PageLogEntry``).

    Never raises: if the public content cannot be computed, a minimal event is
    recorded (type, page, language, time; no version) and the error logged."""
    if entry.action not in PUBLISH_ACTIONS or not entry.revision_id:
        return None
    try:
        page = _logged_page(entry)
        if page is None:
            return None
    except Exception:  # the editor's publication must not fail
        logger.exception("Publication log: page %s could not be read", entry.page_id)
        return None
    publication = Publication(
        page=page,
        content=None,
        revision_id=entry.revision_id,
        time=entry.timestamp,
        action=entry.action,
        user_id=entry.user_id,
    )
    try:
        with transaction.atomic():
            publication.content = entry.revision.content
            return record_publications([publication])
    except Exception:  # the editor's publication must not fail
        logger.exception(
            "Publication log: the public content of page %s (revision %s) could not be "
            "computed; a minimal event is recorded (manage.py publication_log reparer)",
            page.pk,
            entry.revision_id,
        )
    try:
        with transaction.atomic():
            visible = visibility([page])[page.pk]
            return save_events(
                [
                    _event(
                        page,
                        time=publication.time,
                        type=publication.type,
                        revision_id=publication.revision_id,
                        user_id=publication.user_id,
                        visible=visible,
                        listed=visible,
                        complete=False,
                    )
                ]
            )
    except Exception:  # the editor's publication must not fail
        logger.exception("Publication log: no event could be recorded for page %s", page.pk)
        return None


# -- everything else: the page stops (or starts) being visible -------------------------------


def _safely(description, record, *args):
    """Run ``record(*args)`` in a savepoint; log instead of raising."""
    try:
        with transaction.atomic():
            return record(*args)
    except Exception:  # the editor's action must not fail
        logger.exception("Publication log: %s could not be recorded", description)
        return None


def record_unpublication(page):
    """``page`` (a rencontre) was just unpublished, or expired: an event if it was
    visible (live and public) until now."""
    return _safely("an unpublication", _record_unpublication, page)


def _record_unpublication(page):
    if type(page)._default_manager.filter(pk=page.pk, live=True).exists():
        return []  # not saved: Wagtail unpublishes in memory a page it is about to delete
    if any(page.path.startswith(path) for path in restricted_paths()):
        return []  # private: the public never saw it
    kind = EventType.EXPIRED if page.expired else EventType.UNPUBLISHED
    return save_events([_event(page, time=timezone.now(), type=kind, visible=False, listed=True)])


def record_deletion(page):
    """``page`` (a rencontre) is being deleted: an event if it is visible."""
    return _safely("a deletion", _record_deletion, page)


def _record_deletion(page):
    # Live as the database says: Wagtail unpublishes the instance in memory before
    # deleting it (and its receiver may run before this one).
    if not type(page)._default_manager.filter(pk=page.pk, live=True).exists():
        return []
    if any(page.path.startswith(path) for path in restricted_paths()):
        return []
    return save_events(
        [_event(page, time=timezone.now(), type=EventType.DELETED, visible=False, listed=True)]
    )


def _live_rencontres_under(page):
    return (
        LOGGED_MODEL.objects.filter(path__startswith=page.path, live=True)
        .select_related("locale")
        .order_by("path")
    )


def record_privacy_change(restriction, *, created):
    """A view restriction was added to (``created``) or removed from a page: an event
    for every live rencontre under it that it makes private or public."""
    return _safely("a privacy change", _record_privacy_change, restriction, created)


def _record_privacy_change(restriction, created):
    others = restricted_paths(exclude=restriction.pk)
    root = restriction.page
    now = timezone.now()
    events = []
    for page in _live_rencontres_under(root):
        if any(page.path.startswith(path) for path in others):
            continue  # another restriction keeps it private either way
        if created:
            events.append(
                _event(page, time=now, type=EventType.MADE_PRIVATE, visible=False, listed=True)
            )
        else:
            events.append(
                _event(page, time=now, type=EventType.MADE_PUBLIC, visible=True, listed=True)
            )
    return save_events(events)


def record_move(page, parent_before, parent_after, url_path_before, url_path_after):
    """``page`` was moved: an event for every live rencontre under it (made private or
    public instead of moved when the new place changes that)."""
    return _safely(
        "a move",
        _record_move,
        page,
        parent_before,
        parent_after,
        url_path_before != url_path_after,
    )


def _record_move(page, parent_before, parent_after, url_changed):
    # ``page`` is the moved page as it is now (its new tree path); the restrictions
    # under it moved with it.
    paths = restricted_paths()
    outer_before = any(parent_before.path.startswith(path) for path in paths)
    outer_after = any(parent_after.path.startswith(path) for path in paths)
    inner = [path for path in paths if path.startswith(page.path)]
    now = timezone.now()
    events = []
    for rencontre in _live_rencontres_under(page):
        private_inside = any(rencontre.path.startswith(path) for path in inner)
        before = not (outer_before or private_inside)
        after = not (outer_after or private_inside)
        if before and after and url_changed:
            kind = EventType.MOVED
        elif before and not after:
            kind = EventType.MADE_PRIVATE
        elif after and not before:
            kind = EventType.MADE_PUBLIC
        else:
            continue
        events.append(_event(rencontre, time=now, type=kind, visible=after, listed=True))
    return save_events(events)
