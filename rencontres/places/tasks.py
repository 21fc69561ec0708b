"""Geocoding rencontres' addresses in the background (Django's tasks API).

When a rencontre is saved with an address and no typed coordinates, and the geocoder
is configured (``RENCONTRES_GEOCODER_URL``), :func:`request_geocoding` enqueues
:data:`geocode_address` once the transaction commits; an import enqueues one
:data:`geocode_addresses` for all its new addresses (the geocoder's batch endpoint).
Nothing here can fail a save: enqueueing errors are logged, and the task records the
geocoder's failure (shown on the page's edit view) before raising it: the retry helper
(:func:`rencontres.tasks.retrying_task`, on the ``geocoding`` queue) tries again later,
and gives up after ``RENCONTRES_TASK_MAX_ATTEMPTS`` (recorded as a ``TaskFailure``).

A task records the answer (:class:`~rencontres.models.GeocodedAddress`) and moves the
point of every saved rencontre with that address and no typed coordinates
(:func:`apply_answer`); a page saved later reads the answer when it is located
(:func:`rencontres.models.places.locate`). The coordinates fields stay what the
editor typed: empty unless the editor corrects the point by hand.
"""

import contextlib
import contextvars
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from .. import queues
from ..conf import conf
from ..models import GeocodedAddress, GeocodingStatus, MapPointSource, RencontrePage
from ..models.choices import FORMATS_WITH_PLACE
from ..models.places import address_query, announce_moved, query_key
from ..tasks import retrying_task
from . import geocoder

logger = logging.getLogger(__name__)

_deferred = contextvars.ContextVar("rencontres_deferred_geocoding", default=None)


def record(query, status, match=None, message="", kind=GeocodedAddress.ADDRESS):
    """Keep the geocoder's answer for ``query``; returns the record."""
    values = {
        "kind": kind,
        "query": query[:600],
        "status": status,
        "latitude": round(match.latitude, 6) if match else None,
        "longitude": round(match.longitude, 6) if match else None,
        "score": match.score if match else None,
        "label": match.label if match else "",
        "citycode": match.citycode if match else "",
        "message": message,
    }
    answer, _created = GeocodedAddress.objects.update_or_create(
        key=query_key(kind, query), defaults=values
    )
    return answer


def apply_answer(answer):
    """Move the point of the rencontres with this address and no typed coordinates to
    the geocoder's answer (:data:`~rencontres.models.places.points_moved` is sent for
    them after the commit). Returns how many changed."""
    if not answer.found:
        return 0
    moved = list(
        RencontrePage.objects.filter(
            address_key=answer.key,
            format__in=FORMATS_WITH_PLACE,
            latitude__isnull=True,
        )
        .exclude(
            map_latitude=answer.latitude,
            map_longitude=answer.longitude,
            map_point_source=MapPointSource.ADDRESS,
        )
        .values_list("pk", flat=True)
    )
    if not moved:
        return 0
    RencontrePage.objects.filter(pk__in=moved).update(
        map_latitude=answer.latitude,
        map_longitude=answer.longitude,
        map_point_source=MapPointSource.ADDRESS,
    )
    announce_moved(GeocodedAddress, moved)
    return len(moved)


def _not_found_message():
    return _("aucune adresse connue ne correspond assez (score minimal %(score)s)") % {
        "score": conf.GEOCODER_MIN_SCORE
    }


def _uncovered_message():
    return _("la base adresse nationale ne couvre pas cette collectivité d’outre-mer")


@retrying_task(queue_name=queues.GEOCODING)
def geocode_address(query, postcode=""):
    """Geocode one rencontre's address and move the point of the rencontres there."""
    if not geocoder.enabled():
        return "disabled"
    if not geocoder.covers(postcode):
        record(query, GeocodingStatus.UNCOVERED, message=_uncovered_message())
        return GeocodingStatus.UNCOVERED
    try:
        matches = geocoder.search(query, postcode=postcode)
    except geocoder.GeocoderError as error:
        record(query, GeocodingStatus.ERROR, message=str(error))
        raise
    if not matches:
        record(query, GeocodingStatus.NOT_FOUND, message=_not_found_message())
        return GeocodingStatus.NOT_FOUND
    apply_answer(record(query, GeocodingStatus.OK, matches[0]))
    return GeocodingStatus.OK


