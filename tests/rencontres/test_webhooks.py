"""Webhooks (rencontres.webhooks, rencontres.admin.webhooks): events of the publication
log POSTed, signed, to a local receiver started by each test; retries, backoff,
disabling, redelivery, the test event and secret rotation through the admin.

The signature is checked by :func:`verify`, written here from the README's description
(not by importing the plugin's signing code).
"""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rencontres import queues, roles
from rencontres.models import (
    DeliveryStatus,
    PublicationEvent,
    RencontrePage,
    TaskFailure,
    WebhookDelivery,
    WebhookEndpoint,
)
from rencontres.webhooks import delivery as delivery_module
from rencontres.webhooks.delivery import deliver, dispatch_events
from tests.factories import RencontrePageFactory, build_site, publish, superuser
from tests.receiver import Answer, Receiver
from tests.rencontres.test_tasks import DATABASE_BACKEND, START, Clock, run_worker

LOOPBACK = ["127.0.0.0/8", "::1/128"]
SECRET = "secret-du-partenaire-0123456789"
TOLERANCE = 300


def verify(header, body, secret, now, tolerance=TOLERANCE):
    """The receiver's check, as the README describes it: ``t=<unix>,v1=<hex>[,v1=<hex>]``,
    HMAC-SHA256 of ``"<t>." + body``; true when one v1 matches and t is recent."""
    fields = [item.strip().split("=", 1) for item in header.split(",")]
    timestamps = [value for key, value in fields if key == "t"]
    candidates = [value for key, value in fields if key == "v1"]
    if len(timestamps) != 1 or not candidates:
        return False
    timestamp = int(timestamps[0])
    if abs(now.timestamp() - timestamp) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)


@pytest.fixture
def partner(settings):
    settings.RENCONTRES_OUTBOUND_ALLOWED_NETWORKS = LOOPBACK
    settings.RENCONTRES_TASK_RETRY_DELAY = 10
    settings.RENCONTRES_TASK_RETRY_MAX_DELAY = 40
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def site(db):
    return build_site()


def endpoint_for(receiver, **fields):
    fields.setdefault("secret", SECRET)
    return WebhookEndpoint.objects.create(name="Partenaire", url=receiver.url("/hook"), **fields)


def published(index, title="Atelier territorial Vallée du Gier", capture=None):
    page = RencontrePageFactory(parent=index, title=title, live=False)
    with capture(execute=True):
        return publish(page)


# -- delivery ---------------------------------------------------------------------------


def test_a_publication_is_delivered_signed(
    site, partner, client, django_capture_on_commit_callbacks
):
    _home, index = site
    endpoint = endpoint_for(partner)

    page = published(index, capture=django_capture_on_commit_callbacks)

    (request,) = partner.requests
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert verify(request.headers["Rencontres-Signature"], request.body, SECRET, timezone.now())
    assert not verify(
        request.headers["Rencontres-Signature"], request.body, "autre", timezone.now()
    )
    payload = json.loads(request.body)
    assert payload["event"] == "published"
    assert payload["id"] == page.pk
    assert payload["locale"] == "fr"
    assert payload["visible"] is True
    assert payload["api_url"] == f"http://testserver/api/v2/rencontres/{page.pk}/"
    event = PublicationEvent.objects.get(page_id=page.pk)
    assert dt.datetime.fromisoformat(payload["time"]) == event.time
    assert payload["event_id"] == event.pk
    assert request.headers["Rencontres-Event"] == "published"
    delivery = WebhookDelivery.objects.get()
    assert payload["delivery"] == request.headers["Rencontres-Delivery"] == str(delivery.pk)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    assert delivery.endpoint == endpoint
    # The API URL is the rencontre's, as a consumer reads it.
    assert client.get(payload["api_url"]).json()["title"] == "Atelier territorial Vallée du Gier"


def test_a_tampered_body_or_an_old_timestamp_fails_verification(
    site, partner, django_capture_on_commit_callbacks
):
    _home, index = site
    endpoint_for(partner)
    published(index, capture=django_capture_on_commit_callbacks)
    (request,) = partner.requests
    header = request.headers["Rencontres-Signature"]

    assert verify(header, request.body, SECRET, timezone.now())
    assert not verify(
        header, request.body.replace(b"published", b"deleted"), SECRET, timezone.now()
    )
    later = timezone.now() + dt.timedelta(seconds=TOLERANCE + 1)
    assert not verify(header, request.body, SECRET, later), "a replay after 5 minutes"


