"""Staff translate in wagtail-localize: its models, editor, PO files, machine translation."""

import polib
from django.contrib.admin.utils import quote
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Page
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from rencontres.models import Organisation, RencontrePage
from tests.factories import OrganisationFactory, RencontrePageFactory, local_datetime, superuser
from tests.html import soup, text

from .helpers import LocalisedTestCase, english

FRENCH_TO_ENGLISH = {
    "Atelier territorial Vallée du Gier": "Vallée du Gier territorial workshop",
    "atelier-territorial-vallee-du-gier": "vallee-du-gier-territorial-workshop",
    "Pourquoi ?": "Why?",
    "Trois objectifs pour cet atelier :": "Three objectives for this workshop:",
    "Partager des éléments de diagnostic": "Share diagnostic findings",
    "Collecter des avis et des préconisations": "Gather opinions and recommendations",
    "Pour et avec qui ?": "For and with whom?",
    "Habitants et associations d’habitants": "Residents and residents’ associations",
    "Comment ?": "How?",
    "Atelier de 3h environ (pauses comprises)": "A workshop of about 3 hours (breaks included)",
    "Méthodologies créatives et participatives": "Creative and participatory methods",
    "Déroulé": "Programme",
    "Accueil des participants": "Welcome of the participants",
    "Salle Aristide Briand": "Aristide Briand hall",
    "Tram T1, arrêt Hôtel de Ville ; salle accessible en fauteuil roulant.": (
        "Tram T1, Hôtel de Ville stop; the hall is wheelchair accessible."
    ),
}


def description():
    return [
        (
            "pourquoi",
            {
                "heading": "Pourquoi ?",
                "introduction": "Trois objectifs pour cet atelier :",
                "items": [
                    "Partager des éléments de diagnostic",
                    "Collecter des avis et des préconisations",
                ],
            },
        ),
        (
            "pour_qui",
            {
                "heading": "Pour et avec qui ?",
                "introduction": "",
                "items": ["Habitants et associations d’habitants"],
            },
        ),
        (
            "comment",
            {
                "heading": "Comment ?",
                "introduction": "",
                "items": [
                    "Atelier de 3h environ (pauses comprises)",
                    "Méthodologies créatives et participatives",
                ],
            },
        ),
        (
            "section",
            {"heading": "Déroulé", "introduction": "", "items": ["Accueil des participants"]},
        ),
    ]


def make_rencontre(index, **fields):
    page = RencontrePageFactory(
        parent=index,
        title="Atelier territorial Vallée du Gier",
        slug="atelier-territorial-vallee-du-gier",
        start=local_datetime(2030, 3, 14, 14, 0),
        end=local_datetime(2030, 3, 14, 17, 0),
        venue="Salle Aristide Briand",
        access_notes="Tram T1, arrêt Hôtel de Ville ; salle accessible en fauteuil roulant.",
        description=description(),
        **fields,
    )
    page = RencontrePage.objects.get(pk=page.pk)
    page.save_revision().publish()
    return RencontrePage.objects.get(pk=page.pk)


