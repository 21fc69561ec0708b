"""From the publication log to the partners' endpoints, in the task worker.

1. After a transaction that recorded events commits (:data:`events_recorded`),
   :func:`schedule_dispatch` enqueues :func:`dispatch_events` on the ``webhooks`` queue
   — nothing else happens in the editor's request, and nothing there can fail it.
2. :func:`dispatch_events` reads ``PublicationEvent.objects.listed().after(position)``
   for each active endpoint from the position it reached (and, in the settle delay
   before it, the events that have no delivery yet, so that one whose transaction
   committed late is not passed over: a delivery exists once per endpoint and
   event), records a :class:`WebhookDelivery` for each event it wants,
   and enqueues :func:`deliver` for each.
3. :func:`deliver` POSTs the payload, signed (:mod:`.signing`), through
   :mod:`rencontres.outbound`. A timeout, a refused connection or an answer other than
   2xx fails the attempt: the retry helper tries again later, the wait doubling
   (``RENCONTRES_TASK_*``); the last attempt leaves the delivery « échec ». An address
   the settings refuse fails at once. After ``RENCONTRES_WEBHOOK_DISABLE_AFTER`` failed
   attempts in a row, the endpoint is disabled and its waiting deliveries cancelled.

The queue is the ``webhooks`` one, taken by the « outbound » worker
(:data:`rencontres.queues.WORKERS`): a dead endpoint never delays publishing or purges.
"""

import json
import logging
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import outbound, queues
from ..api.changes import encode_cursor
from ..conf import conf
from ..history.fields import history_fields
from ..models import (
    DeliveryStatus,
    PublicationEvent,
    RencontrePage,
    WebhookDelivery,
    WebhookEndpoint,
)
from ..models.publication_log import VISIBLE_TYPES
from ..models.webhooks import TEST_EVENT
from ..tasks import PermanentFailure, retrying_task
from . import signing

logger = logging.getLogger(__name__)

#: Events read from the log by one dispatch (another dispatch reads on).
BATCH = 500
#: The most of a partner's answer that is read (and kept, cut, as the last error).
MAX_ANSWER_BYTES = 64 * 1024


class DeliveryFailed(Exception):
    """The endpoint answered with a status other than 2xx."""


# -- payloads ---------------------------------------------------------------------------


def api_url(page_id):
    """The rencontre's URL in the API v2, or None."""
    try:
        path = reverse(conf.API_DETAIL_URL_NAME, args=[page_id])
    except NoReverseMatch:
        return None
    return conf.api_base_url.rstrip("/") + path


def event_payload(event, public_fields=None):
    """What a partner receives for ``event`` (a :class:`PublicationEvent`)."""
    shows = bool(event.visible and event.type in VISIBLE_TYPES)
    if public_fields is None:
        public_fields = {spec.name for spec in history_fields(RencontrePage)}
    changed = [name for name in event.changed_fields or [] if name in public_fields]
    return {
        "event": event.type,
        "id": event.page_id,
        "locale": event.locale,
        "time": event.time.isoformat(),
        "api_url": api_url(event.page_id) if shows else None,
        "visible": shows,
        "changed_fields": changed if shows and event.is_version else [],
        "translation_key": str(event.translation_key) if event.translation_key else None,
        "event_id": event.pk,
        "cursor": encode_cursor(event.time, event.pk),
    }


def test_payload(endpoint, now=None):
    now = now or timezone.now()
    return {
        "event": TEST_EVENT,
        "id": None,
        "locale": conf.source_language,
        "time": now.isoformat(),
        "api_url": None,
        "visible": False,
        "changed_fields": [],
        "translation_key": None,
        "event_id": None,
        "cursor": None,
    }


def body_of(delivery):
    """The request body: the payload with the delivery's id, as compact UTF-8 JSON."""
    payload = {"delivery": str(delivery.pk), **delivery.payload}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


# -- from the log to deliveries ---------------------------------------------------------


def schedule_dispatch(sender=None, events=(), **kwargs):
    """Receiver of :data:`events_recorded`: enqueue a dispatch, never fail the caller."""
    if not events or not WebhookEndpoint.objects.filter(active=True).exists():
        return
    try:
        dispatch_events.enqueue()
    except Exception:  # the publication has committed: nothing may undo or fail it
        logger.exception("Webhooks: the dispatch could not be enqueued")


@retrying_task(queue_name=queues.WEBHOOKS, max_attempts=3)
def dispatch_events():
    """Record and enqueue the deliveries of every active endpoint; return their count."""
    public_fields = {spec.name for spec in history_fields(RencontrePage)}
    created, more = [], False
    with transaction.atomic():
        for endpoint in WebhookEndpoint.objects.select_for_update().filter(active=True):
            batch, full = _dispatch_endpoint(endpoint, public_fields)
            created += batch
            more = more or full
        ids = [delivery.pk for delivery in created]
        transaction.on_commit(lambda: _enqueue_deliveries(ids, more))
    return len(created)


