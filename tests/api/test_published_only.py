"""Anonymous calls to v2 and v3 never see a draft value, an unpublished or private page
or an unpublished revision; writing and raw revisions need a token."""

import datetime as dt
import json

import pytest
from django.test import TestCase
from django.utils import timezone
from wagtail.models import APIToken

from tests.api.helpers import V2, V3, make_private, publish, site
from tests.factories import RencontrePageFactory, superuser

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

LIVE_TITLE = "Atelier publié"
DRAFT_TITLE = "Brouillon à ne pas montrer"


class PublishedOnlyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        start = timezone.now() + dt.timedelta(days=5)
        # A live page with a newer draft (title, status and description changed).
        cls.live = publish(
            RencontrePageFactory(parent=cls.index, title=LIVE_TITLE, slug="publie", start=start)
        )
        draft = cls.live.get_latest_revision_as_object()
        draft.title = DRAFT_TITLE
        draft.status = "annulee"
        draft.description = [
            ("pourquoi", {"heading": "Pourquoi ?", "introduction": "", "items": ["Secret"]})
        ]
        draft.save_revision()
        # A scheduled revision that has not gone live is not published either.
        scheduled = cls.live.get_latest_revision_as_object()
        scheduled.title = "Programmé pour plus tard"
        scheduled.go_live_at = timezone.now() + dt.timedelta(days=3)
        scheduled.save_revision(approved_go_live_at=scheduled.go_live_at)
        cls.private = publish(
            RencontrePageFactory(parent=cls.index, title="Atelier privé", slug="prive")
        )
        make_private(cls.private)
        cls.unpublished = RencontrePageFactory(
            parent=cls.index, title="Atelier dépublié", slug="depublie", live=False
        )
        cls.user = superuser()
        _token, cls.token = APIToken.create_token(user=cls.user, name="tests")

    def assert_only_the_live_page(self, response):
        self.assertEqual(response.status_code, 200, response.content)
        items = response.json()["items"]
        self.assertEqual([item["id"] for item in items], [self.live.pk])
        self.assertEqual(items[0]["title"], LIVE_TITLE)
        return items[0]

    def test_lists_show_only_the_live_values(self):
        for url in (V2, V3, "/api/v2/pages/?type=rencontres.RencontrePage&fields=*"):
            with self.subTest(url):
                item = self.assert_only_the_live_page(self.client.get(url))
                self.assertEqual(item["status"], "prevue")
                self.assertNotIn("Secret", json.dumps(item, ensure_ascii=False))
        generic = self.client.get("/api/v2/pages/").json()["items"]
        ids = {item["id"] for item in generic}
        self.assertIn(self.live.pk, ids)
        self.assertFalse({self.private.pk, self.unpublished.pk} & ids)
        v3_pages = self.client.get("/api/v3/pages/").json()["items"]
        self.assertFalse({self.private.pk, self.unpublished.pk} & {i["id"] for i in v3_pages})
        self.assertNotIn(DRAFT_TITLE, json.dumps(v3_pages, ensure_ascii=False))

    def test_details_show_the_live_values_and_hide_the_others(self):
        for url in (f"{V2}{{}}/", f"{V3}{{}}/", "/api/v2/pages/{}/", "/api/v3/pages/{}/"):
            with self.subTest(url):
                response = self.client.get(url.format(self.live.pk))
                self.assertEqual(response.json()["title"], LIVE_TITLE)
                for page in (self.private, self.unpublished):
                    self.assertEqual(self.client.get(url.format(page.pk)).status_code, 404)
        draft = self.client.get(f"/api/v3/pages/{self.live.pk}/?version=draft")
        self.assertEqual(draft.json()["title"], LIVE_TITLE)

    def test_search_and_filters_do_not_reach_drafts(self):
        for url in (V2, V3):
            response = self.client.get(url, {"search": "Brouillon"})
            self.assertEqual(response.json()["items"], [])
            response = self.client.get(url, {"status": "annulee"})
            self.assertEqual(response.json()["items"], [])

    def test_a_signed_in_session_sees_no_more(self):
        self.client.force_login(self.user)
        for url in (V2, V3):
            self.assert_only_the_live_page(self.client.get(url))
        self.assertEqual(self.client.get(f"{V2}{self.private.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/api/v2/pages/{self.private.pk}/").status_code, 404)

    def test_history_counts_published_revisions_only(self):
        for url in (f"{V2}{{}}/history/", f"{V3}{{}}/history/"):
            with self.subTest(url):
                data = self.client.get(url.format(self.live.pk)).json()
                self.assertEqual(data["count"], 1)
                text = json.dumps(data, ensure_ascii=False)
                self.assertNotIn(DRAFT_TITLE, text)
                self.assertNotIn("Programmé", text)
                self.assertEqual(self.client.get(url.format(self.live.pk) + "2/").status_code, 404)
                for page in (self.private, self.unpublished):
                    self.assertEqual(self.client.get(url.format(page.pk)).status_code, 404)

    def test_revisions_need_a_token(self):
        url = f"/api/v3/pages/{self.live.pk}/revisions/"
        self.assertEqual(self.client.get(url).status_code, 401)
        revision = self.live.get_latest_revision()
        detail = f"{url}{revision.pk}/"
        self.assertEqual(self.client.get(detail).status_code, 401)
        self.client.force_login(self.user)  # a session is not a token
        self.assertEqual(self.client.get(url).status_code, 401)
        self.client.logout()
        with_token = self.client.get(url, HTTP_AUTHORIZATION=f"Bearer {self.token}")
        self.assertEqual(with_token.status_code, 200)
        self.assertEqual(with_token["Cache-Control"], "private, no-store")
        self.assertEqual(
            [revision["object_str"] for revision in with_token.json()["items"]],
            ["Programmé pour plus tard", DRAFT_TITLE, LIVE_TITLE],
        )

    def test_writing_needs_a_token(self):
        body = json.dumps(
            {"meta": {"type": "rencontres.RencontrePage", "parent_id": self.index.pk}, "title": "X"}
        )
        calls = [
            ("post", "/api/v3/pages/", body),
            ("patch", f"/api/v3/pages/{self.live.pk}/", json.dumps({"title": "Piraté"})),
            ("delete", f"/api/v3/pages/{self.live.pk}/", ""),
            ("post", f"/api/v3/pages/{self.live.pk}/actions/publish/", ""),
            ("post", f"/api/v3/pages/{self.live.pk}/actions/unpublish/", "{}"),
        ]
        for method, url, data in calls:
            with self.subTest(f"{method} {url}"):
                response = getattr(self.client, method)(url, data, content_type="application/json")
                self.assertEqual(response.status_code, 401)
        for method in ("post", "put", "patch", "delete"):
            response = getattr(self.client, method)(f"{V2}{self.live.pk}/")
            self.assertEqual(response.status_code, 405)
        self.live.refresh_from_db()
        self.assertEqual(self.live.title, LIVE_TITLE)
        self.assertTrue(self.live.live)
