"""Nothing private through any API route: every GET route of v2 and v3, anonymously and
with a private page's password in the session, over a private, an unpublished and a
never-published rencontre; credentials are refused rather than ignored."""

import re

import time_machine
from django.test import TestCase
from django.utils import timezone
from rencontres_site.api import api_v2_urls, api_v3_urls
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import APIToken, PageViewRestriction

from tests.factories import RencontrePageFactory, build_site, superuser

PUBLIC = "Atelier ouvert Saint-Chamond"
SECRETS = {
    "private": "Atelier confidentiel Zorglub",
    "unpublished": "Atelier retiré Quetzal",
    "draft": "Atelier brouillon Yggdrasil",
}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def routes(patterns, prefix):
    """Every URL pattern under ``prefix`` as a route string, without regex anchors."""
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if hasattr(pattern, "url_patterns"):
            found += routes(pattern.url_patterns, route)
        else:
            found.append(route)
    return sorted(set(found))


class EveryRouteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.public = RencontrePageFactory(parent=cls.index, title=PUBLIC, slug="ouvert")
        cls.public.save_revision().publish()
        cls.private = RencontrePageFactory(
            parent=cls.index, title=SECRETS["private"], slug="confidentiel"
        )
        cls.private.save_revision().publish()
        cls.restriction = PageViewRestriction.objects.create(
            page=cls.private, restriction_type=PageViewRestriction.PASSWORD, password="sesame"
        )
        cls.unpublished = RencontrePageFactory(
            parent=cls.index, title=SECRETS["unpublished"], slug="retire"
        )
        cls.unpublished.save_revision().publish()
        cls.unpublished.unpublish()
        cls.draft = RencontrePageFactory(
            parent=cls.index, title=SECRETS["draft"], slug="brouillon", live=False
        )
        cls.draft.save_revision()
        for page in (cls.private, cls.unpublished, cls.draft):
            Redirect.objects.create(old_path=f"/ancien-{page.slug}", redirect_page=page)
        Redirect.objects.create(old_path="/intranet", redirect_link="http://10.0.0.5/admin/")
        cls.ids = [cls.public.pk, cls.private.pk, cls.unpublished.pk, cls.draft.pk]

    def urls(self):
        """GET URLs of every route, each page-valued parameter given every page's id."""
        found = routes(api_v2_urls[0], "/api/v2/") + routes(api_v3_urls[0], "/api/v3/")
        urls = []
        for route in found:
            names = PARAMETER.findall(route)
            values = self.ids if names else [None]
            for value in values:
                url = PARAMETER.sub(
                    lambda match, value=value: {
                        "type_name": "rencontres.RencontrePage",
                        "type": "rencontres.Organisation",
                        "number": "1",
                    }.get(match.group(1), str(value)),
                    route,
                )
                urls.append(url)
                if url.endswith("/find/"):
                    urls.append(f"{url}?id={value or self.private.pk}")
                    urls.append(f"{url}?html_path=/rencontres/confidentiel/")
                elif not names and "docs" not in url and "openapi" not in url:
                    urls.append(f"{url}?search=Atelier")
                    urls.append(f"{url}?type=rencontres.RencontrePage&fields=*")
        return urls

    def call_every_route(self):
        bodies = {}
        for url in self.urls():
            response = self.client.get(url)
            body = response.content.decode()
            for name, secret in SECRETS.items():
                self.assertNotIn(secret, body, f"{name} content in {url}")
            self.assertNotIn("10.0.0.5", body, url)
            bodies[url] = (response.status_code, body, response.get("Cache-Control", ""))
        return bodies

    def test_no_route_shows_private_content_to_anyone(self):
        # One instant for both rounds: the change log's answer depends on the time
        # (events settle for a few seconds), not on who asks.
        clock = time_machine.travel(timezone.now(), tick=False)
        clock.start()
        self.addCleanup(clock.stop)
        anonymous = self.call_every_route()
        # The test can fail: the public rencontre is listed.
        self.assertIn(PUBLIC, anonymous["/api/v2/rencontres/"][1])
        self.assertIn(PUBLIC, anonymous["/api/v3/rencontres/"][1])
        self.assertGreater(len(anonymous), 100)

        # The visitor who typed the private page's password sees it on the site…
        self.client.post(
            f"/_util/authenticate_with_password/{self.restriction.pk}/{self.private.pk}/",
            {"password": "sesame", "return_url": "/rencontres/confidentiel/"},
        )
        self.assertContains(self.client.get("/rencontres/confidentiel/"), SECRETS["private"])
        # …but nowhere in the APIs, and every answer is the anonymous one, so that a
        # shared cache may keep it (no public cache header on a session-dependent answer).
        with_session = self.call_every_route()
        for url, (status, body, cache_control) in with_session.items():
            self.assertEqual((status, body), anonymous[url][:2], url)
            self.assertNotIn("Vary", cache_control)
        self.client.force_login(superuser())
        self.assertEqual(self.call_every_route().keys(), anonymous.keys())

    def test_redirects_need_a_token(self):
        for url in ("/api/v3/redirects/", "/api/v3/redirects/find/?html_path=/intranet"):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response["Content-Type"], "application/problem+json")
        _token, secret = APIToken.create_token(user=superuser(), name="front")
        response = self.client.get("/api/v3/redirects/", HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(len(response.json()["items"]), 4)

    def test_credentials_are_checked_not_ignored(self):
        user = superuser()
        token, secret = APIToken.create_token(user=user, name="front")
        refused = {
            "/api/v3/rencontres/": ["Bearer nimportequoi", "Basic YWRtaW46YWRtaW4=", "Bearer"],
            "/api/v3/pages/": ["Bearer nimportequoi"],
            "/api/v2/rencontres/": [f"Bearer {secret}", "Basic YWRtaW46YWRtaW4="],
        }
        for url, headers in refused.items():
            for header in headers:
                with self.subTest(url=url, header=header):
                    response = self.client.get(url, HTTP_AUTHORIZATION=header)
                    self.assertEqual(response.status_code, 401)
                    self.assertEqual(response["WWW-Authenticate"], "Bearer")
                    self.assertNotIn("public", response.get("Cache-Control", ""))
        ok = self.client.get("/api/v3/rencontres/", HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(ok.status_code, 200)
        self.assertEqual(ok["Cache-Control"], "private, no-store")
        token.revoke()
        revoked = self.client.get("/api/v3/rencontres/", HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(revoked.status_code, 401)
        user.is_active = False
        user.save()
        _token, other = APIToken.create_token(user=user, name="inactive")
        inactive = self.client.get("/api/v3/rencontres/", HTTP_AUTHORIZATION=f"Bearer {other}")
        self.assertEqual(inactive.status_code, 401)

    def test_a_signed_in_editor_reads_what_anyone_reads(self):
        self.client.force_login(superuser())
        response = self.client.get(f"/api/v3/pages/{self.draft.pk}/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get("/api/v3/whoami/").status_code, 401)
        # The API did not sign the editor out of the admin.
        self.assertEqual(self.client.get("/admin/").status_code, 200)