def _dispatch_endpoint(endpoint, public_fields):
    """The deliveries of ``endpoint``'s new events: those after its position (at most
    :data:`BATCH`), and those of the settle delay before it that have none yet (a
    transaction that committed late). Returns ``(created, more to read)``."""
    listed = PublicationEvent.objects.listed().filter(time__gte=endpoint.created_at)
    fresh = list(listed.after(endpoint.cursor)[:BATCH])
    late = []
    if endpoint.cursor is not None:
        time, pk = endpoint.cursor
        settle = timedelta(seconds=max(conf.CHANGES_SETTLE_SECONDS, 1))
        late = list(
            listed.after((time - settle, 0))
            .filter(Q(time__lt=time) | Q(time=time, pk__lte=pk))
            .exclude(pk__in=endpoint.deliveries.filter(event_id__isnull=False).values("event_id"))
        )
    deliveries = [
        WebhookDelivery(
            endpoint=endpoint,
            event_id=event.pk,
            event_type=event.type,
            payload=event_payload(event, public_fields),
        )
        for event in late + fresh
        if endpoint.wants(event.type, event.locale)
    ]
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    # Those that did not exist yet, in the order of the log.
    new = set(
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).values_list(
            "pk", flat=True
        )
    )
    created = [delivery for delivery in deliveries if delivery.pk in new]
    if fresh:
        endpoint.cursor_time, endpoint.cursor_id = fresh[-1].time, fresh[-1].pk
        endpoint.save(update_fields=["cursor_time", "cursor_id"])
    return created, len(fresh) == BATCH


def _enqueue_deliveries(ids, more):
    for pk in ids:
        deliver.enqueue(str(pk))
    if more:
        dispatch_events.enqueue()


def send_test_event(endpoint):
    """Record a test delivery for ``endpoint`` and enqueue it (after commit)."""
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type=TEST_EVENT, payload=test_payload(endpoint)
    )
    transaction.on_commit(lambda: deliver.enqueue(str(delivery.pk)))
    return delivery


def redeliver(delivery):
    """Send ``delivery`` again (same id and payload, a fresh signature), after commit."""
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    transaction.on_commit(lambda: deliver.enqueue(str(delivery.pk)))


# -- sending ----------------------------------------------------------------------------


@retrying_task(queue_name=queues.WEBHOOKS)
def deliver(delivery_id):
    """POST one delivery; raises (and is retried) when the attempt fails."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.CANCELLED):
        return "nothing to do"
    endpoint = delivery.endpoint
    if not endpoint.active:
        delivery.status = DeliveryStatus.CANCELLED
        delivery.next_attempt_at = None
        delivery.last_error = delivery.last_error or _("Webhook désactivé : envoi annulé.")
        delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
        return "cancelled"

    now = timezone.now()
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        signing.HEADER: signing.signature_header(
            endpoint.signing_secrets(now), now.timestamp(), body
        ),
        signing.EVENT_HEADER: delivery.event_type,
        signing.DELIVERY_HEADER: str(delivery.pk),
    }
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        response = outbound.fetch(
            endpoint.url,
            method="POST",
            data=body,
            headers=headers,
            timeout=conf.WEBHOOK_TIMEOUT,
            max_bytes=MAX_ANSWER_BYTES,
            max_redirects=0,
        )
    except (outbound.RefusedScheme, outbound.RefusedAddress, outbound.InvalidURL) as error:
        _failed(delivery, str(error), None, last=True)
        raise PermanentFailure(str(error)) from error
    except outbound.OutboundError as error:
        last = _failed(delivery, str(error), None)
        if last:
            raise PermanentFailure(str(error)) from error
        raise
    if not response.ok:
        message = _("Réponse %(status)s : %(body)s") % {
            "status": response.status,
            "body": response.text()[:500] or "—",
        }
        last = _failed(delivery, message, response.status)
        if last:
            raise PermanentFailure(message)
        raise DeliveryFailed(message)
    delivery.status = DeliveryStatus.DELIVERED
    delivery.response_status = response.status
    delivery.delivered_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.save()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
    return response.status


def _failed(delivery, message, status, last=False):
    """Record a failed attempt; disable the endpoint after too many in a row. Return
    whether it was the delivery's last attempt."""
    endpoint = delivery.endpoint
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    endpoint.refresh_from_db(fields=["consecutive_failures", "active"])
    disabled = False
    if endpoint.active and endpoint.consecutive_failures >= conf.WEBHOOK_DISABLE_AFTER:
        endpoint.disable(
            _("%(count)s tentatives d’envoi ont échoué d’affilée ; dernière erreur : %(error)s")
            % {"count": endpoint.consecutive_failures, "error": message},
        )
        endpoint.save(update_fields=["active", "disabled_at", "disabled_reason"])
        _cancel_waiting(endpoint, exclude=delivery.pk)
        disabled = True
        logger.warning(
            "Webhook %s disabled after %d failures", endpoint.pk, endpoint.consecutive_failures
        )
    last = last or disabled or delivery.attempts >= deliver.attempts_allowed
    delivery.last_error = message
    delivery.response_status = status
    if last:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = delivery.last_attempt_at + timedelta(
            seconds=deliver.delay_after(delivery.attempts)
        )
    try:
        delivery.save()
    except DatabaseError:
        logger.exception("Webhook delivery %s: the attempt could not be recorded", delivery.pk)
    return last


def _cancel_waiting(endpoint, exclude):
    WebhookDelivery.objects.filter(
        endpoint=endpoint, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]
    ).exclude(pk=exclude).update(
        status=DeliveryStatus.CANCELLED,
        next_attempt_at=None,
        last_error=_("Webhook désactivé : envoi annulé."),
    )
