"""The home page sections provided by rencontres: next rencontres, counts per area."""

from django.test import TestCase

from .public import (
    card_titles,
    count_text,
    in_days,
    make_private,
    online_rencontre,
    rencontre,
    site,
    soup,
    text,
)


class HomeSectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        r, i = rencontre, cls.index
        r(i, title="Atelier de Rive-de-Gier", start=in_days(5, 14))
        r(i, title="Atelier de Firminy", start=in_days(2, 14))
        r(i, title="Atelier de Vaulx-en-Velin", departement_code="69", start=in_days(9, 14))
        r(i, title="Atelier Nord Est de Paris", departement_code="75", start=in_days(7, 14))
        r(i, title="Atelier de Nouméa", departement_code="988", start=in_days(20, 8))
        online_rencontre(i, online_url="https://visio.example.org/", start=in_days(1, 18))
        r(i, title="Atelier passé", departement_code="13", start=in_days(-3, 14))
        private = r(i, title="Atelier réservé", departement_code="13", start=in_days(1, 9))
        make_private(private)
        draft = r(i, title="Atelier en préparation", departement_code="13", start=in_days(1, 8))
        draft.unpublish()

    def home_page(self):
        response = self.client.get(self.home.url)
        self.assertEqual(response.status_code, 200)
        return soup(response)

    def test_next_upcoming_rencontres(self):
        section = self.home_page().select_one(".rencontres-a-venir")
        self.assertEqual(text(section.find("h2")), "Les prochaines rencontres")
        titles = [text(h) for h in section.select(".fr-card__title")]
        self.assertEqual(
            titles, ["Point d’étape en ligne", "Atelier de Firminy", "Atelier de Rive-de-Gier"]
        )
        self.assertEqual(section.select(".fr-card__title")[0].name, "h3")
        more = section.find("a", string="Voir toutes les rencontres")
        self.assertEqual(more["href"], self.index.url)

    def test_overview_per_region_and_departement(self):
        section = self.home_page().select_one(".rencontres-par-territoire")
        self.assertEqual(text(section.find("h2")), "Les rencontres près de chez vous")
        regions = [text(p) for p in section.select(":scope > ul > li > p")]
        self.assertEqual(
            regions,
            [
                "Auvergne-Rhône-Alpes – 3 rencontres",
                "Île-de-France – 1 rencontre",
                "Collectivités d’outre-mer",
            ],
        )
        links = {text(a): a["href"] for a in section.find_all("a")}
        self.assertEqual(links["Auvergne-Rhône-Alpes"], f"{self.index.url}?region=84")
        self.assertEqual(links["42 - Loire"], f"{self.index.url}?departement=42")
        self.assertEqual(links["988 - Nouvelle-Calédonie"], f"{self.index.url}?departement=988")
        self.assertNotIn("13 - Bouches-du-Rhône", links)  # past, private and draft only
        items = [text(li) for li in section.select("li li")]
        self.assertIn("42 - Loire (2 rencontres)", items)
        self.assertIn("69 - Rhône (1 rencontre)", items)

    def test_links_lead_to_the_listing_pre_filtered(self):
        section = self.home_page().select_one(".rencontres-par-territoire")
        response = self.client.get(section.find("a", string="Auvergne-Rhône-Alpes")["href"])
        self.assertEqual(count_text(response), "3 rencontres trouvées")
        response = self.client.get(section.find("a", string="42 - Loire")["href"])
        self.assertEqual(card_titles(response), ["Atelier de Firminy", "Atelier de Rive-de-Gier"])

    def test_empty_site(self):
        from rencontres.models import RencontrePage

        RencontrePage.objects.all().delete()
        html = self.home_page()
        self.assertIn(
            "Aucune rencontre n’est prévue pour le moment.",
            text(html.select_one(".rencontres-a-venir")),
        )
        self.assertIsNone(html.select_one(".rencontres-par-territoire"))
