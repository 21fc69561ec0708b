"""HTTP conventions of the API: cache headers, conditional requests, CORS."""

import pytest
from django.test import TestCase, override_settings

from tests.api.helpers import V2, V3, publish, site
from tests.factories import RencontrePageFactory

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

PUBLIC_GETS = [
    V2,
    "/api/v2/pages/",
    "/api/v2/images/",
    V3,
    "/api/v3/pages/",
    "/api/v3/openapi.json",
]


class CacheHeaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.page = publish(RencontrePageFactory(parent=cls.index))

    def test_public_gets_have_an_etag_and_cache_control(self):
        for url in [*PUBLIC_GETS, f"{V2}{self.page.pk}/", f"{V3}{self.page.pk}/history/"]:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertRegex(response["ETag"], r'^"[0-9a-f]{40}"$')
                # Browsers: RENCONTRES_API_CACHE_MAX_AGE; the shared cache: s-maxage.
                self.assertEqual(response["Cache-Control"], "public, max-age=300, s-maxage=600")
                self.assertIn("Authorization", response["Vary"])

    @override_settings(RENCONTRES_API_CACHE_MAX_AGE=60)
    def test_max_age_is_a_setting(self):
        self.assertEqual(self.client.get(V2)["Cache-Control"], "public, max-age=60, s-maxage=600")

    def test_conditional_requests_get_a_304(self):
        for url in PUBLIC_GETS:
            with self.subTest(url):
                etag = self.client.get(url)["ETag"]
                response = self.client.get(url, HTTP_IF_NONE_MATCH=etag)
                self.assertEqual(response.status_code, 304)
                self.assertEqual(response.content, b"")
                self.assertEqual(response["ETag"], etag)
                other = self.client.get(url, HTTP_IF_NONE_MATCH='"0000"')
                self.assertEqual(other.status_code, 200)

    def test_a_change_changes_the_etag(self):
        etag = self.client.get(V2)["ETag"]
        self.page.title = "Atelier renommé"
        publish(self.page)
        response = self.client.get(V2, HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(response["ETag"], etag)

    def test_errors_and_authorised_requests_are_not_cached_publicly(self):
        response = self.client.get(f"{V2}?format=visio")
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("ETag", response)
        response = self.client.get(V3, HTTP_AUTHORIZATION="Bearer not-a-token")
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertNotIn("ETag", response)


@pytest.mark.demo  # the demo's CORS settings (django-cors-headers)
class CorsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()

    @override_settings(CORS_ALLOWED_ORIGINS=["https://front.example.org"])
    def test_allowed_origin(self):
        for url in (V2, V3):
            response = self.client.get(url, HTTP_ORIGIN="https://front.example.org")
            self.assertEqual(response["Access-Control-Allow-Origin"], "https://front.example.org")
            preflight = self.client.options(
                url,
                HTTP_ORIGIN="https://front.example.org",
                HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            )
            self.assertEqual(preflight.status_code, 200)
            self.assertIn("GET", preflight["Access-Control-Allow-Methods"])

    @override_settings(CORS_ALLOWED_ORIGINS=["https://front.example.org"])
    def test_other_origins_and_other_paths(self):
        response = self.client.get(V2, HTTP_ORIGIN="https://ailleurs.example.com")
        self.assertNotIn("Access-Control-Allow-Origin", response)
        response = self.client.get("/", HTTP_ORIGIN="https://front.example.org")
        self.assertNotIn("Access-Control-Allow-Origin", response)

    @override_settings(CORS_ALLOWED_ORIGINS=[])
    def test_no_origin_by_default(self):
        response = self.client.get(V3, HTTP_ORIGIN="https://front.example.org")
        self.assertNotIn("Access-Control-Allow-Origin", response)
