"""The demo's English content, made through wagtail-localize (``manage.py load_demo``)."""

from django.test import TestCase
from wagtail.models import Page, PageLogEntry, Revision
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from home.demo import seed
from home.demo.translations import TRANSLATED
from home.models import HomePage
from rencontres.models import Organisation, RencontreIndexPage, RencontrePage
from tests.factories import load_demo
from tests.html import soup, text


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Page, Revision, TranslationSource, Translation, StringTranslation)
    }


class DemoTranslationsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Inside the test's transaction, like any caller's: the loader publishes each
        # translation at once rather than on commit.
        cls.output = load_demo()
        cls.french_seed = RencontrePage.objects.get(title=seed.TITLE)
        cls.english_seed = RencontrePage.objects.get(
            translation_key=cls.french_seed.translation_key, locale__language_code="en"
        )

    def managed(self, page):
        """The wagtail-localize Translation of ``page``'s French source into English."""
        return Translation.objects.get(
            source__object_id=page.translation_key,
            source__locale__language_code="fr",
            target_locale__language_code="en",
        )

    def test_the_seed_in_english_has_its_own_two_published_versions(self):
        english = self.english_seed
        self.assertTrue(english.live)
        self.assertEqual(english.title, "Vallée du Gier territorial workshop")
        self.assertEqual(english.url, "/en/local-meetings/vallee-du-gier-territorial-workshop/")
        entries = list(
            PageLogEntry.objects.filter(page=english, action="wagtail.publish")
            .select_related("revision")
            .order_by("timestamp", "pk")
        )
        self.assertEqual(len(entries), 2)
        self.assertEqual(entries[-1].revision_id, english.live_revision_id)
        published = [entry.revision.as_object() for entry in entries]
        first, second = published
        # Like the French page: first without département nor description…
        self.assertIsNone(first.departement_id)
        self.assertEqual(len(first.description), 0)
        self.assertEqual(first.title, "Vallée du Gier territorial workshop")
        self.assertEqual(first.venue, "Salle Aristide Briand")
        # …then with the département and the three sections, in English.
        self.assertEqual(second.departement.code, "42")
        self.assertEqual(
            [block.value["heading"] for block in second.description],
            ["Why?", "For and with whom?", "How?"],
        )
        self.assertEqual(
            second.description[0].value["items"][1],
            "Gather opinions and recommendations for the future city contract",
        )
        self.assertEqual(
            english.live_revision_id,
            published[1].latest_revision_id or None or english.live_revision_id,
        )

    def test_the_seed_translation_is_wagtail_localize_s_and_complete(self):
        translation = self.managed(self.french_seed)
        total, translated = translation.get_progress()
        self.assertEqual(total, translated)
        self.assertGreater(total, 10)

    def test_the_listing_home_and_organisations_are_translated_through_wagtail_localize(self):
        home = HomePage.objects.get(locale__language_code="fr")
        index = RencontreIndexPage.objects.get(locale__language_code="fr")
        for page in (home, index):
            translation = self.managed(page)
            self.assertEqual(len(set(translation.get_progress())), 1, page)
            self.assertTrue(translation.get_target_instance().live)
        self.assertEqual(index.get_translation(self.english_seed.locale).title, "Local meetings")
        # The English home keeps the English text it was written with.
        english_home = home.get_translation(self.english_seed.locale)
        self.assertEqual(english_home.title, "Building Quartiers 2030 together")

        for organisation in Organisation.objects.filter(locale__language_code="fr"):
            english = organisation.get_translation(self.english_seed.locale)
            self.assertEqual(english.name, organisation.name)
            self.assertNotEqual(english.description, organisation.description)
            self.managed(organisation)

    def test_the_english_listing_shows_the_translated_rencontres(self):
        response = self.client.get("/en/local-meetings/?periode=toutes")
        self.assertEqual(response.status_code, 200)
        html = soup(response)
        titles = [text(h) for h in html.select(".fr-card__title")]
        self.assertIn("Vallée du Gier territorial workshop", titles)
        self.assertEqual(len(titles), len(TRANSLATED))
        response = self.client.get(self.english_seed.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("For and with whom?", text(soup(response).find("main")))

    def test_a_second_run_creates_nothing(self):
        before = counts()
        output = load_demo()
        self.assertEqual(counts(), before)
        self.assertIn("Traductions (wagtail-localize) : 0 créée(s)", output)
