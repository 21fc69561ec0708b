"""Fragments kept until the next visible change (:mod:`rencontres.fragments`).

What every page repeats (the site, the DSFR configuration, the navigation, the language
switcher, the breadcrumb, private sections, « Mis à jour le ») is read once per
publication generation: these tests show that a visitor sees each change on the next
request, in this process and — through the shared generation — in another one, and that
pages stay right when the shared cache is unreachable.
"""

from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page

from rencontres import fragments
from tests.factories import DsfrConfigFactory, publish, publish_translation

from .public import make_private, rencontre, site, soup, text

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        # Port 9 (discard) on loopback: nothing listens, every connection is refused.
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 0.2,
            "SOCKET_TIMEOUT": 0.2,
            "IGNORE_EXCEPTIONS": True,
        },
    }
}


def header_title(response):
    return text(soup(response).select_one(".fr-header__service-title"))


def breadcrumb(response):
    return [text(a) for a in soup(response).select(".fr-breadcrumb__list a")]


def language_hrefs(response):
    return {link["hreflang"]: link["href"] for link in soup(response).select("link[hreflang]")}


class FragmentsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.config = DsfrConfigFactory(language="fr", site_title="Quartiers 2030")
        cls.page = rencontre(cls.index, title="Atelier territorial Vallée du Gier")

    def setUp(self):
        cache.clear()
        # A first request creates the site's settings rows (a visible change, for the
        # fragments): the tests start after it.
        self.client.get(self.page.url)

    def test_a_second_request_reads_the_chrome_from_memory(self):
        self.client.get(self.page.url)
        with CaptureQueriesContext(connection) as first_again:
            self.client.get(self.page.url)
        tables = " ".join(query["sql"] for query in first_again.captured_queries)
        self.assertNotIn("dsfr_dsfrconfig", tables)
        # Wagtail's lookup of the request's site by its host name.
        self.assertNotIn('"wagtailcore_site"."hostname" =', tables)
        self.assertNotIn("rencontres_departement", tables)

    def test_site_configuration_changes_on_the_next_request(self):
        self.assertEqual(header_title(self.client.get(self.page.url)), "Quartiers 2030")
        self.config.site_title = "Quartiers 2030 — rencontres"
        self.config.save()
        self.assertEqual(
            header_title(self.client.get(self.page.url)), "Quartiers 2030 — rencontres"
        )

    def test_a_renamed_and_republished_index_changes_the_breadcrumb(self):
        self.assertIn("Les rencontres locales", breadcrumb(self.client.get(self.page.url)))
        publish(self.index, title="Toutes les rencontres")
        self.assertIn("Toutes les rencontres", breadcrumb(self.client.get(self.page.url)))

    def test_a_published_translation_appears_in_the_language_links(self):
        self.assertNotIn("en", language_hrefs(self.client.get(self.page.url)))
        english = Locale.objects.get_or_create(language_code="en")[0]
        publish_translation(self.home, english)
        publish_translation(self.index, english)
        publish_translation(self.page, english, title="Vallée du Gier workshop")
        self.assertIn("/en/", language_hrefs(self.client.get(self.page.url))["en"])

    def test_a_section_made_private_leaves_the_listing_at_once(self):
        self.assertEqual(self.client.get(self.page.url).status_code, 200)
        other = rencontre(self.index, title="Atelier privé")
        self.assertIn("Atelier privé", text(soup(self.client.get(self.index.url))))
        make_private(other)
        self.assertNotIn("Atelier privé", text(soup(self.client.get(self.index.url))))

    def test_a_page_made_private_asks_for_its_password_at_once(self):
        # Its route and « no restriction can apply » were memoised by these requests.
        self.assertContains(self.client.get(self.page.url), "Atelier territorial Vallée du Gier")
        make_private(self.page)  # a password
        response = self.client.get(self.page.url)
        self.assertNotContains(response, "Atelier territorial Vallée du Gier", status_code=200)
        self.assertTrue(soup(response).select('input[name="password"]'))

    def test_a_moved_or_unpublished_page_is_found_where_it_is_now(self):
        old_url = self.page.url
        self.assertEqual(self.client.get(old_url).status_code, 200)
        self.page.slug = "atelier-renomme"
        publish(self.page)
        new_url = Page.objects.get(pk=self.page.pk).url
        self.assertRedirects(self.client.get(old_url), new_url, status_code=301)  # Wagtail's
        new = self.client.get(new_url)
        self.assertContains(new, "Atelier territorial Vallée du Gier")
        self.page.unpublish()
        self.assertEqual(self.client.get(new_url).status_code, 404)

    def test_a_second_request_finds_its_page_without_walking_the_tree(self):
        history = f"{self.page.url}changements/"
        for url in (self.page.url, history):
            self.client.get(url)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200)
            # One read of the page by its id, none by slug; and no view restrictions read
            # by Wagtail's check (the history checks its page's privacy on its own).
            sql = [query["sql"] for query in queries.captured_queries]
            self.assertFalse([q for q in sql if '"slug" =' in q], url)
            restrictions = [q for q in sql if "wagtailcore_pageviewrestriction" in q]
            self.assertEqual(len(restrictions), 0 if url == self.page.url else 1, url)

    def test_a_change_made_by_another_process_is_seen_through_the_shared_generation(self):
        self.assertEqual(header_title(self.client.get(self.page.url)), "Quartiers 2030")
        # Another app process saved the configuration: this process's signals never
        # ran (a queryset update sends none); only the shared generation changed.
        type(self.config).objects.filter(pk=self.config.pk).update(site_title="Autre titre")
        self.assertEqual(header_title(self.client.get(self.page.url)), "Quartiers 2030")
        cache.set(fragments.GENERATION_KEY, "generation-of-the-other-process", timeout=None)
        self.assertEqual(header_title(self.client.get(self.page.url)), "Autre titre")

    @override_settings(CACHES=UNREACHABLE_REDIS)
    def test_with_the_cache_unreachable_nothing_is_memoised_and_pages_stay_right(self):
        self.assertIsNone(fragments.read_generation())
        response = self.client.get(self.page.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(header_title(response), "Quartiers 2030")
        type(self.config).objects.filter(pk=self.config.pk).update(site_title="Sans cache")
        self.assertEqual(header_title(self.client.get(self.page.url)), "Sans cache")

    def test_outside_a_request_nothing_is_memoised(self):
        calls = []
        for _ in range(2):
            fragments.memo("outside", lambda: calls.append(1))
        self.assertEqual(len(calls), 2)

    def test_a_deleted_page_leaves_the_navigation(self):
        self.client.get(self.page.url)
        Page.objects.get(pk=self.page.pk).delete()
        self.assertEqual(self.client.get(self.page.url).status_code, 404)


class OpenDataOncePerPublicationTests(TestCase):
    """Open data is built once per publication generation and kept in the shared cache."""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.page = rencontre(cls.index, title="Atelier territorial Vallée du Gier")

    def setUp(self):
        cache.clear()

    def rows_read(self, url):
        """Whether serving ``url`` read the rencontres' table, and the response."""
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        sql = " ".join(query["sql"] for query in queries.captured_queries)
        return "rencontres_rencontrepage" in sql, response

    def test_the_files_are_built_once_then_rebuilt_after_a_publication(self):
        for name in ("donnees.csv", "donnees.json"):
            url = f"{self.index.url}{name}"
            built, first = self.rows_read(url)
            self.assertTrue(built)
            built, second = self.rows_read(url)
            self.assertFalse(built, f"{name} was rebuilt without a publication")
            self.assertEqual(second.content, first.content)
            self.assertIn("Vallée du Gier", second.content.decode())

        publish(self.page, title="Atelier territorial du Pilat")
        for name in ("donnees.csv", "donnees.json"):
            built, response = self.rows_read(f"{self.index.url}{name}")
            self.assertTrue(built)
            self.assertIn("Atelier territorial du Pilat", response.content.decode())
            self.assertNotIn("Vallée du Gier", response.content.decode())

    def test_each_language_has_its_own_file(self):
        french = self.client.get(f"{self.index.url}donnees.csv").content.decode()
        english = self.client.get(f"/en{self.index.url}donnees.csv").content.decode()
        self.assertIn("Titre", french.splitlines()[0])
        self.assertNotIn("Titre", english.splitlines()[0])
