"""The public site in English: interface strings, dates, badges, errors, language switcher."""

from rencontres.models import RencontrePage
from tests.factories import RencontrePageFactory, local_datetime
from tests.html import soup, text

from .helpers import LocalisedTestCase, translate


class EnglishInterfaceTests(LocalisedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = RencontrePageFactory(
            parent=cls.index,
            title="Atelier territorial Vallée du Gier",
            start=local_datetime(2030, 3, 14, 14, 0),
            end=local_datetime(2030, 3, 14, 17, 0),
            status="annulee",
        )
        cls.page = RencontrePage.objects.get(pk=cls.page.pk)
        cls.page.save_revision().publish()
        cls.english_page, _translation = translate(cls.page, cls.en)
        # A French page with no English translation.
        cls.untranslated = RencontrePageFactory(
            parent=cls.index,
            title="Atelier territorial Loire Sud",
            start=local_datetime(2030, 3, 20, 9, 0),
            end=local_datetime(2030, 3, 20, 12, 0),
        )

    def listing(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return soup(response)

    def test_the_english_listing_shows_english_interface_strings_and_dates(self):
        html = self.listing(self.en_index.url)
        self.assertEqual(html.html["lang"], "en")
        main = text(html.find("main"))
        # Only the English rencontre, with English badges and an English date.
        self.assertIn("EN: Atelier territorial Vallée du Gier", main)
        self.assertNotIn("Loire Sud", main)
        self.assertIn("1 meeting found", main)
        self.assertIn("Thursday 14 March 2030", main)
        for english in ("Cancelled", "In person", "Results", "Filter the meetings", "Period"):
            self.assertIn(english, main)
        for french in ("Annulée", "Présentiel", "jeudi", "mars", "Résultats", "Période"):
            self.assertNotIn(french, main)

        french = text(self.listing(self.index.url).find("main"))
        self.assertIn("jeudi 14 mars 2030", french)
        self.assertIn("Annulée", french)
        self.assertIn("2 rencontres trouvées", french)

    def test_filter_errors_are_in_english_on_the_english_listing(self):
        html = self.listing(f"{self.en_index.url}?departement=999&du=demain")
        alert = text(html.find(class_="fr-alert--error"))
        self.assertIn("Some filters could not be applied:", alert)
        self.assertIn("This département does not exist: choose one from the list.", alert)
        self.assertIn("Enter a valid date, for example 14/03/2025.", alert)

    def test_the_english_page_speaks_english(self):
        response = self.client.get(self.english_page.url)
        html = soup(response)
        self.assertEqual(html.html["lang"], "en")
        main = text(html.find("main"))
        self.assertIn("This meeting is cancelled.", main)
        self.assertIn("Thursday 14 March 2030", main)
        self.assertIn("Practical information", main)
        self.assertNotIn("Informations pratiques", main)

    def test_switcher_and_hreflang_lead_to_the_translation(self):
        for page, lang in ((self.page, "fr"), (self.english_page, "en")):
            html = soup(self.client.get(page.url))
            self.assertEqual(html.html["lang"], lang)
            switcher = {a["hreflang"]: a for a in html.select(".fr-translate__language")}
            self.assertEqual(switcher["fr"]["href"], self.page.url)
            self.assertEqual(switcher["en"]["href"], self.english_page.url)
            self.assertEqual(switcher[lang].get("aria-current"), "true")
            alternates = {
                link["hreflang"]: link["href"]
                for link in html.select('link[rel="alternate"][hreflang]')
            }
            self.assertEqual(
                alternates,
                {
                    "fr": f"http://localhost{self.page.url}",
                    "en": f"http://localhost{self.english_page.url}",
                },
            )

    def test_a_sub_route_of_a_page_has_hreflang_for_itself_only(self):
        # The history of a page is no equivalent of the other language's page.
        url = f"{self.english_page.url}changements/"
        html = soup(self.client.get(url))
        self.assertEqual(html.html["lang"], "en")
        alternates = {
            link["hreflang"]: link["href"]
            for link in html.select('link[rel="alternate"][hreflang]')
        }
        # On the Wagtail Site's address, never the request's Host.
        self.assertEqual(alternates, {"en": f"http://localhost{url}"})
        switcher = {a["hreflang"]: a["href"] for a in html.select(".fr-translate__language")}
        self.assertEqual(switcher, {"fr": self.page.url, "en": url})

    def test_switcher_leads_to_the_other_languages_home_without_a_translation(self):
        html = soup(self.client.get(self.untranslated.url))
        switcher = {a["hreflang"]: a["href"] for a in html.select(".fr-translate__language")}
        self.assertEqual(switcher, {"fr": self.untranslated.url, "en": self.en_home.url})
        alternates = [link["hreflang"] for link in html.select('link[rel="alternate"][hreflang]')]
        self.assertEqual(alternates, ["fr"])

    def test_every_page_of_the_tree_has_lang_and_hreflang(self):
        for url, lang in (
            (self.home.url, "fr"),
            (self.en_home.url, "en"),
            (self.index.url, "fr"),
            (self.en_index.url, "en"),
        ):
            html = soup(self.client.get(url))
            self.assertEqual(html.html["lang"], lang, url)
            alternates = {
                link["hreflang"] for link in html.select('link[rel="alternate"][hreflang]')
            }
            self.assertEqual(alternates, {"fr", "en"}, url)

    def test_the_404_page_is_in_english_under_en(self):
        response = self.client.get("/en/no-such-page/")
        self.assertEqual(response.status_code, 404)
        html = soup(response)
        self.assertEqual(html.html["lang"], "en")
        self.assertIn("Page not found", text(html))
