"""SQL queries of the public pages do not grow with the number of rencontres.

Measured with 5 rencontres, then with 60, each with an image, a document block and
two organisers: the listing (5 then 12 cards), its filtered and searched variants, a
detail page, the calendars, the feed and the home page run the same number of queries.
"""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from .public import card_titles, organisation, rich_rencontre, site


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.organisations = [organisation("Kaléido’Scop"), organisation("Centre social")]
        cls.pages = [
            rich_rencontre(cls.index, n, organisations=cls.organisations) for n in range(5)
        ]

    def queries(self, url):
        self.client.get(url)  # renditions are generated once, on the first view
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(context.captured_queries)

    def test_queries_do_not_grow_with_the_number_of_rencontres(self):
        detail = self.pages[0].url
        listing = self.index.url
        urls = [
            listing,
            f"{listing}?departement=42&format=presentiel&organisateur={self.organisations[0].pk}",
            f"{listing}?q=atelier&periode=toutes",
            detail,
            f"{detail}agenda.ics",
            f"{listing}agenda.ics",
            f"{listing}flux/",
            self.home.url,
        ]
        few = {url: self.queries(url) for url in urls}
        self.assertEqual(len(card_titles(self.client.get(listing))), 5)

        for n in range(5, 60):
            rich_rencontre(self.index, n, organisations=self.organisations, revision=False)
        many = {url: self.queries(url) for url in urls}
        self.assertEqual(len(card_titles(self.client.get(listing))), 12)

        self.assertEqual(many, few)
        # And stay small in absolute terms.
        for url, count in many.items():
            self.assertLessEqual(count, 30, url)
        print("queries with 5 and 60 rencontres:", few)
