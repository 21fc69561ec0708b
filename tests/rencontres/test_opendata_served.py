"""The open-data files as a consumer downloads them through the whole middleware stack:
gzip when asked for, and answered again from memory until the next publication
(:class:`rencontres.public.opendata.OpenDataMiddleware`) with the same bytes and
headers as the stack gave."""

import contextlib
import csv
import datetime as dt
import gzip
import io
import json

import time_machine
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from django.utils import timezone

from rencontres import fragments
from rencontres.public import opendata
from rencontres.public.opendata import accepts_gzip
from tests.factories import RencontrePageFactory, build_site, publish, superuser

FILES = ["/rencontres/donnees.json", "/rencontres/donnees.csv"]
LOGGER = "rencontres.public.opendata"
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def headers(response):
    return dict(response.items())


class OpenDataTestCase(TestCase):
    """One published rencontre; caches, fragments and kept files emptied."""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.page = publish(RencontrePageFactory(parent=cls.index, title="Atelier du Gier"))

    def setUp(self):
        cache.clear()
        fragments.reset()
        opendata._kept.clear()  # each process keeps them: not from another test


class ServedFromMemoryTests(OpenDataTestCase):
    def get(self, url, **extra):
        return self.client.get(url, **HTTPS, **extra)

    def test_the_second_download_gets_the_same_bytes_and_headers_from_memory(self):
        for url in FILES:
            for encoding in ("", "gzip, deflate, br"):
                with self.subTest(url, encoding=encoding):
                    with self.assertNoLogs(LOGGER, "DEBUG"):
                        first = self.get(url, HTTP_ACCEPT_ENCODING=encoding)
                    with self.assertLogs(LOGGER, "DEBUG") as logs:
                        again = self.get(url, HTTP_ACCEPT_ENCODING=encoding)
                    self.assertIn(f"served from memory: {url}", logs.output[0])
                    self.assertEqual(first.status_code, 200)
                    self.assertEqual(again.status_code, 200)
                    self.assertEqual(again.content, first.content)
                    self.assertEqual(headers(again), headers(first))
                    # What the stack's middleware added is there too.
                    self.assertIn("public", again["Cache-Control"])
                    self.assertEqual(again["X-Content-Type-Options"], "nosniff")
                    self.assertTrue(again["Last-Modified"])

    def test_gzip_when_the_client_accepts_it_each_encoding_with_its_etag(self):
        plain = self.get(FILES[0])
        packed = self.get(FILES[0], HTTP_ACCEPT_ENCODING="gzip")
        refused = self.get(FILES[0], HTTP_ACCEPT_ENCODING="gzip;q=0, identity")

        self.assertNotIn("Content-Encoding", plain)
        self.assertEqual(packed["Content-Encoding"], "gzip")
        self.assertNotIn("Content-Encoding", refused)
        self.assertEqual(gzip.decompress(packed.content), plain.content)
        self.assertEqual(refused.content, plain.content)
        self.assertLess(len(packed.content), len(plain.content))
        for response in (plain, packed):
            self.assertIn("Accept-Encoding", response["Vary"])
        self.assertNotEqual(packed["ETag"], plain["ETag"])
        document = json.loads(gzip.decompress(packed.content))
        self.assertEqual([item["title_fr"] for item in document["rencontres"]], ["Atelier du Gier"])

    def test_a_conditional_download_answered_from_memory_gets_304(self):
        for encoding in ("", "gzip"):
            with self.subTest(encoding=encoding):
                first = self.get(FILES[0], HTTP_ACCEPT_ENCODING=encoding)
                with self.assertLogs(LOGGER, "DEBUG"):
                    again = self.get(
                        FILES[0], HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH=first["ETag"]
                    )
                self.assertEqual((again.status_code, again.content), (304, b""))
                self.assertEqual(again["ETag"], first["ETag"])
                other = self.get(FILES[0], HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH='"0"')
                self.assertEqual(other.status_code, 200)

    def test_a_publication_is_in_the_next_download(self):
        for url in FILES:
            self.get(url)
            self.get(url)
        publish(RencontrePageFactory(parent=self.index, title="Forum des conseils citoyens"))

        for url in FILES:
            with self.subTest(url), self.assertNoLogs(LOGGER, "DEBUG"):
                self.assertContains(self.get(url), "Forum des conseils citoyens")
        document = json.loads(self.get(FILES[0]).content)
        self.assertEqual(document["count"], 2)

    def test_a_rencontre_that_ends_is_past_in_the_next_download_without_a_publication(self):
        now = timezone.now()
        publish(
            self.page,
            start=now + dt.timedelta(hours=1),
            end=now + dt.timedelta(hours=3),
        )
        self.get(FILES[0])
        with self.assertLogs(LOGGER, "DEBUG"):
            before = json.loads(self.get(FILES[0]).content)
        self.assertEqual([item["period"] for item in before["rencontres"]], ["À venir"])

        with time_machine.travel(now + dt.timedelta(hours=3, seconds=1), tick=False):
            with self.assertNoLogs(LOGGER, "DEBUG"):
                after = json.loads(self.get(FILES[0]).content)
            self.assertEqual([item["period"] for item in after["rencontres"]], ["Passée"])
            header, row = csv.reader(io.StringIO(self.get(FILES[1]).content.decode()))
            self.assertEqual(row[header.index("Période")], "Passée")
            with self.assertLogs(LOGGER, "DEBUG"):  # kept again until the next change
                self.assertEqual(json.loads(self.get(FILES[0]).content), after)

    def test_an_editor_a_cookie_or_a_query_string_go_through_the_stack(self):
        self.get(FILES[0])
        with self.assertNoLogs(LOGGER, "DEBUG"):
            self.assertEqual(self.get(f"{FILES[0]}?v=2").status_code, 200)
            self.client.cookies["consentement"] = "oui"
            self.assertEqual(self.get(FILES[0]).status_code, 200)
            self.client.force_login(superuser())
            editor = self.get(FILES[0])
        self.assertIn("private", editor["Cache-Control"])

    def test_files_beyond_the_memory_bound_go_through_the_stack(self):
        size = len(self.get(FILES[0]).content)
        opendata._kept.clear()
        with (
            override_settings(RENCONTRES_FRAGMENT_CACHE_BYTES=size - 1),
            self.assertNoLogs(LOGGER, "DEBUG"),
        ):
            self.get(FILES[0])
            self.assertEqual(self.get(FILES[0]).status_code, 200)
        with override_settings(RENCONTRES_FRAGMENT_CACHE_BYTES=size):
            self.get(FILES[0])
            with self.assertLogs(LOGGER, "DEBUG"):
                self.assertEqual(self.get(FILES[0]).status_code, 200)

    def test_nothing_is_kept_without_the_shared_cache(self):
        unreachable = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
                "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
            }
        }
        with override_settings(CACHES=unreachable), self.assertNoLogs(LOGGER, "DEBUG"):
            for _ in range(2):
                response = self.get(FILES[0], HTTP_ACCEPT_ENCODING="gzip")
                self.assertEqual(response.status_code, 200)
                # No generation: nothing compressed per request either.
                self.assertNotIn("Content-Encoding", response)


