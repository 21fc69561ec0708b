"""The Content-Security-Policy headers, the public pages' markup and the report endpoint."""

import json
import logging

from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import TestCase, override_settings
from rencontres_site.settings.base import tiles_origin

from tests.factories import DsfrConfigFactory, RencontrePageFactory, build_site, superuser


def directives(header):
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


class PolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.rencontre = RencontrePageFactory(parent=cls.index, title="Atelier Gier", slug="gier")
        cls.rencontre.save_revision().publish()
        DsfrConfigFactory(language="fr", notice_title="Travaux", notice_is_collapsible=True)

    def test_public_pages_enforce_the_strict_policy(self):
        for url in ("/", "/rencontres/", "/rencontres/gier/", "/rencontres/gier/changements/"):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                policy = directives(response["Content-Security-Policy"])
                self.assertEqual(policy["script-src"], ["'self'"])
                self.assertEqual(policy["style-src"], ["'self'"])
                self.assertEqual(policy["object-src"], ["'none'"])
                self.assertEqual(policy["base-uri"], ["'self'"])
                self.assertEqual(policy["frame-ancestors"], ["'self'"])
                self.assertIn("https://www.youtube.com", policy["frame-src"])
                self.assertNotIn("'unsafe-inline'", response["Content-Security-Policy"])
                self.assertNotIn("Content-Security-Policy-Report-Only", response)

    def test_public_headers_are_those_django_csp_writes(self):
        """The public pages' header, built once, says what django-csp's own middleware
        writes from the settings (directive for directive: django-csp orders them as a
        set does), and follows a change of them."""
        from csp.middleware import CSPMiddleware
        from django.http import HttpResponse
        from django.test import RequestFactory

        def django_csp(url):
            request = RequestFactory().get(url)
            plain = CSPMiddleware(lambda request: HttpResponse())
            plain.process_request(request)
            return plain.process_response(request, HttpResponse())

        for url in ("/", "/rencontres/", "/robots.txt", "/api/v2/rencontres/"):
            with self.subTest(url):
                response = self.client.get(url)
                expected = django_csp(url)
                self.assertEqual(
                    directives(response["Content-Security-Policy"]),
                    directives(expected["Content-Security-Policy"]),
                )
                self.assertNotIn("Content-Security-Policy-Report-Only", expected)
                self.assertNotIn("Content-Security-Policy-Report-Only", response)
        changed = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "https:"]}}
        with override_settings(
            CONTENT_SECURITY_POLICY=changed, CONTENT_SECURITY_POLICY_REPORT_ONLY=changed
        ):
            response = self.client.get("/robots.txt")
            for header in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
                self.assertEqual(
                    directives(response[header]),
                    {"default-src": ["'self'"], "img-src": ["'self'", "https:"]},
                )
        response = self.client.get("/robots.txt")
        self.assertEqual(
            directives(response["Content-Security-Policy"]),
            directives(django_csp("/")["Content-Security-Policy"]),
        )
        self.assertNotIn("Content-Security-Policy-Report-Only", response)

    def test_public_pages_have_no_inline_script_or_style(self):
        for url in ("/", "/rencontres/", "/rencontres/gier/", "/rencontres/gier/changements/1/"):
            with self.subTest(url):
                page = BeautifulSoup(self.client.get(url).content, "html.parser")
                for script in page.find_all("script"):
                    # A file, or a JSON-LD data block (never executed).
                    self.assertTrue(
                        script.get("src") or script.get("type") == "application/ld+json",
                        str(script)[:200],
                    )
                    self.assertIsNone(script.get("nonce"))
                self.assertEqual(page.find_all("style"), [])
                for element in page.find_all(True):
                    self.assertIsNone(element.get("style"), str(element)[:200])
                    inline = [name for name in element.attrs if name.lower().startswith("on")]
                    self.assertEqual(inline, [], str(element)[:200])

    def test_the_collapsible_notice_closes_without_inline_script(self):
        page = BeautifulSoup(self.client.get("/").content, "html.parser")
        button = page.select_one(".fr-notice [data-notice-close]")
        self.assertEqual(button.get_text(strip=True), "Masquer le message")
        scripts = [script.get("src") for script in page.find_all("script")]
        self.assertIn("/static/home/site.js", scripts)

    def test_the_admin_enforces_what_it_can_and_reports_the_rest(self):
        self.client.force_login(superuser())
        response = self.client.get(f"/admin/pages/{self.rencontre.pk}/edit/")
        self.assertEqual(response.status_code, 200)
        enforced = directives(response["Content-Security-Policy"])
        self.assertEqual(enforced["script-src"], ["'self'", "'unsafe-inline'"])
        self.assertEqual(enforced["object-src"], ["'none'"])
        self.assertEqual(enforced["frame-ancestors"], ["'self'"])
        reported = directives(response["Content-Security-Policy-Report-Only"])
        self.assertEqual(reported["script-src"], ["'self'"])
        self.assertEqual(reported["style-src"], ["'self'"])

    def test_the_api_docs_get_the_public_policy(self):
        response = self.client.get("/api/v3/docs/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(directives(response["Content-Security-Policy"])["script-src"], ["'self'"])


REPORT = {
    "csp-report": {
        "document-uri": "https://rencontres.example/rencontres/",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "inline",
        "disposition": "enforce",
    }
}


@override_settings(CSP_REPORTS_PER_MINUTE=3)
class ReportEndpointTests(TestCase):
    def setUp(self):
        cache.clear()

    def post(self, body, content_type="application/csp-report", **extra):
        return self.client.post("/csp-report/", body, content_type=content_type, **extra)

    def test_a_report_is_logged(self):
        with self.assertLogs("rencontres_site.csp", logging.WARNING) as logs:
            response = self.post(json.dumps(REPORT))
        self.assertEqual(response.status_code, 204)
        self.assertEqual(
            logs.output,
            [
                "WARNING:rencontres_site.csp:CSP enforce: script-src-elem blocked inline on "
                "https://rencontres.example/rencontres/"
            ],
        )

    def test_the_reporting_api_format_is_read_too(self):
        body = [{"type": "csp-violation", "body": {"effectiveDirective": "img-src",
                 "blockedURL": "https://tiles.example/1.png", "disposition": "report",
                 "documentURL": "https://rencontres.example/"}}]  # fmt: skip
        with self.assertLogs("rencontres_site.csp", logging.WARNING) as logs:
            response = self.post(json.dumps(body), content_type="application/reports+json")
        self.assertEqual(response.status_code, 204)
        self.assertIn("CSP report: img-src blocked https://tiles.example/1.png", logs.output[0])

    def test_size_type_method_and_rate_are_capped(self):
        self.assertEqual(self.post("x" * (16 * 1024 + 1)).status_code, 413)
        self.assertEqual(self.post(json.dumps(REPORT), content_type="text/plain").status_code, 415)
        self.assertEqual(self.client.get("/csp-report/").status_code, 405)
        self.assertEqual(self.post("{not json").status_code, 400)
        with self.assertLogs("rencontres_site.csp", logging.WARNING):
            statuses = [self.post(json.dumps(REPORT)).status_code for _ in range(3)]
        # 4 reports from this address within the minute (the bad JSON counted): refused.
        self.assertEqual(statuses, [204, 204, 429])
        with self.assertLogs("rencontres_site.csp", logging.WARNING):
            other = self.post(json.dumps(REPORT), REMOTE_ADDR="203.0.113.9")
        self.assertEqual(other.status_code, 204)


def test_the_map_tiles_origin_is_what_the_policy_allows():
    """The demo adds its tile server's origin to img-src (« {s} » subdomains: any)."""
    assert tiles_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert tiles_origin("https://{s}.tuiles.example.org/{z}/{x}/{y}.png") == (
        "https://*.tuiles.example.org"
    )
    assert tiles_origin("") == ""