def test_events_and_languages_filter_what_is_sent(
    site, partner, django_capture_on_commit_callbacks
):
    _home, index = site
    endpoint_for(partner, events=["unpublished"])
    WebhookEndpoint.objects.create(
        name="Anglais", url=partner.url("/en"), secret=SECRET, languages=["en"]
    )
    page = published(index, capture=django_capture_on_commit_callbacks)
    assert partner.requests == []

    with django_capture_on_commit_callbacks(execute=True):
        RencontrePage.objects.get(pk=page.pk).unpublish()

    (request,) = partner.requests
    assert request.path == "/hook"
    payload = json.loads(request.body)
    assert (payload["event"], payload["id"], payload["api_url"]) == ("unpublished", page.pk, None)


def test_an_inactive_endpoint_gets_nothing(site, partner, django_capture_on_commit_callbacks):
    _home, index = site
    endpoint_for(partner, active=False)
    published(index, capture=django_capture_on_commit_callbacks)
    assert partner.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_500_is_retried_until_it_succeeds(site, partner, django_capture_on_commit_callbacks):
    _home, index = site
    endpoint_for(partner)
    partner.answer("/hook", [Answer(500, b"panne"), Answer(503), Answer(204)])

    published(index, capture=django_capture_on_commit_callbacks)

    assert len(partner.requests) == 3
    ids = {request.headers["Rencontres-Delivery"] for request in partner.requests}
    assert len(ids) == 1, "the same delivery each time"
    assert all(
        verify(r.headers["Rencontres-Signature"], r.body, SECRET, timezone.now())
        for r in partner.requests
    )
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.DELIVERED,
        3,
        204,
    )
    assert delivery.last_error == "Réponse 503 : —"
    assert WebhookEndpoint.objects.get().consecutive_failures == 0


def test_a_timeout_is_retried(site, partner, settings, django_capture_on_commit_callbacks):
    settings.RENCONTRES_WEBHOOK_TIMEOUT = 0.3
    _home, index = site
    endpoint_for(partner)
    partner.answer("/hook", [Answer(200, delay=3), Answer(200)])

    published(index, capture=django_capture_on_commit_callbacks)

    assert len(partner.requests) == 2
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert "n’a pas répondu" in delivery.last_error


def test_an_endpoint_failing_repeatedly_is_disabled_and_administrators_are_told(
    site, partner, settings, client, django_capture_on_commit_callbacks
):
    settings.RENCONTRES_WEBHOOK_DISABLE_AFTER = 3
    settings.RENCONTRES_TASK_MAX_ATTEMPTS = 5
    _home, index = site
    endpoint = endpoint_for(partner)
    partner.answer("/hook", Answer(500, b"erreur interne"))

    page = published(index, capture=django_capture_on_commit_callbacks)

    assert len(partner.requests) == 3, "disabled after the third failure in a row"
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert endpoint.disabled_at is not None
    assert "3 tentatives d’envoi ont échoué d’affilée" in endpoint.disabled_reason
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert delivery.last_error == "Réponse 500 : erreur interne"
    assert TaskFailure.objects.filter(task_path="rencontres.webhooks.delivery.deliver").exists()

    # Nothing more is sent to it.
    with django_capture_on_commit_callbacks(execute=True):
        publish(RencontrePage.objects.get(pk=page.pk), title="Atelier (nouvelle date)")
    assert len(partner.requests) == 3

    # The dashboard says so to those who manage webhooks, and to them only.
    administrator = get_user_model().objects.create_user("admin-site", password="x")
    administrator.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    client.force_login(administrator)
    home = BeautifulSoup(client.get(reverse("wagtailadmin_home")).content, "html.parser")
    notice = home.find(id="rencontres-disabled-webhooks")
    assert notice is not None
    assert "Partenaire" in notice.get_text()
    assert "échecs répétés" in notice.get_text()

    editor = get_user_model().objects.create_user("redacteur", password="x")
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    client.force_login(editor)
    home = BeautifulSoup(client.get(reverse("wagtailadmin_home")).content, "html.parser")
    assert home.find(id="rencontres-disabled-webhooks") is None


