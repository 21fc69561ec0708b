"""Redaction (rencontres.history.redaction, ``manage.py publication_log retirer``): a
value erased from past versions is gone from every history page, feed, API answer and
change log entry, the redaction is logged with its reason, and caches are told."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from wagtail.models import PageLogEntry

from rencontres.history import comparison, redaction
from rencontres.history.versions import published_versions
from rencontres.models import EventType, PublicationEvent, Redaction, RencontrePage
from rencontres.models.publication_log import history_redacted
from tests.factories import RencontrePageFactory, build_site, sections

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

PHONE = "06 12 34 56 78"
MARK = "[valeur retirée]"


def publish(page, **changes):
    page = RencontrePage.objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return RencontrePage.objects.get(pk=page.pk)


def retirer(*args):
    out = io.StringIO()
    call_command("publication_log", "retirer", *args, stdout=out)
    return out.getvalue()


@override_settings(RENCONTRES_CHANGES_SETTLE_SECONDS=0)
class RedactionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, index = build_site()
        cls.admin = get_user_model().objects.create_superuser(
            "admin", "admin@example.org", "secret"
        )
        page = publish(
            RencontrePageFactory(
                parent=index,
                title="Atelier territorial Vallée du Gier",
                access_notes=f"Appeler Mme Dupont au {PHONE} avant de venir.",
                description=sections(
                    pourquoi=["Partager un diagnostic", f"Contact : Mme Dupont, {PHONE}"]
                ),
            )
        )
        page = publish(page, status="complete")
        cls.page = publish(
            page,
            access_notes="Accès par la cour.",
            description=sections(pourquoi=["Partager un diagnostic"]),
        )
        cls.output = retirer(
            "--page",
            str(cls.page.pk),
            "--valeur",
            PHONE,
            "--motif",
            "Numéro personnel publié par erreur",
            "--utilisateur",
            "admin",
        )

    def urls(self):
        base = f"{self.page.url}changements/"
        urls = [base, f"{base}feed/", self.page.url]
        for number in (1, 2, 3):
            urls += [
                f"{base}{number}/",
                f"{base}{number}/?affichage=cote-a-cote",
                f"/api/v2/rencontres/{self.page.pk}/history/{number}/",
                f"/api/v3/rencontres/{self.page.pk}/history/{number}/",
            ]
        return [
            *urls,
            f"/api/v2/rencontres/{self.page.pk}/history/",
            f"/api/v3/rencontres/{self.page.pk}/history/",
            "/api/v2/rencontres/changes/",
            "/api/v3/rencontres/changes/",
            f"/api/v2/rencontres/{self.page.pk}/",
        ]

    def test_no_history_page_feed_or_api_answer_contains_it(self):
        for source in ("log", "revisions"):
            with override_settings(RENCONTRES_HISTORY_SOURCE=source):
                for url in self.urls():
                    with self.subTest(source=source, url=url):
                        response = self.client.get(url)
                        self.assertEqual(response.status_code, 200)
                        self.assertNotIn(PHONE, response.content.decode())
        self.assertEqual(comparison.differences(self.page), [])

    def test_the_versions_stay_with_the_mark(self):
        self.assertEqual([v.number for v in published_versions(self.page)], [3, 2, 1])
        first = {c.name: c for c in published_versions(self.page)[-1].changes}
        self.assertEqual(
            first["access_notes"].after, (f"Appeler Mme Dupont au {MARK} avant de venir.",)
        )
        self.assertIn(f"•Contact : Mme Dupont, {MARK}", first["description"].after)
        last = {c.name: c for c in published_versions(self.page)[0].changes}
        self.assertEqual(last["access_notes"].before, first["access_notes"].after)
        response = self.client.get(f"{self.page.url}changements/3/")
        self.assertIn(MARK, response.content.decode())
        stored = PublicationEvent.objects.filter(page_id=self.page.pk)
        self.assertFalse([e.pk for e in stored if PHONE in str(e.snapshot) + str(e.changes)])

    def test_it_is_logged_with_its_reason_never_the_value(self):
        done = Redaction.objects.get()
        self.assertEqual(done.reason, "Numéro personnel publié par erreur")
        self.assertEqual((done.user, done.page_ids, done.field), (self.admin, [self.page.pk], ""))
        # Versions 1 (its text and changes), 2 (its text) and 3 (what it changed from).
        self.assertEqual(done.events_changed, 3)
        self.assertIn("Valeur retirée de 3 événements", self.output)
        entry = PageLogEntry.objects.get(page_id=self.page.pk, action=redaction.LOG_ACTION)
        self.assertEqual(entry.user, self.admin)
        self.assertNotIn(PHONE, str(entry.data) + entry.label)
        self.client.force_login(self.admin)
        history = self.client.get(f"/admin/pages/{self.page.pk}/history/").content.decode()
        self.assertIn("Valeur retirée de l’historique public : Numéro personnel", history)
        self.assertNotIn(PHONE, history)
        event = PublicationEvent.objects.filter(page_id=self.page.pk).latest("time", "pk")
        self.assertEqual(
            (event.type, event.listed, event.visible), (EventType.REDACTED, True, True)
        )

    def test_caches_are_told_once_committed(self):
        told = []

        def purge(sender, redaction, page_ids, **kwargs):
            told.append((redaction.reason, page_ids))

        history_redacted.connect(purge)
        try:
            with (
                self.captureOnCommitCallbacks(execute=True),
                self.assertRaises(redaction.RedactionRefused),
            ):
                redaction.redact("Partager un diagnostic", "Essai", page_ids=[self.page.pk])
        finally:
            history_redacted.disconnect(purge)
        self.assertEqual(told, [])  # refused: the published page still shows it
        page = publish(self.page, description=sections(pourquoi=["Diagnostic partagé"]))
        history_redacted.connect(purge)
        try:
            with self.captureOnCommitCallbacks(execute=True):
                redaction.redact("Partager un diagnostic", "Essai", page_ids=[page.pk])
        finally:
            history_redacted.disconnect(purge)
        self.assertEqual(told, [("Essai", [page.pk])])

    def test_refusals(self):
        page = RencontrePage.objects.get(pk=self.page.pk)
        for args, message in (
            (["--valeur", "Accès par la cour", "--motif", "x"], "contient encore cette valeur"),
            (["--valeur", "06", "--motif", "x"], "au moins 3 caractères"),
            (["--valeur", "Dupont", "--motif", " "], "Indiquez le motif"),
            (["--valeur", "Dupont", "--motif", "x", "--champ", "seo_title"], "pas un champ public"),
            (["--valeur", "Dupont", "--motif", "x", "--utilisateur", "personne"], "inconnu"),
        ):
            with self.subTest(message), self.assertRaisesMessage(CommandError, message):
                retirer("--page", str(page.pk), *args)
        self.assertEqual(Redaction.objects.count(), 1)

    def test_one_field_only(self):
        retirer(
            "--page",
            str(self.page.pk),
            "--valeur",
            "Mme Dupont",
            "--motif",
            "Nom",
            "--champ",
            "description",
        )
        first = {c.name: c for c in published_versions(self.page)[-1].changes}
        self.assertIn(f"•Contact : {MARK}, {MARK}", first["description"].after)
        self.assertIn("Mme Dupont", first["access_notes"].after_text)  # not that field