@retrying_task(queue_name=queues.GEOCODING)
def geocode_addresses(items):
    """Geocode many addresses (``[[query, postcode], …]``, an import's) through the
    batch endpoint, ``RENCONTRES_GEOCODER_BATCH_SIZE`` at a time."""
    if not geocoder.enabled():
        return "disabled"
    covered = []
    for query, postcode in items:
        if geocoder.covers(postcode):
            covered.append(query)
        else:
            record(query, GeocodingStatus.UNCOVERED, message=_uncovered_message())
    size = max(1, conf.GEOCODER_BATCH_SIZE)
    found = 0
    for start in range(0, len(covered), size):
        chunk = covered[start : start + size]
        try:
            results = geocoder.search_many(chunk)
        except geocoder.GeocoderError as error:
            for query in chunk:
                record(query, GeocodingStatus.ERROR, message=str(error))
            raise
        for query in chunk:
            match = results.get(query)
            if match is None:
                record(query, GeocodingStatus.NOT_FOUND, message=_not_found_message())
            else:
                apply_answer(record(query, GeocodingStatus.OK, match))
                found += 1
    return found


# -- what saving a rencontre asks for ---------------------------------------------------------


def wanted(page):
    """``(query, postcode)`` when ``page``'s address should be sent to the geocoder: a
    place with an address, no typed coordinates, no answer kept yet (a failure is tried
    again); else None."""
    if not geocoder.enabled() or page.format not in FORMATS_WITH_PLACE:
        return None
    if page.latitude is not None and page.longitude is not None:
        return None
    query = address_query(page.address, page.postcode, page.commune)
    if not query:
        return None
    answered = GeocodedAddress.objects.filter(key=query_key(GeocodedAddress.ADDRESS, query))
    if answered.exclude(status=GeocodingStatus.ERROR).exists():
        return None
    return query, page.postcode


def _enqueue(task_, *args):
    try:
        task_.enqueue(*args)
    except Exception:  # a queue that is down must not fail the editor's save
        logger.exception("Could not enqueue %s", task_.module_path)


def _on_commit_once(key, callback):
    """``transaction.on_commit(callback)`` unless one with the same ``key`` is already
    waiting for this transaction (Wagtail saves a page several times as it creates or
    publishes it)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, pending, _robust in connection.run_on_commit:
            if getattr(pending, "rencontres_geocoding", None) == key and not pending.done:
                return

    def once():
        once.done = True
        callback()

    once.rencontres_geocoding, once.done = key, False
    transaction.on_commit(once)


def request_geocoding(page):
    """After ``page`` is saved: geocode its address in the background if it needs it
    (once the transaction commits; inside :func:`deferred`, with the others at its end).
    Never raises."""
    try:
        item = wanted(page)
    except Exception:
        logger.exception("Could not check the geocoding of page %s", page.pk)
        return
    if item is None:
        return
    pending = _deferred.get()
    if pending is not None:
        pending.append(item)
        return
    _on_commit_once(item, lambda: _enqueue(geocode_address, *item))


def request_geocoding_many(pages):
    """:func:`request_geocoding` for pages written without ``save()`` (an import's)."""
    items = []
    for page in pages:
        try:
            item = wanted(page)
        except Exception:
            logger.exception("Could not check the geocoding of page %s", page.pk)
            continue
        if item is not None:
            items.append(item)
    pending = _deferred.get()
    if pending is not None:
        pending.extend(items)
    elif items:
        transaction.on_commit(lambda: _enqueue(geocode_addresses, [list(i) for i in items]))


@contextlib.contextmanager
def deferred():
    """Within this block, the addresses to geocode are gathered and sent at its end in
    one batch task (an import)."""
    if _deferred.get() is not None:  # nested: the outer block sends them
        yield
        return
    pending = []
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
        items = [list(item) for item in dict.fromkeys(pending)]
        if items:
            transaction.on_commit(lambda: _enqueue(geocode_addresses, items))
