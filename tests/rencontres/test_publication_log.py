"""The publication log (rencontres.history.recording): one event per rencontre and
language for everything that changes what visitors see, each with the right fields,
written from Wagtail's own actions; and never a failed publication because of it."""

import datetime as dt
import io
import logging
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone, translation
from wagtail.models import Locale, Page, PageLogEntry, PageViewRestriction

from rencontres.history import comparison
from rencontres.history.versions import published_versions
from rencontres.models import (
    EventType,
    PublicationEvent,
    RencontreIndexPage,
    RencontrePage,
)
from rencontres.models.publication_log import events_recorded
from tests.factories import RencontrePageFactory, build_site, sections

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin


def publish(page, user=None, **changes):
    page = RencontrePage.objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision(user=user).publish(user=user)
    return RencontrePage.objects.get(pk=page.pk)


def events(page=None):
    queryset = PublicationEvent.objects.order_by("time", "pk")
    return list(queryset.filter(page_id=page.pk) if page is not None else queryset)


def kinds(page):
    return [event.type for event in events(page)]


class PublicationTests(TestCase):
    """Publications: a version with its public text and diff, once, at publication."""

    @classmethod
    def setUpTestData(cls):
        _home, cls.index = build_site()
        cls.editor = get_user_model().objects.create_superuser(
            "camille", "camille@example.org", "secret"
        )
        cls.page = publish(
            RencontrePageFactory(
                parent=cls.index,
                title="Atelier territorial Grand Lyon",
                description=sections(pourquoi=["Partager un diagnostic"]),
            ),
            user=cls.editor,
        )

    def test_first_publication_is_version_1_with_its_text(self):
        (event,) = events(self.page)
        entry = PageLogEntry.objects.get(page_id=self.page.pk, action="wagtail.publish")
        self.assertEqual(event.type, EventType.PUBLISHED)
        self.assertEqual(event.time, entry.timestamp)  # the version's date is Wagtail's
        self.assertEqual(event.revision_id, self.page.live_revision_id)
        self.assertEqual(event.user, self.editor)
        self.assertEqual(event.locale, "fr")
        self.assertEqual(event.translation_key, self.page.translation_key)
        self.assertTrue(event.visible and event.listed and event.is_version and event.complete)
        self.assertEqual(event.changed_fields[:2], ["title", "departement"])
        self.assertEqual(event.snapshot["title"], ["Atelier territorial Grand Lyon"])
        self.assertEqual(event.snapshot["departement"], ["42 - Loire"])
        self.assertEqual(
            event.changes["description"],
            {"before": [], "after": ["Pourquoi ?", "•Partager un diagnostic"]},
        )
        # Not public, so not in the log: the slug, the SEO title, the Decidim id.
        self.assertFalse({"slug", "seo_title", "decidim_id"} & set(event.snapshot))

    def test_a_change_is_a_version_with_its_diff(self):
        page = publish(self.page, status="annulee", venue="Salle des fêtes")
        latest = events(page)[-1]
        self.assertEqual(latest.changed_fields, ["status", "venue"])
        self.assertEqual(latest.changes["status"], {"before": ["Prévue"], "after": ["Annulée"]})
        self.assertEqual(
            latest.changes["venue"],
            {"before": ["Maison de quartier"], "after": ["Salle des fêtes"]},
        )

    def test_drafts_and_publications_without_public_change_record_nothing(self):
        page = RencontrePage.objects.get(pk=self.page.pk)
        page.title = "Titre de brouillon"
        page.save_revision()
        publish(self.page, seo_title="Atelier Grand Lyon — référencement")
        self.assertEqual(kinds(self.page), [EventType.PUBLISHED])
        self.assertNotIn("Titre de brouillon", str(events(self.page)[0].snapshot))

    def test_unpublication_then_republication(self):
        page = RencontrePage.objects.get(pk=self.page.pk)
        page.unpublish()
        unpublished = events(page)[-1]
        self.assertEqual(unpublished.type, EventType.UNPUBLISHED)
        self.assertEqual(
            (unpublished.visible, unpublished.listed, unpublished.changed_fields),
            (False, True, []),
        )
        self.assertIsNone(unpublished.snapshot)
        # Published again as it was: no new version, but visible again.
        page = publish(page)
        back = events(page)[-1]
        self.assertEqual(back.type, EventType.PUBLISHED)
        self.assertEqual((back.visible, back.listed, back.is_version), (True, True, False))
        self.assertEqual([v.number for v in published_versions(page)], [1])

    def test_scheduled_go_live_and_expiry(self):
        page = RencontrePage.objects.get(pk=self.page.pk)
        page.venue = "Salle des fêtes"
        page.go_live_at = timezone.now() + dt.timedelta(days=2)
        revision = page.save_revision()
        revision.publish()
        self.assertEqual(kinds(page), [EventType.PUBLISHED])  # scheduled, not live: nothing
        past = timezone.now() - dt.timedelta(minutes=1)
        revision.content = {**revision.content, "go_live_at": past.isoformat()}
        revision.approved_go_live_at = past
        revision.save(update_fields=["content", "approved_go_live_at"])
        call_command("publish_scheduled", verbosity=0)
        went_live = events(page)[-1]
        self.assertEqual(went_live.type, EventType.SCHEDULED)
        self.assertEqual(went_live.changed_fields, ["venue"])
        self.assertEqual(went_live.revision_id, revision.pk)

        Page.objects.filter(pk=page.pk).update(expire_at=past)
        call_command("publish_scheduled", verbosity=0)
        expired = events(page)[-1]
        self.assertEqual(expired.type, EventType.EXPIRED)
        self.assertEqual((expired.visible, expired.listed), (False, True))

    def test_events_are_announced_once_committed(self):
        received = []

        def receiver(sender, events, **kwargs):
            received.extend(event.type for event in events)

        events_recorded.connect(receiver)
        try:
            with self.captureOnCommitCallbacks(execute=True):
                publish(self.page, status="complete")
                self.assertEqual(received, [])
        finally:
            events_recorded.disconnect(receiver)
        self.assertEqual(received, [EventType.PUBLISHED])

    def test_a_failed_diff_never_fails_the_publication(self):
        failure = RuntimeError("le calcul du texte a échoué")
        with (
            mock.patch("rencontres.history.recording.read_snapshots", side_effect=failure),
            self.assertLogs("rencontres.history.recording", logging.ERROR) as logs,
        ):
            page = publish(self.page, status="annulee")
        self.assertIn("minimal event", logs.output[0])
        self.assertTrue(page.live)
        self.assertEqual(page.status, "annulee")
        self.assertTrue(
            PageLogEntry.objects.filter(revision_id=page.live_revision_id, action="wagtail.publish")
        )
        minimal = events(page)[-1]
        self.assertEqual(
            (minimal.type, minimal.complete, minimal.is_version, minimal.listed),
            (EventType.PUBLISHED, False, False, True),
        )
        self.assertEqual([v.number for v in published_versions(page)], [1])
        # The repair computes it from the revisions.
        call_command("publication_log", "reparer", stdout=io.StringIO())
        minimal.refresh_from_db()
        self.assertTrue(minimal.complete and minimal.is_version)
        self.assertEqual(minimal.changed_fields, ["status"])
        self.assertEqual([v.number for v in published_versions(page)], [2, 1])
        self.assertEqual(comparison.differences(page), [])


