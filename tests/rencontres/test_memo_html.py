"""Parts of pages rendered once per publication: ``{% memo_html %}`` and the deferred
context (:func:`rencontres.fragments.memo_html`, :func:`~rencontres.fragments.deferred_context`).

The listing's and a rencontre's content, title and meta tags are kept as HTML until the
next visible change (and for a minute at most, for what the clock decides). These tests
show that a visitor gets byte for byte the page rendered without them, that a change is
seen on the next request, that what the time decides follows the clock, and that HTML
rendered while a dependency failed is not kept.
"""

import datetime as dt

import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import APIToken

from rencontres import fragments
from rencontres.cache.middleware import etag_of
from rencontres.faults import log_outage
from rencontres.public import views
from tests.clock import NOW, frozen, in_days
from tests.factories import publish, superuser

from .public import card_titles, count_text, rencontre, site, soup, text


def content(response):
    """The page as a visitor gets it."""
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def numbered(index, count, title):
    """``count`` published rencontres, one a day from tomorrow: « {title} n°0 »…"""
    return [
        rencontre(index, title=f"{title} n°{n}", start=in_days(n + 1), end=in_days(n + 1, hour=17))
        for n in range(count)
    ]


class RencontresTestCase(TestCase):
    """``count`` rencontres under a fresh site; caches and fragments emptied."""

    count, title = 5, "Atelier"

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.pages = numbered(cls.index, cls.count, cls.title)

    def setUp(self):
        cache.clear()
        fragments.reset()


