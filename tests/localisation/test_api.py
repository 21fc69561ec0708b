"""The API knows the languages: ``?locale=`` and ``?translation_of=`` on /api/v2/pages/."""

from rencontres.models import RencontrePage
from tests.factories import RencontrePageFactory

from .helpers import LocalisedTestCase, translate

PAGES = "/api/v2/pages/"
RENCONTRES = {"type": "rencontres.RencontrePage"}


class LocaleFiltersTests(LocalisedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pages = []
        for title in ("Atelier territorial Loire", "Atelier territorial Rhône"):
            page = RencontrePageFactory(parent=cls.index, title=title)
            cls.pages.append(RencontrePage.objects.get(pk=page.pk))
        cls.english, _translation = translate(cls.pages[0], cls.en)
        # A draft translation never shows.
        cls.draft, _translation = translate(cls.pages[1], cls.en, publish=False)

    def get(self, **params):
        response = self.client.get(PAGES, {**RENCONTRES, **params})
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_locale_en_lists_the_published_english_rencontres(self):
        data = self.get(locale="en", fields="title")
        self.assertEqual([item["id"] for item in data["items"]], [self.english.pk])
        self.assertEqual(data["items"][0]["title"], "EN: Atelier territorial Loire")
        self.assertEqual(data["items"][0]["meta"]["locale"], "en")

    def test_locale_fr_lists_the_french_ones(self):
        data = self.get(locale="fr")
        self.assertEqual([item["id"] for item in data["items"]], [p.pk for p in self.pages])
        self.assertEqual({item["meta"]["locale"] for item in data["items"]}, {"fr"})

    def test_translation_of_gives_the_translations_of_a_page(self):
        data = self.get(translation_of=self.pages[0].pk)
        self.assertEqual([item["id"] for item in data["items"]], [self.english.pk])

        data = self.get(translation_of=self.pages[0].pk, locale="en")
        self.assertEqual([item["id"] for item in data["items"]], [self.english.pk])

        data = self.get(translation_of=self.english.pk, locale="fr")
        self.assertEqual([item["id"] for item in data["items"]], [self.pages[0].pk])

        # Its only translation is a draft: nothing.
        self.assertEqual(self.get(translation_of=self.pages[1].pk)["items"], [])

    def test_an_unknown_locale_is_a_clear_400(self):
        response = self.client.get(PAGES, {**RENCONTRES, "locale": "xx"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("xx", response.json()["message"])

    def test_the_detail_of_the_english_page(self):
        response = self.client.get(f"{PAGES}{self.english.pk}/")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["meta"]["locale"], "en")
        self.assertEqual(data["title"], "EN: Atelier territorial Loire")
        self.assertEqual(self.client.get(f"{PAGES}{self.draft.pk}/").status_code, 404)