@contextlib.contextmanager
def connections_kept_open():
    """As Django's test client: the handler's signals would close the connection that
    holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class BeforeDjangoTests(OpenDataTestCase):
    """``with_kept_files``: the WSGI application of ``rencontres_site/wsgi.py``."""

    def setUp(self):
        super().setUp()
        self.application = opendata.with_kept_files(WSGIHandler())

    def call(self, url, **extra):
        """``(status, headers, body)`` as a WSGI server gets them."""
        environ = RequestFactory().get(url, **HTTPS, **extra).environ
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)

        with connections_kept_open():
            chunks = self.application(environ, start_response)
            body = b"".join(chunks)
            if hasattr(chunks, "close"):
                chunks.close()
        return answer["status"], answer["headers"], body

    def test_the_files_are_answered_before_django_as_django_answered_them(self):
        for url in FILES:
            for encoding in ("", "gzip"):
                with self.subTest(url, encoding=encoding):
                    with self.assertNoLogs(LOGGER, "DEBUG"):
                        first = self.call(url, HTTP_ACCEPT_ENCODING=encoding)
                    with self.assertLogs(LOGGER, "DEBUG") as logs:
                        again = self.call(url, HTTP_ACCEPT_ENCODING=encoding)
                    self.assertIn(f"before Django: {url}", logs.output[0])
                    self.assertEqual(first[0], "200 OK")
                    self.assertEqual(again, first)

    def test_a_publication_or_a_conditional_request_goes_to_django(self):
        status, headers, _body = self.call(FILES[0])
        self.call(FILES[0])
        etag = dict(headers)["ETag"]
        with self.assertLogs(LOGGER, "DEBUG") as logs:
            status, _headers, body = self.call(FILES[0], HTTP_IF_NONE_MATCH=etag)
        self.assertEqual((status, body), ("304 Not Modified", b""))
        self.assertNotIn("before Django", logs.output[0])  # the middleware's 304

        publish(RencontrePageFactory(parent=self.index, title="Forum des conseils citoyens"))
        with self.assertNoLogs(LOGGER, "DEBUG"):
            status, _headers, body = self.call(FILES[0])
        self.assertEqual(status, "200 OK")
        self.assertEqual(json.loads(body)["count"], 2)


class AcceptsGzipTests(SimpleTestCase):
    def test_the_accept_encoding_header_decides(self):
        factory = RequestFactory()
        for header, expected in (
            ("", False),
            ("gzip", True),
            ("GZIP", True),
            ("deflate, gzip;q=0.5", True),
            ("x-gzip", True),
            ("br", False),
            ("gzip;q=0", False),
            ("gzip;q=0.0, *", False),
            ("*", True),
            ("*;q=0", False),
            ("identity", False),
            ("gzip;q=nonsense", False),
        ):
            with self.subTest(header):
                request = factory.get("/", HTTP_ACCEPT_ENCODING=header)
                self.assertIs(accepts_gzip(request), expected)