def test_a_private_address_is_refused_at_once(site, settings, django_capture_on_commit_callbacks):
    settings.RENCONTRES_OUTBOUND_ALLOWED_NETWORKS = []
    _home, index = site
    with Receiver() as internal:
        WebhookEndpoint.objects.create(name="Interne", url=internal.url("/"), secret=SECRET)
        published(index, capture=django_capture_on_commit_callbacks)
        assert internal.requests == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "adresse privée, locale ou réservée" in delivery.last_error


# -- the worker: backoff, and publishing never waits for a partner ------------------------


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(START)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deliveries_wait_for_the_worker_and_back_off(settings, partner, clock):
    settings.TASKS = DATABASE_BACKEND
    settings.RENCONTRES_TASK_MAX_ATTEMPTS = 4
    _home, index = build_site()
    endpoint_for(partner)
    partner.answer("/hook", Answer(500, b"en panne"))

    publish(RencontrePageFactory(parent=index, live=False))

    # The publication returned without calling the partner: a dispatch waits on the
    # webhooks queue, which the editorial worker does not take.
    assert partner.requests == []
    assert set(
        DBTaskResult.objects.filter(status="READY").values_list("queue_name", flat=True)
    ) >= {queues.WEBHOOKS}
    run_worker(",".join(queues.WORKERS["editorial"]))
    assert partner.requests == []

    seen = []
    for wait in (0, 10, 20, 40):  # 10 s, doubled, capped at 40 s
        clock.advance(wait)
        run_worker(",".join(queues.WORKERS["outbound"]))
        seen.append(len(partner.requests))
        clock.advance(wait and wait - 1)  # nothing runs before its time
        run_worker(",".join(queues.WORKERS["outbound"]))
        assert len(partner.requests) == seen[-1]
        clock.advance(-(wait and wait - 1))
    assert seen == [1, 2, 3, 4]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 4)
    for request in partner.requests:
        assert verify(request.headers["Rencontres-Signature"], request.body, SECRET, clock())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_retry_is_scheduled_with_its_time_in_the_delivery_log(settings, partner, clock):
    settings.TASKS = DATABASE_BACKEND
    _home, index = build_site()
    endpoint_for(partner)
    partner.answer("/hook", [Answer(500), Answer(200)])
    publish(RencontrePageFactory(parent=index, live=False))

    run_worker(queues.WEBHOOKS)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.next_attempt_at == START + dt.timedelta(seconds=10)

    clock.advance(10)
    run_worker(queues.WEBHOOKS)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryStatus.DELIVERED,
        2,
        None,
    )


