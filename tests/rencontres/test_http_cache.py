"""The application's side of the HTTP cache (rencontres.cache): headers, keys, 304s and
what a change purges. Varnish itself is in tests/production/varnish."""

import datetime as dt
import http.server
import threading

import time_machine
from django.db import transaction
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone
from django.utils.http import http_date
from wagtail.models import Locale, PageViewRestriction, Site

from home.models import SharingSettings
from rencontres.cache import purge
from tests.factories import (
    ImageFactory,
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    publish,
    superuser,
)

CONDITIONAL = [
    "/rencontres/flux/",
    "/rencontres/flux/atom/",
    "/rencontres/agenda.ics",
    "/rencontres/donnees.csv",
    "/rencontres/donnees.json",
    "/sitemap.xml",
]


def publish_in_transaction(page, **changes):
    """Publish ``page`` leaving what runs after the commit to the transaction (the
    suite's ``publish`` runs it at once)."""
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


class HeaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.page = publish(RencontrePageFactory(parent=cls.index, slug="gier"))

    def test_public_pages_are_shared_for_long_and_kept_briefly_by_browsers(self):
        for url, keys in (
            (self.page.url, f"all p{self.page.pk}"),
            (f"{self.page.url}changements/", f"all p{self.page.pk}"),
            (f"{self.page.url}agenda.ics", f"all calendars p{self.page.pk}"),
            ("/rencontres/", f"all list p{self.index.pk}"),
            ("/rencontres/?departement=42", f"all list p{self.index.pk}"),
            ("/rencontres/donnees.json", f"all list opendata p{self.index.pk}"),
            ("/", f"all list p{self.home.pk}"),
            ("/sitemap.xml", "all list sitemap"),
            ("/api/v2/rencontres/", "all api list"),
            (f"/api/v3/rencontres/{self.page.pk}/history/", f"all api p{self.page.pk}"),
        ):
            with self.subTest(url):
                response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
                self.assertEqual(response.status_code, 200)
                control = response["Cache-Control"]
                self.assertIn("public", control)
                self.assertIn("s-maxage=600", control)
                self.assertRegex(control, r"\bmax-age=(60|300)\b")
                self.assertEqual(response["xkey"], keys)
                if not url.startswith(("/api/", "/sitemap")):
                    # The path gives the language: no variant per browser language.
                    self.assertNotIn("Accept-Language", response.get("Vary", ""))

    @override_settings(RENCONTRES_CACHE_MAX_AGE=30, RENCONTRES_CACHE_SHARED_MAX_AGE=120)
    def test_lifetimes_are_settings(self):
        control = self.client.get(self.page.url)["Cache-Control"]
        self.assertIn("max-age=30", control)
        self.assertIn("s-maxage=120", control)

    def test_a_page_missing_is_kept_as_a_404(self):
        response = self.client.get("/ancienne-adresse/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["xkey"], "all notfound")

    def test_signed_in_editors_get_private_responses(self):
        self.client.force_login(superuser())
        for url in (self.page.url, "/rencontres/", "/admin/"):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertIn("private", response["Cache-Control"])
                self.assertNotIn("xkey", response)

    def test_a_form_with_a_csrf_token_is_not_shared(self):
        PageViewRestriction.objects.create(
            page=self.page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        response = self.client.get(self.page.url)
        self.assertContains(response, "csrfmiddlewaretoken")
        self.assertNotIn("public", response.get("Cache-Control", ""))
        self.assertNotIn("xkey", response)

    def test_feeds_sitemap_calendars_and_open_data_answer_304(self):
        for url in CONDITIONAL:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                etag, modified = response["ETag"], response["Last-Modified"]
                again = self.client.get(url, HTTP_IF_NONE_MATCH=etag)
                self.assertEqual((again.status_code, again.content), (304, b""))
                again = self.client.get(url, HTTP_IF_MODIFIED_SINCE=modified)
                self.assertEqual(again.status_code, 304)
                older = self.client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(0))
                self.assertEqual(older.status_code, 200)
                self.assertEqual(self.client.get(url, HTTP_IF_NONE_MATCH='"0"').status_code, 200)

    def test_last_modified_follows_the_next_publication(self):
        """Kept until the next publication, the publication log's last event still
        dates each new one."""
        later = timezone.now() + dt.timedelta(days=3)
        first = {url: self.client.get(url)["Last-Modified"] for url in CONDITIONAL[:5]}
        with time_machine.travel(later, tick=False):
            publish(self.page, title="Atelier du Gier, nouvelle date")
            for url in CONDITIONAL[:5]:
                with self.subTest(url):
                    modified = self.client.get(url)["Last-Modified"]
                    self.assertNotEqual(modified, first[url])
                    self.assertEqual(modified, http_date(later.timestamp()))


class ResolveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        english = Locale.objects.get_or_create(language_code="en")[0]
        for page in (cls.home, cls.index):
            publish(page.copy_for_translation(english).specific)
        cls.organisation = OrganisationFactory()
        cls.page = publish(
            RencontrePageFactory(parent=cls.index, slug="gier", organisers=[cls.organisation])
        )
        cls.english = publish(cls.page.copy_for_translation(english).specific)
        cls.other = publish(RencontrePageFactory(parent=cls.index, slug="autre"))

    def test_a_rencontre_purges_itself_in_every_language_and_the_lists(self):
        keys, paths = purge.resolve(page_ids=[self.page.pk])
        self.assertEqual(keys, {f"p{self.page.pk}", f"p{self.english.pk}", "list"})
        self.assertEqual(paths, {"/rencontres/gier/", "/en/rencontres/gier/"})

    def test_an_organisation_purges_the_rencontres_it_organises(self):
        keys, _ = purge.resolve(organisation_ids=[self.organisation.pk])
        self.assertEqual(keys, {f"p{self.page.pk}", f"p{self.english.pk}", "list"})

    def test_a_page_with_pages_under_it_purges_everything(self):
        keys, _ = purge.resolve(page_ids=[self.index.pk])
        self.assertIn("all", keys)


class RecordingCache(http.server.BaseHTTPRequestHandler):
    """A loopback HTTP server standing for Varnish: records the purges it gets."""

    received = []

    def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
        self.received.append({k.lower(): v for k, v in self.headers.items()})
        self.send_response(200, "Purged 3")
        self.end_headers()

    def log_message(self, *args):
        pass


class ScheduleTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingCache)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.shutdown)
        RecordingCache.received = []
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.home, self.index = build_site()

    def test_one_purge_per_transaction_after_it_commits(self):
        with self.settings(RENCONTRES_CACHE_PURGE_URLS=[self.url]):
            with transaction.atomic():
                page = publish_in_transaction(RencontrePageFactory(parent=self.index, slug="gier"))
                publish_in_transaction(page, title="Atelier renommé")
                self.assertEqual(RecordingCache.received, [])
            self.assertEqual(len(RecordingCache.received), 1)
        purge_request = RecordingCache.received[0]
        self.assertEqual(purge_request["xkey-purge"], f"list p{page.pk}")
        self.assertEqual(purge_request["x-ban-url"], r"^(/rencontres/gier/)")

    def test_a_rolled_back_change_purges_nothing(self):
        with self.settings(RENCONTRES_CACHE_PURGE_URLS=[self.url]):
            try:
                with transaction.atomic():
                    publish_in_transaction(RencontrePageFactory(parent=self.index, slug="gier"))
                    raise RuntimeError("annulé")
            except RuntimeError:
                pass
        self.assertEqual(RecordingCache.received, [])

    def test_a_site_setting_purges_everything_when_saved_not_when_first_read(self):
        site = Site.objects.get(is_default_site=True)
        with self.settings(RENCONTRES_CACHE_PURGE_URLS=[self.url]):
            page = publish(RencontrePageFactory(parent=self.index, slug="gier"))
            RecordingCache.received = []
            # A visitor's page reads the setting: Wagtail creates its row, with defaults.
            response = self.client.get(page.url)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(SharingSettings.objects.filter(site=site).exists())
            self.assertEqual(RecordingCache.received, [])
            # An editor sets it: every page shows it.
            sharing = SharingSettings.for_site(site)
            sharing.default_image = ImageFactory()
            sharing.save()
        self.assertEqual([purge["xkey-purge"] for purge in RecordingCache.received], ["all"])

    def test_nothing_is_sent_without_a_cache(self):
        publish(RencontrePageFactory(parent=self.index, slug="gier"))
        self.assertEqual(RecordingCache.received, [])
