"""Publishing is all or nothing for the source: the push of synchronised fields to the
translations runs in the task worker after the publication is committed, each
translation in its own transaction; a translation that cannot be updated is retried,
shown in the admin and recorded, and ``manage.py sync_translations`` runs it again; a
translation under moderation keeps its workflow.

The locked translation is a real lock: a second PostgreSQL connection, in a thread,
holds ``SELECT … FOR UPDATE`` on the English page's row while the French page is
published through the admin. These tests commit their data (transactional database),
as the worker and the second connection need to see it.
"""

import contextlib
import datetime as dt
import io
import threading

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page, PageLogEntry

from rencontres.models import (
    EventType,
    PublicationEvent,
    RencontrePage,
    TaskFailure,
    TranslationSyncIssue,
)
from tests.clock import NOW
from tests.factories import RencontrePageFactory, publish, rencontre_form_data, superuser
from tests.html import soup, text
from tests.worker import DATABASE_BACKEND, run_worker

from .helpers import build_bilingual_site, translate

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SLUG = "atelier-territorial-saint-etienne-montreynaud"


@contextlib.contextmanager
def row_locked(page):
    """Hold ``SELECT … FOR UPDATE`` on ``page``'s row from a second connection (the
    thread's own) until the block ends, as a translator saving it at that moment."""
    locked, release = threading.Event(), threading.Event()
    errors = []

    def hold():
        try:
            with transaction.atomic():
                list(Page.objects.select_for_update().filter(pk=page.pk))
                locked.set()
                release.wait(60)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            locked.set()
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(30)
        assert not errors, errors
        yield
    finally:
        release.set()
        thread.join(30)


@pytest.fixture
def bilingual(db):
    """A published French rencontre, its English translation published, an editor."""
    _home, index, _en_home, _en_index = build_bilingual_site()
    editor = superuser()
    french = RencontrePageFactory(parent=index, slug=SLUG, owner=editor)
    french = publish(RencontrePage.objects.get(pk=french.pk), user=editor)
    english, _translation = translate(french, _en_index.locale)
    return french, english, editor


def publish_cancellation(client, french):
    """The editor cancels the French rencontre and publishes it, in the admin."""
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[french.pk]),
        {**rencontre_form_data(slug=french.slug, status="annulee"), "action-publish": "1"},
    )
    assert response.status_code == 302, response.content[:2000]
    return response


def assert_the_source_is_published(client, french, editor):
    """Live with the new status, its publish log entry, its public version and event."""
    french = RencontrePage.objects.get(pk=french.pk)
    assert french.live and french.status == "annulee"
    assert not french.has_unpublished_changes
    assert PageLogEntry.objects.filter(
        page=french, action="wagtail.publish", revision=french.live_revision, user=editor
    ).exists()
    assert PublicationEvent.objects.filter(
        page_id=french.pk, type=EventType.PUBLISHED, revision_id=french.live_revision_id
    ).exists()
    history = client.get(f"{french.url}changements/")
    assert history.status_code == 200
    titles = [text(h2.a) for h2 in soup(history).select(".rencontres-history h2")]
    assert titles == ["Version 2 (sur 2)", "Version 1 (sur 2)"]
    assert "Annulée" in text(soup(client.get(french.url)).main)


def notice(client, page):
    """The admin messages on ``page``'s edit view (wagtail-localize's editor)."""
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    html = soup(response)
    return " ".join(text(node) for node in html.select(".messages li, [data-w-messages] li"))


def test_a_locked_translation_leaves_the_source_published_and_is_synchronised_after_the_retry(
    client, bilingual, settings
):
    settings.TASKS = DATABASE_BACKEND
    french, english, editor = bilingual

    with time_machine.travel(NOW, tick=False), row_locked(english):
        client.force_login(editor)
        publish_cancellation(client, french)
        assert_the_source_is_published(client, french, editor)
        assert RencontrePage.objects.get(pk=english.pk).status == "prevue"  # not yet

        run_worker()  # the push meets the lock: it fails at once and is retried later
        pushes = DBTaskResult.objects.filter(task_path="rencontres.translation.push_translations")
        attempt, retry = pushes.get(status="FAILED"), pushes.get(status="READY")
        assert attempt.status == "FAILED"
        assert attempt.exception_class_path.endswith("RetryScheduled")
        assert "could not obtain lock on row" in attempt.traceback
        assert retry.status == "READY"
        assert retry.run_after == NOW + dt.timedelta(seconds=30)
        assert RencontrePage.objects.get(pk=english.pk).status == "prevue"
        issue = TranslationSyncIssue.objects.get(page_id=english.pk)
        assert (issue.kind, issue.source_id, issue.attempts) == ("echec", french.pk, 1)
        # The editor of the translation reads why, in French.
        shown = notice(client, english)
        assert "n’ont pas pu être reportés sur cette traduction (1 tentative(s)" in shown
        assert "Ils sont retentés automatiquement" in shown

    # The lock is gone; the retry is due 30 seconds later.
    with time_machine.travel(NOW + dt.timedelta(seconds=31), tick=False):
        run_worker()
    english = RencontrePage.objects.get(pk=english.pk)
    assert english.status == "annulee" and english.live
    assert english.live_revision.user == editor
    assert PageLogEntry.objects.filter(
        page=english, action="wagtail.publish", revision=english.live_revision
    ).exists()
    assert "Cancelled" in text(soup(client.get(english.url)).main)
    assert not TranslationSyncIssue.objects.exists()
    assert not TaskFailure.objects.exists()
    assert "reportés" not in notice(client, english)
    # The source was published once: no second version from the retry.
    assert RencontrePage.objects.get(pk=french.pk).revisions.count() == 2


