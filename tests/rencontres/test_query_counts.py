"""SQL queries of the public pages: each within its budget, none growing with the data.

Every public page a visitor or an API consumer requests (the pages of ``BUDGETS``) is
requested twice and the queries of the second request counted (caches filled, as on a
site that has been serving for a while). With 5 rencontres, each with an image, a
document block and two organisers, every page must stay within its budget; a page that
needs more fails with the list of its queries, so that the new one is easy to spot.
Then with 60 rencontres, every page must run exactly as many queries as with 5.

The budgets are the counts measured when the budget was set: an optimisation that saves
queries lowers its page's budget in the same commit, so that they cannot come back.
"""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from tests.factories import build_footer_pages

from .public import card_titles, organisation, rich_rencontre, site

#: The most SQL queries each public page may run once caches are filled (see module doc).
BUDGETS = {
    "home page": 21,
    "content page": 13,
    "listing": 22,
    "listing, last page": 22,
    "listing, filtered": 24,
    "listing, searched": 22,
    "listing agenda.ics": 12,
    "listing RSS": 10,
    "listing Atom": 10,
    "open data CSV": 17,
    "open data JSON": 17,
    "rencontre page": 25,
    "rencontre agenda.ics": 12,
    # The publication log, read cold: the versions (and a version's changes); the
    # page's language comes from its events, not from one more query.
    "history": 18,
    "history version": 19,
    "history feed": 12,
    "API v2 list": 7,
    "API v2 detail": 8,
    "API v3 list": 7,
    "API v3 detail": 6,
    "robots.txt": 2,
    "sitemap.xml": 12,
}


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.footer = build_footer_pages(cls.home)
        cls.organisations = [organisation("Kaléido’Scop"), organisation("Centre social")]
        cls.pages = [
            rich_rencontre(cls.index, n, organisations=cls.organisations) for n in range(5)
        ]

    def public_pages(self):
        """``{name: url}`` of every public page, as ``BUDGETS`` names them."""
        listing, detail, pk = self.index.url, self.pages[0].url, self.pages[0].pk
        organiser = self.organisations[0].pk
        return {
            "home page": self.home.url,
            "content page": self.footer[next(iter(self.footer))].url,
            "listing": listing,
            "listing, last page": f"{listing}?page=999",
            "listing, filtered": (
                f"{listing}?departement=42&format=presentiel&organisateur={organiser}"
            ),
            "listing, searched": f"{listing}?q=atelier&periode=toutes",
            "listing agenda.ics": f"{listing}agenda.ics",
            "listing RSS": f"{listing}flux/",
            "listing Atom": f"{listing}flux/atom/",
            "open data CSV": f"{listing}donnees.csv",
            "open data JSON": f"{listing}donnees.json",
            "rencontre page": detail,
            "rencontre agenda.ics": f"{detail}agenda.ics",
            "history": f"{detail}changements/",
            "history version": f"{detail}changements/1/",
            "history feed": f"{detail}changements/feed/",
            "API v2 list": "/api/v2/rencontres/",
            "API v2 detail": f"/api/v2/rencontres/{pk}/",
            "API v3 list": "/api/v3/rencontres/",
            "API v3 detail": f"/api/v3/rencontres/{pk}/",
            "robots.txt": "/robots.txt",
            "sitemap.xml": "/sitemap.xml",
        }

    def queries(self, url):
        """The SQL of the second of two requests of ``url`` (the first one fills caches
        and generates renditions)."""
        self.client.get(url)
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        self.assertEqual(response.status_code, 200, url)
        return [query["sql"] for query in context.captured_queries]

    def test_every_public_page_has_a_budget(self):
        self.assertEqual(set(self.public_pages()), set(BUDGETS))

    def test_public_pages_stay_within_their_query_budget(self):
        pages = self.public_pages()
        found = {name: self.queries(url) for name, url in pages.items()}
        over = {name: sql for name, sql in found.items() if len(sql) > BUDGETS[name]}
        report = [
            f"{name}: {len(sql)} queries (budget {BUDGETS[name]}) {pages[name]}"
            for name, sql in found.items()
        ]
        for name, sql in over.items():
            report.append(f"\n{name} ({pages[name]}), {len(sql)} queries:")
            report.extend(f"  {n}. {query[:300]}" for n, query in enumerate(sql, 1))
        if over:
            self.fail("pages over their query budget:\n" + "\n".join(report))

    def test_queries_do_not_grow_with_the_number_of_rencontres(self):
        pages = self.public_pages()
        few = {name: len(self.queries(url)) for name, url in pages.items()}
        self.assertEqual(len(card_titles(self.client.get(self.index.url))), 5)

        for n in range(5, 60):
            rich_rencontre(self.index, n, organisations=self.organisations, revision=False)
        many = {name: len(self.queries(url)) for name, url in pages.items()}
        self.assertEqual(len(card_titles(self.client.get(self.index.url))), 12)

        self.assertEqual(many, few)