# -- the admin --------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db, django_capture_on_commit_callbacks):
    """A superuser's client whose requests run what they left for after the commit
    (the test's transaction never commits)."""
    client.force_login(superuser("webmestre"))
    post = client.post

    def post_and_commit(*args, follow=False, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(*args, **kwargs)
        if follow and response.status_code == 302:
            return client.get(response.url)
        return response

    client.post = post_and_commit
    return client


def test_the_admin_is_for_webhook_managers_only(site, client):
    editor = get_user_model().objects.create_user("redacteur", password="x")
    editor.groups.add(
        Group.objects.get(name=roles.EDITORS), Group.objects.get(name=roles.MODERATORS)
    )
    client.force_login(editor)
    assert client.get(reverse("webhooks:index")).status_code in (302, 403)
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/webhooks/" not in menu

    administrator = get_user_model().objects.create_user("admin-site", password="x")
    administrator.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    client.force_login(administrator)
    assert client.get(reverse("webhooks:index")).status_code == 200
    assert client.get(reverse("webhooks:add")).status_code == 200


def test_an_endpoint_is_created_through_the_form(site, admin_client, partner):
    response = admin_client.post(
        reverse("webhooks:add"),
        {
            "name": "Site de la Métropole",
            "url": partner.url("/hook"),
            "secret": SECRET,
            "events": ["published", "unpublished"],
            "languages": ["fr"],
            "active": "on",
        },
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.events, endpoint.languages, endpoint.secret) == (
        ["published", "unpublished"],
        ["fr"],
        SECRET,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.0.0.5/hook", "privée, locale ou réservée"),
        ("ftp://partenaire.example/hook", "Seules les adresses http et https"),
        # Names of this machine whatever the resolver says (RFC 6761): each delivery
        # would be refused, so the form refuses them at once.
        ("http://localhost:8000/hook", "privée, locale ou réservée"),
        ("http://api.localhost/hook", "privée, locale ou réservée"),
        # Addresses every delivery would refuse (rencontres.outbound), refused here too.
        ("http://partenaire.example.org:99999/hook", "Adresse invalide"),
        ("https://moi:secret@partenaire.example.org/hook", "ne doit pas contenir d’identifiants"),
    ],
)
def test_the_form_refuses_bad_addresses(site, admin_client, url, message):
    response = admin_client.post(
        reverse("webhooks:add"), {"name": "X", "url": url, "secret": SECRET, "active": "on"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_test_event_from_the_admin(site, admin_client, partner):
    endpoint = endpoint_for(partner)

    response = admin_client.post(reverse("webhooks:send_test", args=[endpoint.pk]), follow=True)

    (request,) = partner.requests
    assert json.loads(request.body)["event"] == "test"
    assert verify(request.headers["Rencontres-Signature"], request.body, SECRET, timezone.now())
    page = BeautifulSoup(response.content, "html.parser")
    assert "Événement de test mis en file d’attente" in page.get_text()
    row = page.select_one("tr.rencontres-delivery")
    assert "test" in row.get_text() and "livré" in row.get_text()
    # The endpoint's form leads there.
    edit = admin_client.get(reverse("webhooks:edit", args=[endpoint.pk])).content.decode()
    assert reverse("webhooks:deliveries", args=[endpoint.pk]) in edit


def test_renvoyer_sends_the_same_delivery_again(site, admin_client, partner, settings):
    settings.RENCONTRES_TASK_MAX_ATTEMPTS = 2
    _home, index = site
    endpoint = endpoint_for(partner)
    partner.answer("/hook", [Answer(500), Answer(500), Answer(200)])
    WebhookDelivery.objects.all().delete()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=None,
        event_type="published",
        payload={"event": "published", "id": 7},
    )
    deliver.enqueue(str(delivery.pk))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)
    log = BeautifulSoup(
        admin_client.get(reverse("webhooks:deliveries", args=[endpoint.pk])).content, "html.parser"
    )
    assert "échec" in log.select_one("tr.rencontres-delivery").get_text()

    response = admin_client.post(reverse("webhooks:redeliver", args=[delivery.pk]), follow=True)

    assert len(partner.requests) == 3
    first, last = partner.requests[0], partner.requests[-1]
    assert first.body == last.body, "the same payload and delivery id"
    assert last.headers["Rencontres-Delivery"] == str(delivery.pk)
    assert verify(last.headers["Rencontres-Signature"], last.body, SECRET, timezone.now())
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert (
        "livré"
        in BeautifulSoup(response.content, "html.parser")
        .select_one("tr.rencontres-delivery")
        .get_text()
    )


def test_a_new_secret_and_the_old_one_both_sign_during_the_grace_period(
    site, admin_client, partner, settings, time_machine
):
    settings.RENCONTRES_WEBHOOK_SECRET_GRACE = 3600
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    endpoint = endpoint_for(partner)
    new = "nouveau-secret-du-partenaire-987654"

    response = admin_client.post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        {"name": endpoint.name, "url": endpoint.url, "secret": new, "active": "on"},
    )
    assert response.status_code == 302
    admin_client.post(reverse("webhooks:send_test", args=[endpoint.pk]))
    (during,) = partner.requests
    header = during.headers["Rencontres-Signature"]
    assert header.count("v1=") == 2
    assert verify(header, during.body, new, timezone.now())
    assert verify(header, during.body, SECRET, timezone.now())

    time_machine.move_to(start + dt.timedelta(seconds=3601), tick=False)
    admin_client.post(reverse("webhooks:send_test", args=[endpoint.pk]))
    after = partner.requests[-1]
    header = after.headers["Rencontres-Signature"]
    assert header.count("v1=") == 1
    assert verify(header, after.body, new, timezone.now())
    assert not verify(header, after.body, SECRET, timezone.now())

    # « Générer un nouveau secret » rotates to a random one, shown once to the admin.
    response = admin_client.post(reverse("webhooks:rotate_secret", args=[endpoint.pk]), follow=True)
    endpoint.refresh_from_db()
    assert endpoint.previous_secret == new
    assert endpoint.secret != new and endpoint.secret in response.content.decode()


