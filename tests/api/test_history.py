"""The public history of a rencontre in API v2 and v3: published versions, each with
its changed fields as text."""

import pytest
from django.test import TestCase

from rencontres.api.history import VersionWithRencontre
from tests.api.helpers import V2, V3, publish, site
from tests.factories import RencontrePageFactory, departement

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

BASE = "http://localhost/rencontres/atelier-territorial-vallee-du-gier/changements/"


class HistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        page = RencontrePageFactory(
            parent=cls.index,
            title="Atelier territorial Vallée du Gier",
            slug="atelier-territorial-vallee-du-gier",
            departement=None,
            description=[],
        )
        cls.page = publish(page)
        cls.page.departement = departement("42")
        cls.page.description = [
            ("pourquoi", {"heading": "Pourquoi ?", "introduction": "", "items": ["Partager"]})
        ]
        publish(cls.page)
        cls.page.search_description = "Sans changement public ? Si : un champ public."
        cls.page.save_revision()  # a draft: never a version

    def test_versions_newest_first(self):
        for url in (V2, V3):
            with self.subTest(url):
                response = self.client.get(f"{url}{self.page.pk}/history/")
                self.assertEqual(response.status_code, 200, response.content)
                data = response.json()
                self.assertEqual(data["count"], 2)
                self.assertEqual(
                    data["rencontre"],
                    {
                        "id": self.page.pk,
                        "title": "Atelier territorial Vallée du Gier",
                        "html_url": BASE.removesuffix("changements/"),
                        "history_url": BASE,
                    },
                )
                self.assertEqual([v["number"] for v in data["items"]], [2, 1])
                latest = data["items"][0]
                self.assertEqual(latest["title"], "Version 2 (sur 2)")
                self.assertEqual(latest["changed_fields"], ["departement", "description"])
                self.assertEqual(latest["url"], f"{BASE}2/")
                self.assertEqual(
                    latest["detail_url"], f"http://testserver{url}{self.page.pk}/history/2/"
                )

    def test_one_version_with_its_changes(self):
        for url in (V2, V3):
            with self.subTest(url):
                response = self.client.get(f"{url}{self.page.pk}/history/2/")
                self.assertEqual(response.status_code, 200, response.content)
                data = response.json()
                VersionWithRencontre.model_validate(data)
                changes = {change["name"]: change for change in data["changes"]}
                self.assertEqual(changes["departement"]["label"], "Département")
                self.assertEqual(changes["departement"]["before"], "")
                self.assertEqual(changes["departement"]["after"], "42 - Loire")
                self.assertIsNone(changes["departement"]["language"])
                description = changes["description"]
                self.assertEqual(description["language"], "fr")
                self.assertTrue(description["display_label"].endswith("(Français)"))
                self.assertEqual(description["after"], "Pourquoi ?\n•Partager")
                self.assertEqual(
                    description["diff"],
                    [
                        {"kind": "added", "text": "Pourquoi ?"},
                        {"kind": "added", "text": "•Partager"},
                    ],
                )

    def test_unknown_version_or_rencontre(self):
        for url in (V2, V3):
            with self.subTest(url):
                self.assertEqual(
                    self.client.get(f"{url}{self.page.pk}/history/3/").status_code, 404
                )
                self.assertEqual(self.client.get(f"{url}987654/history/").status_code, 404)

    def test_rencontre_links_to_its_history_in_each_api(self):
        v2 = self.client.get(f"{V2}{self.page.pk}/").json()["meta"]
        self.assertEqual(v2["history_url"], BASE)
        self.assertEqual(v2["history_api_url"], f"http://testserver{V2}{self.page.pk}/history/")
        v3 = self.client.get(f"{V3}{self.page.pk}/").json()["meta"]
        self.assertEqual(v3["history_api_url"], f"http://testserver{V3}{self.page.pk}/history/")
