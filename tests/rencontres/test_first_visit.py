"""What a first-time visitor trips over: a search that only looks at upcoming rencontres,
and « Prévue » beside « Passée » on a past one."""

from django.test import TestCase

from tests.html import soup, text

from .public import card_titles, gier_rencontre, in_days, rencontre, site


def badges(response, selector):
    return [text(badge) for badge in soup(response).select(f"{selector} .fr-badge")]


class SearchFindsPastRencontresTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = site()
        cls.url = cls.index.url
        # The seed: a 2023 workshop, long past, still « prévue » as Decidim left it.
        cls.seed = gier_rencontre(cls.index, start=in_days(-900, 14), status="prevue")
        rencontre(cls.index, title="Atelier de Firminy", start=in_days(6, 14))

    def test_a_search_of_upcoming_rencontres_says_how_many_past_ones_match(self):
        # What the listing's form sends: the period select is « À venir » by default.
        response = self.client.get(self.url, {"q": "Vallée du Gier", "periode": "a-venir"})
        self.assertEqual(card_titles(response), [])
        page = soup(response)
        self.assertEqual(text(page.find(id="rencontres-total")), "Aucune rencontre trouvée")
        link = page.select_one(".rencontres-past-matches a")
        self.assertEqual(text(link), "1 rencontre passée correspond aussi à « Vallée du Gier »")
        past = self.client.get(link["href"])
        self.assertEqual(card_titles(past), ["Atelier territorial Vallée du Gier"])

    def test_no_offer_without_a_search_or_when_nothing_past_matches(self):
        for params in ({}, {"q": "Firminy"}, {"q": "Vallée", "periode": "passees"}):
            response = self.client.get(self.url, params)
            self.assertIsNone(soup(response).select_one(".rencontres-past-matches"), params)

    def test_a_past_rencontre_never_says_prevue_beside_passee(self):
        listing = self.client.get(self.url, {"periode": "passees"})
        self.assertEqual(badges(listing, ".rencontre-list"), ["Présentiel", "Passée"])
        page = self.client.get(self.seed.url)
        self.assertNotIn("Prévue", badges(page, "main"))
        self.assertIn("Passée", badges(page, "main"))

    def test_an_upcoming_rencontre_keeps_its_status(self):
        listing = self.client.get(self.url)
        self.assertEqual(badges(listing, ".rencontre-list"), ["Prévue", "Présentiel"])
