"""A list of rencontres with every field costs a fixed number of SQL queries, whatever
the number of items on the page and of rencontres in the database.

Each rencontre has an image, a description with an image block and a document block,
and two organisers: every relation a careless serializer would fetch once per item
(three sets of media, shared in turn: a per-item query would show whatever the ids).
"""

import pytest
from django.test import TestCase

from tests.api.helpers import V2, V3, count_queries, full_rencontre, organisations, site
from tests.factories import DocumentFactory, ImageFactory

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

LISTS = {
    "v2 rencontres": V2,
    "v2 pages of type RencontrePage": "/api/v2/pages/?type=rencontres.RencontrePage&fields=*",
    "v3 rencontres": V3,
}


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.organisations = organisations(3)
        cls.media = [(ImageFactory(), ImageFactory(), DocumentFactory()) for _ in range(3)]
        for n in range(26):
            cls.rencontre(n)

    @classmethod
    def rencontre(cls, n):
        return full_rencontre(
            cls.index,
            n,
            organisers=cls.organisations[n % 2 : n % 2 + 2],
            media=cls.media[n % 3],
            published=False,
        )

    def queries(self, url, limit):
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}limit={limit}"
        self.client.get(url)  # warm the caches (site root paths, search configuration)
        response, count = count_queries(lambda: self.client.get(url))
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        items = data["items"]
        self.assertEqual(len(items), limit)
        # Every relation is there, so nothing was skipped to save queries.
        for item in items:
            self.assertEqual(len(item["organisers"]), 2)
            self.assertIsNotNone(item["image"])
            types = {block["type"]: block["value"] for block in item["description"]}
            self.assertIsNotNone(types["image"]["image"]["url"])
            self.assertIsNotNone(types["document"]["document"]["url"])
            self.assertEqual(item["departement"]["region"]["code"], "84")
        return count

    def test_queries_do_not_grow_with_the_items_listed(self):
        for name, url in LISTS.items():
            with self.subTest(name):
                five, twenty_five = self.queries(url, 5), self.queries(url, 25)
                self.assertEqual(five, twenty_five)
                # The site, its root's translations, the view restrictions, the count,
                # the rencontres (département, région, locale and image joined), their
                # organisers, the images and the documents of their blocks: 8; 6 where
                # the site and the view restrictions are read once per publication
                # (rencontres.fragments' middleware, which the demo uses).
                self.assertLessEqual(twenty_five, 8)

    def test_queries_do_not_grow_with_the_rencontres_in_the_database(self):
        before = {name: self.queries(url, 5) for name, url in LISTS.items()}
        for n in range(26, 31):
            self.rencontre(n)
        after = {name: self.queries(url, 5) for name, url in LISTS.items()}
        self.assertEqual(before, after)

    def test_filtered_and_searched_lists_too(self):
        for name, url in LISTS.items():
            with self.subTest(name):
                query = "departement=42&period=upcoming&search=atelier&order=-start"
                separator = "&" if "?" in url else "?"
                self.assertEqual(
                    self.queries(f"{url}{separator}{query}", 5),
                    self.queries(f"{url}{separator}{query}", 20),
                )