class FullTranslationFlowTests(LocalisedTestCase):
    """Create the translation, translate every segment, publish, read it in English."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = make_rencontre(cls.index)

    def test_translate_every_segment_publish_and_render_in_english(self):
        source, created = TranslationSource.get_or_create_from_instance(self.page)
        self.assertTrue(created)
        translation = Translation.objects.create(source=source, target_locale=self.en)
        translation.save_target(publish=False)
        english_page = RencontrePage.objects.get(
            translation_key=self.page.translation_key, locale=self.en
        )
        self.assertFalse(english_page.live)  # a draft until the translator publishes

        segments = list(source.stringsegment_set.select_related("string", "context"))
        # Every text of the page is a segment: title, slug, venue, access notes, each
        # section's heading, introduction and every item.
        self.assertCountEqual([s.string.data for s in segments], list(FRENCH_TO_ENGLISH))
        self.assertEqual(translation.get_progress(), (len(segments), 0))

        for segment in segments:
            StringTranslation.objects.create(
                translation_of=segment.string,
                locale=self.en,
                context=segment.context,
                data=FRENCH_TO_ENGLISH[segment.string.data],
                translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
            )
        self.assertEqual(translation.get_progress(), (len(segments), len(segments)))

        with self.captureOnCommitCallbacks(execute=True):
            translation.save_target(publish=True)

        english_page = RencontrePage.objects.get(pk=english_page.pk)
        self.assertTrue(english_page.live)
        self.assertEqual(english_page.url, "/en/meetings/vallee-du-gier-territorial-workshop/")
        # Synchronised fields come from the source.
        self.assertEqual(english_page.start, self.page.start)
        self.assertEqual(english_page.departement_id, self.page.departement_id)

        response = self.client.get(english_page.url)
        self.assertEqual(response.status_code, 200)
        html = soup(response)
        self.assertEqual(html.html["lang"], "en")
        self.assertEqual(text(html.find("h1")), "Vallée du Gier territorial workshop")
        main = text(html.find("main"))
        for french, english_text in FRENCH_TO_ENGLISH.items():
            if french.startswith("atelier-"):
                continue
            self.assertIn(english_text, main)
            if french != english_text:
                self.assertNotIn(french, main)
        # The interface is in English too, dates included.
        self.assertIn("Thursday 14 March 2030", main)
        self.assertNotIn("jeudi", main)
        self.assertIn("Practical information", main)

        # The French page is unchanged.
        response = self.client.get(self.page.url)
        self.assertIn("Atelier territorial Vallée du Gier", text(soup(response).find("h1")))
        self.assertEqual(soup(response).html["lang"], "fr")


class AdminTranslateTests(LocalisedTestCase):
    """« Traduire » in the admin for a rencontre, the index, the home page, an organisation."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.user = superuser()
        cls.page = make_rencontre(cls.index)
        cls.organisation = OrganisationFactory(name="Kaléido’Scop")
        # The French home and index get a second, untranslated language to translate into.
        cls.german = english().__class__.objects.create(language_code="de")

    def setUp(self):
        self.client.force_login(self.user)

    def assert_translate_page(self, page, locale):
        edit = self.client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        self.assertEqual(edit.status_code, 200)
        url = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
        link = soup(edit).find("a", href=url)
        self.assertIsNotNone(link, "no « Traduire cette page » in the page's header menu")
        self.assertIn("Traduire cette page", text(link))

        form = self.client.get(url)
        self.assertEqual(form.status_code, 200)
        self.assertIn("Traduire", text(soup(form).find("h1") or soup(form)))

        response = self.client.post(url, {"locales": [locale.pk]})
        self.assertEqual(response.status_code, 302)
        translated = page.get_translation(locale)
        source = TranslationSource.objects.get(object_id=page.translation_key, locale=page.locale)
        self.assertTrue(
            Translation.objects.filter(source=source, target_locale=locale, enabled=True).exists()
        )
        # A draft: it goes live when its translator publishes it.
        self.assertFalse(translated.live)
        # Its edit view is wagtail-localize's translation editor.
        editor = self.client.get(reverse("wagtailadmin_pages:edit", args=[translated.pk]))
        self.assertEqual(editor.status_code, 200)
        self.assertTemplateUsed(editor, "wagtail_localize/admin/edit_translation.html")
        return translated

    def test_translate_the_home_page_the_index_and_a_rencontre(self):
        german_home = self.assert_translate_page(self.home, self.german)
        german_index = self.assert_translate_page(self.index, self.german)
        german_page = self.assert_translate_page(self.page, self.german)
        self.assertEqual(german_index.get_parent().pk, german_home.pk)
        self.assertEqual(german_page.get_parent().pk, german_index.pk)

    def test_translate_an_organisation(self):
        listing = self.client.get(reverse("wagtailsnippets_rencontres_organisation:list"))
        self.assertEqual(listing.status_code, 200)
        url = reverse(
            "wagtail_localize:submit_snippet_translation",
            args=["rencontres", "organisation", quote(self.organisation.pk)],
        )
        self.assertIn(url, listing.content.decode())

        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"locales": [self.en.pk]})
        self.assertEqual(response.status_code, 302)

        translated = Organisation.objects.get(
            translation_key=self.organisation.translation_key, locale=self.en
        )
        self.assertEqual(translated.name, "Kaléido’Scop")  # synchronised
        self.assertTrue(
            Translation.objects.filter(
                source__object_id=self.organisation.translation_key, target_locale=self.en
            ).exists()
        )
        editor = self.client.get(
            reverse("wagtailsnippets_rencontres_organisation:edit", args=[translated.pk])
        )
        self.assertEqual(editor.status_code, 200)
        self.assertTemplateUsed(editor, "wagtail_localize/admin/edit_translation.html")


