"""Values erased from the public history by an administrator.

``manage.py publication_log retirer`` (:func:`redact`) replaces a value — a phone
number, a name, an e-mail address that should never have been published — by
« [valeur retirée] » in every version the publication log keeps of the pages
concerned (their public text and their changes), records the redaction with its
reason (:class:`~rencontres.models.Redaction`, and an entry in each page's Wagtail
history, without the value), and, once committed, sends
:data:`~rencontres.models.publication_log.history_redacted` so that the caches that
showed the old text purge it. The computed history (:mod:`.computed`) masks the same
values, so no reader shows them again.

A value still present in the published page is refused: edit and publish the page
first, then redact its past versions.
"""

import logging

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from ..models import EventType, PublicationEvent, Redaction, RencontrePage
from ..models.publication_log import events_recorded, history_redacted
from .base import visibility
from .fields import history_fields

logger = logging.getLogger(__name__)

#: The Wagtail log action of a redaction (registered in ``wagtail_hooks``).
LOG_ACTION = "rencontres.history_redacted"

#: Shortest value accepted: shorter ones would mask innocent text.
MIN_LENGTH = 3


class RedactionRefused(ValueError):
    """The redaction cannot be done (the message says why, in French)."""


def mark():
    """What stands for a redacted value, in the active language."""
    return _("[valeur retirée]")


def redactions_for(page_id):
    """The redactions that apply to ``page_id`` (one query)."""
    return [redaction for redaction in Redaction.objects.all() if redaction.applies_to(page_id)]


class Masker:
    """Masks the redacted values in lines of text, field by field."""

    def __init__(self, redactions, page_id=None):
        self.rules = [
            (redaction.field, redaction.value)
            for redaction in redactions
            if page_id is None or redaction.applies_to(page_id)
        ]
        self.mark = mark()
        self._memo = {}

    def lines(self, field, lines):
        """``lines`` (a list or tuple of text) with the values masked, as a tuple."""
        masked = []
        for line in lines:
            for only, value in self.rules:
                if (not only or only == field) and value in line:
                    line = line.replace(value, self.mark)
            masked.append(line)
        return tuple(masked)

    def snapshot(self, values):
        """``{field: lines}`` masked; other values (``MISSING``) kept as they are."""
        masked = {}
        for name, lines in values.items():
            if not isinstance(lines, (list, tuple)):
                masked[name] = lines
                continue
            key = (name, id(lines))
            if key not in self._memo:
                self._memo[key] = (lines, self.lines(name, lines))
            masked[name] = self._memo[key][1]
        return masked

    def event(self, event):
        """Mask ``event``'s snapshot and changes in place; a change that no longer
        changes anything is dropped. Returns whether anything was masked."""
        touched = False
        if event.snapshot:
            snapshot = {
                name: list(self.lines(name, lines)) for name, lines in event.snapshot.items()
            }
            touched |= snapshot != event.snapshot
            event.snapshot = snapshot
        if event.changes:
            changes = {}
            for name, change in event.changes.items():
                before = list(self.lines(name, change["before"]))
                after = list(self.lines(name, change["after"]))
                if before != after:
                    changes[name] = {"before": before, "after": after}
            touched |= changes != event.changes
            event.changes = changes
            event.changed_fields = [name for name in event.changed_fields if name in changes]
            event.is_version = bool(event.changed_fields)
        return touched


def _live_holders(value, field, page_ids):
    """Pages whose current public content (their latest recorded version) still holds
    ``value``."""
    events = PublicationEvent.objects.filter(snapshot__isnull=False)
    if page_ids:
        events = events.filter(page_id__in=page_ids)
    latest = {}
    for event in events.order_by("page_id", "time", "pk").only("page_id", "snapshot").iterator():
        latest[event.page_id] = event.snapshot
    live = set(Page.objects.filter(pk__in=latest, live=True).values_list("pk", flat=True))
    holders = []
    for page_id, snapshot in latest.items():
        if page_id not in live:
            continue
        for name, lines in snapshot.items():
            if (not field or name == field) and any(value in line for line in lines):
                holders.append(page_id)
                break
    return sorted(holders)