@frozen
class SamePagesTests(RencontresTestCase):
    count, title = 14, "Atelier territorial"

    def setUp(self):
        super().setUp()
        # The first views create the site's settings rows (a visible change).
        self.client.get("/")
        self.client.get(self.pages[-1].url)

    def urls(self):
        return [
            self.index.url,
            f"{self.index.url}?page=2",
            f"{self.index.url}?departement=42&format=presentiel",
            f"{self.index.url}?q=territorial&periode=toutes",
            f"{self.index.url}?page=999",
            f"{self.index.url}?du=not-a-date",
            self.pages[3].url,
        ]

    def test_a_visitor_gets_the_page_rendered_without_memoised_parts(self):
        for url in self.urls():
            with self.subTest(url):
                with override_settings(RENCONTRES_FRAGMENT_CACHE_BYTES=0):
                    plain = content(self.client.get(url))
                first = content(self.client.get(url))  # rendered, then kept
                with CaptureQueriesContext(connection) as queries:
                    kept = content(self.client.get(url))
                self.assertEqual(first, plain)
                self.assertEqual(kept, plain)
                # Found in memory, the page included: nothing read.
                self.assertEqual(len(queries), 0, [q["sql"][:300] for q in queries])

    def test_calendar_and_feeds_are_the_same_found_or_written(self):
        base = self.index.url
        for url in (
            f"{base}agenda.ics",
            f"{base}agenda.ics?departement=42",
            f"{base}flux/",
            f"{base}flux/atom/",
        ):
            with self.subTest(url):
                with override_settings(RENCONTRES_FRAGMENT_CACHE_BYTES=0):
                    plain = self.client.get(url)
                first = self.client.get(url)
                kept = self.client.get(url)
                for response in (first, kept):
                    self.assertEqual(response.content, plain.content)
                    self.assertEqual(response["Content-Type"], plain["Content-Type"])
                    self.assertEqual(response.get("Last-Modified"), plain.get("Last-Modified"))
                    # The ETag kept with the body is the one of the body sent.
                    self.assertEqual(response["ETag"], etag_of(plain.content))
                # Kept: the body of this path and query string, for this minute.
                kinds = {key[0] for key in fragments._html if url in key}
                self.assertEqual(len(kinds), 1, kinds)
        rencontre(self.index, title="Atelier ajouté", start=in_days(0, hour=18))
        self.assertIn(b"Atelier ajout", self.client.get(f"{base}agenda.ics").content)
        self.assertIn("Atelier ajouté", self.client.get(f"{base}flux/").content.decode())

    def test_each_query_string_has_its_own_part(self):
        self.assertEqual(len(card_titles(self.client.get(self.index.url))), 12)
        self.assertEqual(len(card_titles(self.client.get(f"{self.index.url}?page=2"))), 2)
        self.assertEqual(len(card_titles(self.client.get(self.index.url))), 12)
        english = self.client.get(self.index.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(soup(english).html["lang"], "fr")  # the path decides, not the header

    def test_a_publication_is_seen_on_the_next_request(self):
        self.assertEqual(count_text(self.client.get(self.index.url)), "14 rencontres trouvées")
        self.client.get(self.pages[0].url)
        rencontre(self.index, title="Atelier ajouté", start=in_days(0, hour=18))
        listing = self.client.get(self.index.url)
        self.assertEqual(count_text(listing), "15 rencontres trouvées")
        self.assertEqual(card_titles(listing)[0], "Atelier ajouté")

        page = self.pages[0]
        page.title = "Atelier territorial renommé"
        publish(page)
        self.assertEqual(text(soup(self.client.get(page.url)).h1), "Atelier territorial renommé")

    def test_a_search_follows_the_index_update_of_the_worker(self):
        """The search index is written by a task after the publication: when it ends,
        the parts kept before it are replaced."""
        from modelsearch.tasks import insert_or_update_object_task

        before = fragments.read_generation()
        insert_or_update_object_task.enqueue("rencontres", "rencontrepage", self.pages[0].pk)
        self.assertNotEqual(fragments.read_generation(), before)

    def test_the_deferred_context_names_what_the_views_give(self):
        request = RequestFactory().get(self.index.url)
        request.site = None
        self.assertEqual(
            set(views.listing_context(self.index, request)), set(views.LISTING_CONTEXT_NAMES)
        )
        page = self.pages[0]
        self.assertEqual(
            set(views.rencontre_context(page, request)), set(views.RENCONTRE_CONTEXT_NAMES)
        )


class ClockTests(TestCase):
    """What « now » decides (upcoming or past, « Passée ») is at most a minute old."""

    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.home, cls.index = site()
            cls.page = rencontre(
                cls.index,
                title="Atelier qui se termine",
                start=timezone.now() - dt.timedelta(hours=2),
                end=timezone.now() + dt.timedelta(minutes=10),
            )

    def setUp(self):
        cache.clear()
        fragments.reset()

    def test_a_rencontre_that_ends_leaves_the_upcoming_listing(self):
        with time_machine.travel(NOW, tick=False) as clock:
            for url in ("/", self.index.url, self.page.url):  # settings rows created
                self.client.get(url)
            self.assertEqual(card_titles(self.client.get(self.index.url)), [self.page.title])
            self.assertNotIn("Passée", text(soup(self.client.get(self.page.url)).main))
            clock.move_to(NOW + dt.timedelta(minutes=11))
            self.assertEqual(card_titles(self.client.get(self.index.url)), [])
            self.assertIn("Passée", text(soup(self.client.get(self.page.url)).main))


class MemoHtmlTests(TestCase):
    def setUp(self):
        self.token = fragments._generation.set("generation-of-the-test")
        fragments.reset()

    def tearDown(self):
        fragments._generation.reset(self.token)
        fragments.reset()

    def test_html_rendered_during_an_outage_is_not_kept(self):
        def without_image():
            log_outage(fragments.logger, "test:storage", "media storage unreachable")
            return "<p>sans image</p>"

        self.assertEqual(fragments.memo_html("part", without_image), "<p>sans image</p>")
        # Not kept: the next request renders it again (the storage back, with its image).
        self.assertEqual(fragments.memo_html("part", lambda: "<p>image</p>"), "<p>image</p>")
        self.assertEqual(fragments.memo_html("part", lambda: "<p>autre</p>"), "<p>image</p>")

    @override_settings(RENCONTRES_FRAGMENT_CACHE_BYTES=10)
    def test_the_least_recently_used_part_goes_first_past_the_size_limit(self):
        fragments.memo_html("a", lambda: "aaaaaa")
        fragments.memo_html("b", lambda: "bbbb")
        self.assertEqual(fragments.memo_html("a", lambda: "new a"), "aaaaaa")  # a used last
        fragments.memo_html("c", lambda: "cccc")  # 14 characters: b goes
        self.assertEqual(fragments.memo_html("b", lambda: "new b"), "new b")
        self.assertEqual(fragments.memo_html("big", lambda: "x" * 11), "x" * 11)  # never kept
        self.assertEqual(fragments.memo_html("big", lambda: "y"), "y")

    def test_a_new_generation_renders_again(self):
        self.assertEqual(fragments.memo_html("part", lambda: "old"), "old")
        fragments._generation.set("another generation")
        self.assertEqual(fragments.memo_html("part", lambda: "new"), "new")


@frozen
class ApiRepresentationTests(RencontresTestCase):
    """API v2 lists and details kept until the next publication: the same JSON."""

    def urls(self):
        pk = self.pages[2].pk
        return [
            "/api/v2/rencontres/",
            "/api/v2/rencontres/?limit=2&offset=2",
            "/api/v2/rencontres/?fields=title,start",
            "/api/v2/rencontres/?departement=42&order=-start",
            f"/api/v2/rencontres/{pk}/",
            f"/api/v2/rencontres/{pk}/?fields=title",
        ]

    def test_a_consumer_gets_the_same_json_found_or_computed(self):
        for url in self.urls():
            with self.subTest(url):
                computed = self.client.get(url)
                self.assertEqual(computed.status_code, 200)
                with CaptureQueriesContext(connection) as queries:
                    found = self.client.get(url)
                self.assertEqual(found.json(), computed.json())
                # Only the parameters' checks: the site, a filter's département.
                self.assertLessEqual(len(queries), 2, [q["sql"][:150] for q in queries])
        listing = self.client.get("/api/v2/rencontres/?limit=2&offset=2").json()
        self.assertEqual(listing["meta"]["total_count"], 5)
        self.assertEqual(
            [item["title"] for item in listing["items"]], ["Atelier n°2", "Atelier n°3"]
        )

    def test_a_publication_is_seen_on_the_next_request(self):
        page = self.pages[0]
        detail = f"/api/v2/rencontres/{page.pk}/"
        self.client.get(detail)
        self.client.get("/api/v2/rencontres/")
        page.title = "Atelier renommé"
        publish(page)
        self.assertEqual(self.client.get(detail).json()["title"], "Atelier renommé")
        titles = [item["title"] for item in self.client.get("/api/v2/rencontres/").json()["items"]]
        self.assertIn("Atelier renommé", titles)
        page.unpublish()
        self.assertEqual(self.client.get(detail).status_code, 404)
        self.assertEqual(self.client.get("/api/v2/rencontres/").json()["meta"]["total_count"], 4)

    def test_is_past_follows_the_clock(self):
        page = self.pages[0]
        detail = f"/api/v2/rencontres/{page.pk}/"
        self.client.get("/")
        self.assertFalse(self.client.get(detail).json()["is_past"])
        with time_machine.travel(page.end + dt.timedelta(minutes=1), tick=False):
            self.assertTrue(self.client.get(detail).json()["is_past"])


class ApiV3AnswerTests(RencontresTestCase):
    """API v3's rencontres answers kept until the next publication: the same bytes and
    headers (rencontres.api.http.kept_answers)."""

    def urls(self):
        pk = self.pages[2].pk
        return [
            "/api/v3/rencontres/",
            "/api/v3/rencontres/?limit=2&offset=2",
            "/api/v3/rencontres/?offset=2&limit=2",
            "/api/v3/rencontres/?departement=42&order=-start",
            f"/api/v3/rencontres/{pk}/",
            f"/api/v3/rencontres/{pk}/?rich_text_format=markdown",
            f"/api/v3/rencontres/{pk}/history/",
            f"/api/v3/rencontres/{pk}/history/1/",
        ]

    def test_a_consumer_gets_the_same_answer_found_or_computed(self):
        for url in self.urls():
            with self.subTest(url):
                fragments.reset()
                computed = self.client.get(url)
                self.assertEqual(computed.status_code, 200)
                with CaptureQueriesContext(connection) as queries:
                    found = self.client.get(url)
                self.assertEqual(found.content, computed.content)
                self.assertEqual(dict(found.headers), dict(computed.headers))
                self.assertEqual(len(queries), 0, [q["sql"][:150] for q in queries])
        listing = self.client.get("/api/v3/rencontres/?offset=2&limit=2").json()
        self.assertEqual(listing["count"], 5)
        self.assertEqual(
            [item["title"] for item in listing["items"]], ["Atelier n°2", "Atelier n°3"]
        )

    def test_a_publication_is_seen_on_the_next_request(self):
        page = self.pages[0]
        detail = f"/api/v3/rencontres/{page.pk}/"
        self.client.get(detail)
        self.client.get("/api/v3/rencontres/")
        self.client.get(f"{detail}history/")
        page.title = "Atelier renommé"
        publish(page)
        self.assertEqual(self.client.get(detail).json()["title"], "Atelier renommé")
        titles = [item["title"] for item in self.client.get("/api/v3/rencontres/").json()["items"]]
        self.assertIn("Atelier renommé", titles)
        versions = self.client.get(f"{detail}history/").json()
        self.assertEqual(versions["count"], 2)
        page.unpublish()
        self.assertEqual(self.client.get(detail).status_code, 404)
        self.assertEqual(self.client.get("/api/v3/rencontres/").json()["count"], 4)

    def test_is_past_follows_the_clock(self):
        page = self.pages[0]
        detail = f"/api/v3/rencontres/{page.pk}/"
        self.assertFalse(self.client.get(detail).json()["is_past"])
        with time_machine.travel(page.end + dt.timedelta(minutes=1), tick=False):
            self.assertTrue(self.client.get(detail).json()["is_past"])

    def test_errors_and_token_callers_go_to_the_view_every_time(self):
        bad = "/api/v3/rencontres/?departement=999"
        self.assertEqual(self.client.get(bad).status_code, 422)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(bad).status_code, 422)
        self.assertGreater(len(queries), 0)
        _token, secret = APIToken.create_token(user=superuser(), name="front")
        self.client.get("/api/v3/rencontres/")
        with CaptureQueriesContext(connection) as queries:
            answer = self.client.get(
                "/api/v3/rencontres/", headers={"Authorization": f"Bearer {secret}"}
            )
        self.assertEqual(answer.json()["count"], 5)
        self.assertIn("no-store", answer["Cache-Control"])
        self.assertGreater(len(queries), 1)  # the token, then the rencontres themselves
