"""The change log of the API: what became visible or stopped being visible, since a
cursor — ``/api/v2/rencontres/changes/`` and ``/api/v3/rencontres/changes/``.

It reads the publication log (:class:`~rencontres.models.PublicationEvent`, the
*listed* events only: nothing of a page the public could not see). Each entry has the
event's type, page id, language, time and — when the page is visible after it — the
rencontre's URL in the API; an entry of a rencontre that was removed (unpublished,
expired, deleted, made private) carries nothing else.

Paging: entries come oldest first, ordered by ``(time, id)``; ``next_cursor`` (an
opaque string) is given back as ``?since=`` to read on, and no entry is ever skipped
or repeated, even when several share a timestamp. A cursor older than
``RENCONTRES_CHANGES_RETENTION_DAYS`` answers 410 Gone: the consumer resynchronises
(reads the log from the start, without ``since``). Events younger than
``RENCONTRES_CHANGES_SETTLE_SECONDS`` wait for the next request, so that one whose
transaction commits late is never passed over. An empty page still moves the cursor
forward (to the hour): a consumer that polls a quiet log keeps a fresh cursor.

The payloads are built here for both APIs (:func:`changes_payload`);
:class:`ChangesSchema` types them for v3.
"""

import base64
import datetime as dt
import json
from datetime import datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from ..conf import conf
from ..dates import api_datetime
from ..history.fields import history_fields
from ..models import EventType, PublicationEvent, RencontrePage
from ..models.publication_log import VISIBLE_TYPES


class CursorError(ValueError):
    """A ``since`` that is not a cursor this API gave (the message says so)."""


class CursorGone(LookupError):
    """A cursor older than the retention period: the consumer must resynchronise."""


def encode_cursor(time, pk):
    """An opaque, URL-safe cursor for the position ``(time, pk)``."""
    raw = json.dumps([time.astimezone(dt.UTC).isoformat(), int(pk)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """``(time, pk)`` of a cursor; raises :class:`CursorError`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        iso, pk = json.loads(raw)
        time = datetime.fromisoformat(iso)
        if timezone.is_naive(time) or type(pk) is not int or not 0 <= pk < 2**63:
            raise ValueError(cursor)
        time = time.astimezone(dt.UTC)
    except (ValueError, TypeError, OverflowError):
        raise CursorError(
            _("Curseur invalide : donnez la valeur de next_cursor d’une réponse précédente.")
        ) from None
    return time, pk


def gone_message():
    return _(
        "Ce curseur est plus ancien que la durée de conservation du journal des "
        "changements (%(days)s jours) : resynchronisez-vous en relisant le journal depuis "
        "le début (sans le paramètre since) et chaque rencontre qu’il cite."
    ) % {"days": conf.CHANGES_RETENTION_DAYS}


def page_size(limit=None):
    """The entries of a page: ``limit`` if given, up to ``RENCONTRES_CHANGES_PAGE_SIZE``."""
    most = conf.CHANGES_PAGE_SIZE
    if limit in (None, ""):
        return most
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise CursorError(_("limit doit être un nombre entier positif.")) from None
    if limit < 1:
        raise CursorError(_("limit doit être un nombre entier positif."))
    return min(limit, most)


def changes_payload(since=None, limit=None, api_url=None, now=None):
    """``{"items", "next_cursor", "has_more"}``: the entries after ``since``.

    ``api_url(page_id)`` gives the URL of a rencontre in the API. Raises
    :class:`CursorError` (a bad ``since`` or ``limit``) or :class:`CursorGone`."""
    now = now or timezone.now()
    size = page_size(limit)
    events = PublicationEvent.objects.listed()
    settled = now - dt.timedelta(seconds=conf.CHANGES_SETTLE_SECONDS)
    events = events.filter(time__lte=settled)
    # Where a reader that has read everything starts next time: up to ``settled``,
    # rounded down to the hour so that the answer stays the same for an hour (HTTP
    # caches) — never before the last entry it was given, so nothing repeats.
    position = (settled.replace(minute=0, second=0, microsecond=0), 0)
    if since:
        time, pk = decode_cursor(since)
        if time < now - dt.timedelta(days=conf.CHANGES_RETENTION_DAYS):
            raise CursorGone(gone_message())
        events = events.after((time, pk))
        position = max(position, (time, pk))
    rows = list(
        events.values_list("pk", "time", "type", "page_id", "locale", "translation_key", "visible")[
            : size + 1
        ]
    )
    has_more = len(rows) > size
    rows = rows[:size]
    public = {spec.name for spec in history_fields(RencontrePage)}
    versions = {
        pk: [name for name in names if name in public]
        for pk, names in PublicationEvent.objects.filter(
            pk__in=[row[0] for row in rows], is_version=True
        ).values_list("pk", "changed_fields")
    }
    items = [_entry(row, versions.get(row[0], []), api_url) for row in rows]
    if has_more:
        next_cursor = items[-1]["cursor"]
    else:
        # Everything up to ``settled`` has been read: start there next time.
        if rows:
            position = max(position, (rows[-1][1], rows[-1][0]))
        next_cursor = encode_cursor(*position)
    return {"items": items, "next_cursor": next_cursor, "has_more": has_more}


def _entry(row, changed_fields, api_url):
    pk, time, kind, page_id, locale, translation_key, visible = row
    shows = visible and kind in VISIBLE_TYPES
    return {
        "cursor": encode_cursor(time, pk),
        "id": pk,
        "type": kind,
        "page_id": page_id,
        "locale": locale,
        "translation_key": str(translation_key) if translation_key else None,
        "time": api_datetime(time),
        "visible": bool(shows),
        "changed_fields": changed_fields if shows else [],
        "api_url": api_url(page_id) if shows and api_url else None,
    }


# -- v3 schemas -------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChangeSchema(_Model):
    cursor: str = Field(description="Position de cette entrée (à redonner dans since).")
    id: int = Field(description="Identifiant de l’événement.")
    type: Literal[tuple(EventType.values)] = Field(  # type: ignore[valid-type]
        description=(
            "published (nouvelle version ou remise en ligne), scheduled_publication "
            "(publication programmée), unpublished, expired, deleted, made_private, "
            "made_public, moved, redacted (historique expurgé)."
        )
    )
    page_id: int = Field(description="Identifiant de la rencontre (une par langue).")
    locale: str = Field(description="Langue de la page, par exemple fr.")
    translation_key: str | None = Field(description="Commune aux traductions d’une rencontre.")
    time: datetime
    visible: bool = Field(description="La rencontre est en ligne et publique après l’événement.")
    changed_fields: list[str] = Field(description="Champs publics changés (nouvelle version).")
    api_url: str | None = Field(
        description="La rencontre dans cette API si elle reste visible ; null sinon."
    )


class ChangesSchema(_Model):
    items: list[ChangeSchema] = Field(description="Les événements, du plus ancien au plus récent.")
    next_cursor: str = Field(description="À redonner dans since pour lire la suite.")
    has_more: bool = Field(description="Vrai s’il reste des entrées à lire tout de suite.")