def redact(value, reason, *, user=None, page_ids=None, field=""):
    """Erase ``value`` from the publication log of ``page_ids`` (every page if empty),
    in ``field`` only if given; returns the :class:`Redaction`.

    Raises :class:`RedactionRefused` for an empty reason, a value too short, an unknown
    field or a value the published page still shows.
    """
    value = (value or "").strip()
    reason = (reason or "").strip()
    page_ids = sorted({int(pk) for pk in page_ids or []})
    if len(value) < MIN_LENGTH:
        raise RedactionRefused(
            _("La valeur à retirer doit compter au moins %(n)s caractères.") % {"n": MIN_LENGTH}
        )
    if not reason:
        raise RedactionRefused(_("Indiquez le motif du retrait."))
    if field and field not in {spec.name for spec in history_fields(RencontrePage)}:
        raise RedactionRefused(
            _("« %(field)s » n’est pas un champ public des rencontres.") % {"field": field}
        )
    holders = _live_holders(value, field, page_ids)
    if holders:
        raise RedactionRefused(
            _(
                "La version publiée des pages %(pages)s contient encore cette valeur : "
                "modifiez-les et publiez-les d’abord."
            )
            % {"pages": ", ".join(str(pk) for pk in holders)}
        )
    with transaction.atomic():
        redaction = Redaction.objects.create(
            user=user, page_ids=page_ids, field=field, value=value, reason=reason
        )
        changed_pages = _apply(redaction)
        redaction.events_changed = sum(changed_pages.values())
        redaction.save(update_fields=["events_changed"])
        events = _record(redaction, sorted(changed_pages), user)
        transaction.on_commit(lambda: _announce(redaction, sorted(changed_pages), events))
    return redaction


def _apply(redaction):
    """Mask the value in every event it concerns; ``{page id: events changed}``."""
    events = PublicationEvent.objects.filter(snapshot__isnull=False) | (
        PublicationEvent.objects.filter(changes__isnull=False)
    )
    if redaction.page_ids:
        events = events.filter(page_id__in=redaction.page_ids)
    changed = {}
    batch = []
    maskers = {}
    for event in events.order_by("pk").iterator(chunk_size=500):
        masker = maskers.get(event.locale)
        if masker is None:
            with translation.override(event.locale):
                masker = maskers[event.locale] = Masker([redaction])
        if masker.event(event):
            batch.append(event)
            changed[event.page_id] = changed.get(event.page_id, 0) + 1
        if len(batch) >= 500:
            _save(batch)
            batch = []
    _save(batch)
    return changed


def _save(events):
    if events:
        PublicationEvent.objects.bulk_update(
            events, ["snapshot", "changes", "changed_fields", "is_version"]
        )


def _record(redaction, page_ids, user):
    """A ``redacted`` event and a Wagtail log entry (without the value) per page."""
    now = timezone.now()
    events = []
    pages = list(Page.objects.filter(pk__in=page_ids).select_related("locale"))
    visible_pages = visibility(pages)
    for page in pages:
        visible = visible_pages[page.pk]
        events.append(
            PublicationEvent(
                time=now,
                type=EventType.REDACTED,
                page_id=page.pk,
                locale=page.locale.language_code,
                translation_key=page.translation_key,
                user=user,
                visible=visible,
                listed=visible,
            )
        )
        log(
            instance=page.specific,
            action=LOG_ACTION,
            user=user,
            data={"reason": redaction.reason, "field": redaction.field, "id": redaction.pk},
        )
    return PublicationEvent.objects.bulk_create(events)


def _announce(redaction, page_ids, events):
    history_redacted.send(sender=Redaction, redaction=redaction, page_ids=page_ids)
    if events:
        events_recorded.send(sender=PublicationEvent, events=events)