def test_with_the_immediate_backend_the_editor_gets_no_error_and_the_command_repairs(
    client, bilingual
):
    """``make run``'s backend runs the push in the editor's request: the lock still
    cannot fail the publication; the push is given up after its attempts, recorded,
    shown, and ``manage.py sync_translations`` runs it again."""
    french, english, editor = bilingual
    client.force_login(editor)

    with row_locked(english):
        publish_cancellation(client, french)
    assert_the_source_is_published(client, french, editor)
    assert RencontrePage.objects.get(pk=english.pk).status == "prevue"
    (failure,) = TaskFailure.objects.all()
    assert failure.task_path == "rencontres.translation.push_translations"
    assert failure.queue_name == "translations"
    assert failure.attempts == 5
    assert failure.arguments["args"] == [french.pk, editor.pk]
    assert TranslationSyncIssue.objects.get(page_id=english.pk).attempts == 5
    assert "(5 tentative(s)" in notice(client, english)

    out = io.StringIO()
    call_command("sync_translations", stdout=out)
    assert f"(page {french.pk}) : 1 traduction(s) mise(s) à jour" in out.getvalue()
    assert RencontrePage.objects.get(pk=english.pk).status == "annulee"
    assert not TranslationSyncIssue.objects.exists()
    assert "reportés" not in notice(client, english)

    out = io.StringIO()
    call_command("sync_translations", "--all", stdout=out)
    assert "Toutes les traductions ont déjà les valeurs de leur source." in out.getvalue()


def test_the_command_says_what_it_still_cannot_do(bilingual):
    french, english, _editor = bilingual
    RencontrePage.objects.filter(pk=french.pk).update(status="annulee")
    with row_locked(english):
        out = io.StringIO()
        with pytest.raises(CommandError, match=r"1 traduction\(s\) n’ont pas pu être mises"):
            call_command("sync_translations", "--page", str(french.pk), stdout=out)
    assert f"traduction {english.pk} non mise à jour : OperationalError" in out.getvalue()
    assert TranslationSyncIssue.objects.get(page_id=english.pk).kind == "echec"


def test_a_translation_under_moderation_keeps_its_workflow(client, bilingual):
    """Publishing would take it out of its workflow: the values go into a new draft on
    top of the one under review, its submitter is told, and approving publishes them."""
    french, english, editor = bilingual
    translator = superuser("traductrice")
    translator.email = "traductrice@example.org"
    translator.save()
    # The translator submits a reworded English title for review.
    english = RencontrePage.objects.get(pk=english.pk)
    english.title = "Saint-Étienne workshop (reworded)"
    revision = english.save_revision(user=translator)
    english.get_workflow().start(english, translator)
    english = RencontrePage.objects.get(pk=english.pk)
    assert english.workflow_in_progress
    workflow_state = english.current_workflow_state

    client.force_login(editor)
    publish_cancellation(client, french)
    assert_the_source_is_published(client, french, editor)

    english = RencontrePage.objects.get(pk=english.pk)
    assert english.status == "prevue"  # the live version waits for the review
    assert english.current_workflow_state == workflow_state  # still under review
    draft = english.get_latest_revision_as_object()
    assert english.latest_revision_id != revision.pk
    assert (draft.title, draft.status) == ("Saint-Étienne workshop (reworded)", "annulee")
    (message,) = [m for m in mail.outbox if m.subject.startswith("Traduction en modération")]
    assert message.to == ["traductrice@example.org"]
    assert message.subject == (
        "Traduction en modération mise à jour : « Saint-Étienne workshop (reworded) »"
    )
    assert "ces valeurs ont été ajoutées à son brouillon" in message.body
    assert f"/admin/pages/{english.pk}/edit/" in message.body
    shown = notice(client, english)
    assert "pendant que cette traduction est en modération" in shown
    assert not TaskFailure.objects.exists()

    # The moderator approves: the reworded title and the cancellation go live together.
    task_state = english.current_workflow_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[english.pk, "approve", task_state.pk]),
        {"comment": ""},
    )
    assert response.status_code in (200, 302)
    english = RencontrePage.objects.get(pk=english.pk)
    assert english.live and not english.workflow_in_progress
    assert (english.title, english.status) == ("Saint-Étienne workshop (reworded)", "annulee")
    assert "en modération" not in notice(client, english)