class POFileAndMachineTranslationTests(LocalisedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.user = superuser()
        cls.page = make_rencontre(cls.index)
        cls.source, _created = TranslationSource.get_or_create_from_instance(cls.page)
        cls.translation = Translation.objects.create(source=cls.source, target_locale=cls.en)
        cls.translation.save_target(publish=False)

    def setUp(self):
        self.client.force_login(self.user)

    def download(self):
        response = self.client.get(
            reverse("wagtail_localize:download_pofile", args=[self.translation.pk])
        )
        self.assertEqual(response.status_code, 200)
        return polib.pofile(response.content.decode())

    def test_po_export_then_import_round_trips(self):
        po = self.download()
        self.assertCountEqual([entry.msgid for entry in po], list(FRENCH_TO_ENGLISH))
        self.assertTrue(all(entry.msgstr == "" for entry in po))

        # A translator fills it in a PO editor…
        for entry in po:
            entry.msgstr = FRENCH_TO_ENGLISH[entry.msgid]
        upload = SimpleUploadedFile("traduction.po", str(po).encode(), "text/x-gettext-translation")
        response = self.client.post(
            reverse("wagtail_localize:upload_pofile", args=[self.translation.pk]),
            {"file": upload, "next": "/admin/"},
        )
        self.assertEqual(response.status_code, 302)

        # …and the next export gives back exactly what was imported.
        again = self.download()
        self.assertEqual(
            {(e.msgctxt, e.msgid): e.msgstr for e in again},
            {(e.msgctxt, e.msgid): e.msgstr for e in po},
        )
        self.assertEqual(self.translation.get_progress(), (len(po), len(po)))

        with self.captureOnCommitCallbacks(execute=True):
            Translation.objects.get(pk=self.translation.pk).save_target(publish=True)
        english_page = Page.objects.get(translation_key=self.page.translation_key, locale=self.en)
        response = self.client.get(english_page.url)
        self.assertIn("Vallée du Gier territorial workshop", text(soup(response).find("h1")))

    def test_a_po_file_of_another_translation_is_refused(self):
        po = self.download()
        po.metadata["X-WagtailLocalize-TranslationID"] = "00000000-0000-0000-0000-000000000000"
        for entry in po:
            entry.msgstr = "wrong"
        upload = SimpleUploadedFile("autre.po", str(po).encode())
        self.client.post(
            reverse("wagtail_localize:upload_pofile", args=[self.translation.pk]),
            {"file": upload},
        )
        self.assertFalse(StringTranslation.objects.filter(locale=self.en, data="wrong").exists())

    def test_machine_translation_with_the_configured_backend(self):
        english_page = Page.objects.get(translation_key=self.page.translation_key, locale=self.en)
        edit_url = reverse("wagtailadmin_pages:edit", args=[english_page.pk])
        response = self.client.post(
            reverse("wagtail_localize:machine_translate", args=[self.translation.pk]),
            {"next": edit_url},
        )
        self.assertRedirects(response, edit_url, fetch_redirect_response=False)

        translated = {
            t.translation_of.data: t
            for t in StringTranslation.objects.filter(
                locale=self.en, context__object_id=self.page.translation_key
            ).select_related("translation_of")
        }
        self.assertEqual(len(translated), len(FRENCH_TO_ENGLISH))
        # The development backend, wagtail-localize's dummy translator, reverses the words.
        self.assertEqual(translated["Pourquoi ?"].data, "? Pourquoi")
        self.assertEqual(translated["Pourquoi ?"].translation_type, "machine")
        self.assertEqual(translated["Pourquoi ?"].tool_name, "Traducteur factice")  # in French
        self.assertEqual(self.translation.get_progress(), (len(translated), len(translated)))