# -- reading the log --------------------------------------------------------------------


def _event(page_id, time, **fields):
    return PublicationEvent.objects.create(
        time=time,
        type="published",
        page_id=page_id,
        locale="fr",
        visible=True,
        listed=True,
        is_version=True,
        **fields,
    )


def test_an_event_committed_late_is_still_delivered_once(
    db, partner, settings, django_capture_on_commit_callbacks
):
    """An event whose transaction commits after a later one was dispatched (its time is
    behind the endpoint's position, within the settle delay) is sent, and only once."""
    settings.RENCONTRES_CHANGES_SETTLE_SECONDS = 5
    endpoint = endpoint_for(partner)
    now = timezone.now()
    _event(101, now + dt.timedelta(seconds=2))
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_events.call()
    assert [json.loads(r.body)["id"] for r in partner.requests] == [101]

    _event(102, now + dt.timedelta(seconds=1))  # older, committed later
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_events.call()
        dispatch_events.call()

    assert [json.loads(r.body)["id"] for r in partner.requests] == [101, 102]
    endpoint.refresh_from_db()
    assert endpoint.cursor_time == now + dt.timedelta(seconds=2)


def test_a_dispatch_reads_the_log_in_constant_queries(
    db, partner, django_assert_max_num_queries, settings
):
    """However many events wait, a dispatch costs the same few queries per endpoint
    (the deliveries themselves are tasks of their own)."""
    settings.TASKS = DATABASE_BACKEND  # deliveries enqueued, not run
    endpoint_for(partner)
    endpoint_for(partner, events=["published"], languages=["fr"])
    now = timezone.now()
    _event(199, now)
    dispatch_events.call()  # the endpoints have a position in the log
    for index in range(3):
        _event(200 + index, now + dt.timedelta(seconds=index + 1))
    with django_assert_max_num_queries(13) as few:
        assert dispatch_events.call() == 6
    for index in range(40):
        _event(300 + index, now + dt.timedelta(seconds=10 + index))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert dispatch_events.call() == 80


def test_a_burst_larger_than_a_batch_is_read_in_several_dispatches(
    db, partner, monkeypatch, django_capture_on_commit_callbacks
):
    """An import publishing many rencontres at once: each dispatch reads a batch and
    enqueues the next one; every event is delivered once, in order."""
    monkeypatch.setattr(delivery_module, "BATCH", 3)
    endpoint_for(partner)
    now = timezone.now()
    for index in range(7):
        _event(400 + index, now + dt.timedelta(milliseconds=index + 1))

    with django_capture_on_commit_callbacks(execute=True):
        dispatch_events.enqueue()

    assert [json.loads(r.body)["id"] for r in partner.requests] == list(range(400, 407))
    assert WebhookDelivery.objects.count() == 7


def test_endpoints_add_two_queries_to_a_publication_and_no_request(
    site, partner, settings, django_capture_on_commit_callbacks
):
    """What the editor's publication pays for webhooks, whatever the endpoints: the
    query asking whether there are any (paid without endpoints too) and the insert of
    one dispatch task (production backend); no request to a partner. (65 and 66
    queries when written.)"""
    settings.TASKS = DATABASE_BACKEND
    _home, index = site

    def publication_queries(title):
        page = RencontrePageFactory(parent=index, title=title, live=False)
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            publish(page)
        return len(queries.captured_queries)

    publication_queries("Échauffement")
    without = publication_queries("Sans webhook")
    for number in range(3):
        endpoint_for(partner, secret=f"{SECRET}-{number}")
    with_endpoints = publication_queries("Avec trois webhooks")

    assert with_endpoints - without <= 1, (without, with_endpoints)
    assert partner.requests == []
    assert (
        DBTaskResult.objects.filter(
            task_path="rencontres.webhooks.delivery.dispatch_events", status="READY"
        ).count()
        == 1
    )