class VisibilityTests(TestCase):
    """Deletion, privacy and moves: one event per live, public rencontre concerned."""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.other_index = RencontreIndexPage(title="Rencontres du Rhône", slug="rhone")
        cls.home.add_child(instance=cls.other_index)
        cls.other_index.save_revision().publish()
        cls.first = publish(RencontrePageFactory(parent=cls.other_index, title="Atelier Lyon"))
        cls.second = publish(
            RencontrePageFactory(parent=cls.other_index, title="Atelier Vénissieux")
        )
        cls.private = publish(RencontrePageFactory(parent=cls.other_index, title="Atelier privé"))
        PageViewRestriction.objects.create(
            page=cls.private, restriction_type=PageViewRestriction.LOGIN
        )
        cls.draft = RencontrePageFactory(
            parent=cls.other_index, title="Atelier brouillon", live=False
        )
        cls.elsewhere = publish(RencontrePageFactory(parent=cls.index, title="Atelier Loire"))

    def new_events(self, before):
        return [
            (event.page_id, event.type, event.visible, event.listed)
            for event in PublicationEvent.objects.filter(pk__gt=before).order_by("time", "pk")
        ]

    def last_id(self):
        return PublicationEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    def test_a_private_rencontre_publishes_unlisted(self):
        made_private = events(self.private)[-1]
        self.assertEqual(made_private.type, EventType.MADE_PRIVATE)
        before = self.last_id()
        publish(self.private, venue="Salle secrète")
        ((page_id, kind, visible, listed),) = self.new_events(before)
        self.assertEqual(
            (page_id, kind, visible, listed), (self.private.pk, "published", False, False)
        )

    def test_deleting_an_index_records_its_visible_rencontres(self):
        before = self.last_id()
        Page.objects.get(pk=self.other_index.pk).delete()
        self.assertEqual(
            sorted(self.new_events(before)),
            sorted(
                [
                    (self.first.pk, EventType.DELETED, False, True),
                    (self.second.pk, EventType.DELETED, False, True),
                ]
            ),
        )
        deleted = PublicationEvent.objects.get(page_id=self.first.pk, type=EventType.DELETED)
        self.assertEqual(
            (deleted.locale, deleted.translation_key), ("fr", self.first.translation_key)
        )

    def test_privacy_of_an_index(self):
        before = self.last_id()
        restriction = PageViewRestriction.objects.create(
            page=self.other_index,
            restriction_type=PageViewRestriction.PASSWORD,
            password="secret",
        )
        # Not the one already private on its own, not the draft, not the other index's.
        self.assertEqual(
            self.new_events(before),
            [
                (self.first.pk, EventType.MADE_PRIVATE, False, True),
                (self.second.pk, EventType.MADE_PRIVATE, False, True),
            ],
        )
        before = self.last_id()
        restriction.delete()
        self.assertEqual(
            self.new_events(before),
            [
                (self.first.pk, EventType.MADE_PUBLIC, True, True),
                (self.second.pk, EventType.MADE_PUBLIC, True, True),
            ],
        )
        before = self.last_id()
        PageViewRestriction.objects.filter(page=self.private).delete()  # a queryset too
        self.assertEqual(self.new_events(before), [(self.private.pk, "made_public", True, True)])

    def test_moves(self):
        before = self.last_id()
        Page.objects.get(pk=self.elsewhere.pk).move(self.other_index, pos="last-child")
        self.assertEqual(self.new_events(before), [(self.elsewhere.pk, "moved", True, True)])
        # Under a private page: made private, each one.
        vault = RencontreIndexPage(title="Archives", slug="archives")
        self.home.add_child(instance=vault)
        vault.save_revision().publish()
        PageViewRestriction.objects.create(page=vault, restriction_type=PageViewRestriction.LOGIN)
        before = self.last_id()
        Page.objects.get(pk=self.other_index.pk).move(
            Page.objects.get(pk=vault.pk), pos="last-child"
        )
        self.assertEqual(
            sorted(self.new_events(before)),
            sorted(
                (page.pk, "made_private", False, True)
                for page in (self.first, self.second, self.elsewhere)
            ),
        )
        before = self.last_id()
        Page.objects.get(pk=self.other_index.pk).move(
            Page.objects.get(pk=self.home.pk), pos="last-child"
        )
        self.assertEqual(
            sorted(self.new_events(before)),
            sorted(
                (page.pk, "made_public", True, True)
                for page in (self.first, self.second, self.elsewhere)
            ),
        )
        # Reordering among siblings changes no address: nothing.
        before = self.last_id()
        Page.objects.get(pk=self.first.pk).move(Page.objects.get(pk=self.second.pk), pos="right")
        self.assertEqual(self.new_events(before), [])


