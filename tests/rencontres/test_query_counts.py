"""SQL queries of the public pages: each within its budget, none growing with the data.

Every public page a visitor or an API consumer requests (the pages of ``BUDGETS``) is
requested twice and the queries of the second request counted (caches filled, as on a
site that has been serving for a while). With 5 rencontres, each with an image, a
document block and two organisers, every page must stay within its budget; a page that
needs more fails with the list of its queries, so that the new one is easy to spot.
Then with 60 rencontres, every page must run exactly as many queries as with 5.

The budgets are the counts measured when the budget was set: an optimisation that saves
queries lowers its page's budget in the same commit, so that they cannot come back.
What every page repeats (site, DSFR configuration, navigation, language links,
breadcrumb, private sections, reference data), the route from a path to its page and the
view restrictions that may apply to it are read once per publication generation
(:mod:`rencontres.fragments`): the second request finds them in memory.
"""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from rencontres import fragments
from tests.factories import build_footer_pages

from .public import card_titles, organisation, rich_rencontre, site

#: The most SQL queries each public page may run once caches are filled (see module doc).
BUDGETS = {
    "home page": 8,
    "content page": 1,
    # The listing's and a rencontre's parts are kept as HTML until the next publication
    # (rencontres.fragments.memo_html), and the page itself (rencontres.fragments
    # .route_for_request): nothing read but what a first request may still create.
    # Rendered, they stay within UNMEMOISED_BUDGETS.
    "listing": 1,
    "listing, last page": 0,
    "listing, filtered": 0,
    "listing, searched": 0,
    # Feeds, calendars and open data: their bodies kept with their ETag, their page
    # and route found as the page's own address is (rencontres.public.urls), the
    # publication log's last event (their Last-Modified) kept until the next one.
    "listing agenda.ics": 0,
    "listing RSS": 0,
    "listing Atom": 0,
    "open data CSV": 0,
    "open data JSON": 0,
    "rencontre page": 1,
    "rencontre agenda.ics": 3,
    # The publication log, read cold: the versions (and a version's changes); the
    # page's language comes from its events, not from one more query.
    "history": 3,
    "history version": 4,
    "history feed": 3,
    # Representations, a list's ids and count kept until the next publication: only
    # the queries checking the parameters (UNMEMOISED_BUDGETS otherwise).
    "API v2 list": 1,
    "API v2 detail": 0,
    # Whole answers kept until the next publication (rencontres.api.http.kept_answers).
    "API v3 list": 0,
    "API v3 detail": 0,
    # The Wagtail Site whose address the Sitemap line names (never the Host header),
    # memoised until the next change.
    "robots.txt": 0,
    # The hreflang alternates: every published page's language in one more read.
    "sitemap.xml": 10,
}

#: The same pages rendered (their HTML parts not found: the first request after a
#: publication, or RENCONTRES_FRAGMENT_CACHE_BYTES = 0).
UNMEMOISED_BUDGETS = {
    "listing": 8,
    "listing, last page": 8,
    "listing, filtered": 10,
    "listing, searched": 8,
    "rencontre page": 5,
    # The page's ids and count, then the rencontres (one more than a single read of
    # the rencontres, which a list found in memory saves).
    "API v2 list": 6,
    "API v2 detail": 6,
    "API v3 list": 5,
    "API v3 detail": 4,
}


def forget_parts():
    """Forget the pages' HTML parts and the API's representations, nothing else."""
    with fragments._lock:
        fragments._html.clear()
        fragments._html_bytes = 0
        for key in [key for key in fragments._fragments if key and key[0] == "api-v2"]:
            del fragments._fragments[key]


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

    def queries(self, url, forget=False):
        """The SQL of the second of two requests of ``url`` (the first one fills caches
        and generates renditions); with ``forget``, its parts rendered again."""
        self.client.get(url)
        if forget:
            forget_parts()
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

    def test_rendered_pages_stay_within_their_query_budget(self):
        pages = self.public_pages()
        found = {name: self.queries(pages[name], forget=True) for name in UNMEMOISED_BUDGETS}
        over = {name: sql for name, sql in found.items() if len(sql) > UNMEMOISED_BUDGETS[name]}
        report = []
        for name, sql in over.items():
            report.append(f"\n{name} ({pages[name]}), {len(sql)} queries:")
            report.extend(f"  {n}. {query[:300]}" for n, query in enumerate(sql, 1))
        if over:
            self.fail("pages over their query budget:\n" + "\n".join(report))

    def test_queries_do_not_grow_with_the_number_of_rencontres(self):
        pages = self.public_pages()
        few = {name: len(self.queries(url, forget=True)) for name, url in pages.items()}
        self.assertEqual(len(card_titles(self.client.get(self.index.url))), 5)

        for n in range(5, 60):
            rich_rencontre(self.index, n, organisations=self.organisations, revision=False)
        many = {name: len(self.queries(url, forget=True)) for name, url in pages.items()}
        self.assertEqual(len(card_titles(self.client.get(self.index.url))), 12)

        self.assertEqual(many, few)