class TranslationTests(TestCase):
    """Each language is a page of its own: one event per language."""

    @classmethod
    def setUpTestData(cls):
        home, index = build_site()
        english = Locale.objects.get_or_create(language_code="en")[0]
        for parent in (home, index):
            parent.copy_for_translation(english).save_revision().publish()
        cls.page = publish(RencontrePageFactory(parent=index, title="Atelier Vallée du Gier"))
        translation = cls.page.copy_for_translation(english)
        translation.title = "Vallée du Gier workshop"
        translation.save_revision().publish()
        cls.english = RencontrePage.objects.get(pk=translation.pk)

    def test_the_translation_has_its_own_events(self):
        (event,) = events(self.english)
        self.assertEqual((event.type, event.locale), (EventType.PUBLISHED, "en"))
        self.assertEqual(event.translation_key, self.page.translation_key)
        self.assertEqual(event.snapshot["title"], ["Vallée du Gier workshop"])
        self.assertEqual(event.snapshot["format"], [_english("Présentiel")])

    def test_publishing_the_source_records_both_languages(self):
        # The push to the English page runs once the publication is committed.
        with self.captureOnCommitCallbacks(execute=True):
            publish(self.page, status="annulee")
        french, english = events(self.page)[-1], events(self.english)[-1]
        self.assertEqual(french.changed_fields, ["status"])
        self.assertEqual(english.changed_fields, ["status"])
        self.assertEqual(english.changes["status"]["after"], [_english("Annulée")])


def _english(text):
    with translation.override("en"):
        return translation.gettext(text)


class PurgeTests(TestCase):
    """``publication_log purger``: events older than the retention that are not versions
    go, but each page's latest (it says whether the page is visible)."""

    @classmethod
    def setUpTestData(cls):
        _home, index = build_site()
        cls.page = publish(RencontrePageFactory(parent=index, title="Atelier ancien"))
        page = RencontrePage.objects.get(pk=cls.page.pk)
        page.unpublish()
        publish(page)  # back online: an event that is not a version
        RencontrePage.objects.get(pk=cls.page.pk).unpublish()
        PublicationEvent.objects.update(time=timezone.now() - dt.timedelta(days=200))

    def test_old_events_that_are_not_versions_go(self):
        self.assertEqual(
            kinds(self.page),
            [
                EventType.PUBLISHED,
                EventType.UNPUBLISHED,
                EventType.PUBLISHED,
                EventType.UNPUBLISHED,
            ],
        )
        out = io.StringIO()
        call_command("publication_log", "purger", stdout=out)
        self.assertIn("2 événements anciens supprimés", out.getvalue())
        remaining = events(self.page)
        self.assertEqual([e.type for e in remaining], [EventType.PUBLISHED, EventType.UNPUBLISHED])
        self.assertTrue(remaining[0].is_version)
        # Within the retention period, nothing goes.
        with self.settings(RENCONTRES_CHANGES_RETENTION_DAYS=365):
            call_command("publication_log", "purger", stdout=out)
        self.assertEqual(len(events(self.page)), 2)
