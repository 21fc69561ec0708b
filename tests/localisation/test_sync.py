"""Synchronised fields cannot drift: publishing the French page pushes them to English."""

from django.test import override_settings
from django.urls import reverse
from wagtail.models import PageLogEntry
from wagtail_localize.models import Translation

from rencontres.models import Organisation, RencontreOrganisation, RencontrePage
from tests.factories import (
    OrganisationFactory,
    RencontrePageFactory,
    departement,
    local_datetime,
    publish,
    rencontre_form_data,
    superuser,
)
from tests.html import soup, text

from .helpers import LocalisedTestCase, translate


class AdminPublicationTests(LocalisedTestCase):
    """An editor cancels the French rencontre in the admin: the English page says so."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor = superuser()

    def test_publishing_in_the_admin_pushes_the_status(self):
        self.client.force_login(self.editor)
        add = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", self.index.pk])
        response = self.client.post(add, {**rencontre_form_data(), "action-publish": "publish"})
        self.assertEqual(response.status_code, 302)
        french = RencontrePage.objects.get(slug="atelier-territorial-saint-etienne-montreynaud")
        english, _translation = translate(french, self.en)
        self.assertEqual(english.status, "prevue")

        edit = reverse("wagtailadmin_pages:edit", args=[french.pk])
        data = {**rencontre_form_data(status="annulee"), "action-publish": "publish"}
        # The push runs once the publication is committed (here: at the end of the block).
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(edit, data)
        self.assertEqual(response.status_code, 302)

        english = RencontrePage.objects.get(pk=english.pk)
        self.assertEqual(english.status, "annulee")
        self.assertEqual(english.live_revision.user, self.editor)
        self.assertEqual(english.start, RencontrePage.objects.get(pk=french.pk).start)
        response = self.client.get(english.url)
        self.assertIn("This meeting is cancelled.", text(soup(response).find("main")))


class SynchronisedFieldsTests(LocalisedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor = superuser()
        cls.kaleido = OrganisationFactory(name="Kaléido’Scop")
        cls.centre = OrganisationFactory(name="Centre social Les Trois Quartiers")
        cls.page = RencontrePageFactory(
            parent=cls.index,
            title="Atelier territorial Vallée du Gier",
            slug="atelier-territorial-vallee-du-gier",
            start=local_datetime(2030, 3, 14, 14, 0),
            end=local_datetime(2030, 3, 14, 17, 0),
            organisers=[cls.kaleido],
        )
        cls.page = publish(RencontrePage.objects.get(pk=cls.page.pk))
        cls.english, cls.translation = translate(cls.page, cls.en)

    def french(self):
        return RencontrePage.objects.get(pk=self.page.pk)

    def live_english(self):
        return RencontrePage.objects.get(pk=self.english.pk)

    def test_a_cancellation_reaches_the_live_english_page_at_once(self):
        self.assertEqual(self.live_english().status, "prevue")
        revisions_before = self.english.revisions.count()

        page = self.french()
        page.status = "annulee"
        publish(page, user=self.editor)

        english = self.live_english()
        self.assertEqual(english.status, "annulee")
        self.assertTrue(english.live)
        self.assertFalse(english.has_unpublished_changes)
        # Its own new revision, published, by the editor who published the French page.
        self.assertEqual(english.revisions.count(), revisions_before + 1)
        self.assertEqual(english.live_revision.content["status"], "annulee")
        self.assertEqual(english.live_revision.user, self.editor)
        self.assertTrue(
            PageLogEntry.objects.filter(
                page=english, action="wagtail.publish", revision=english.live_revision
            ).exists()
        )
        # The translated texts are left as they were.
        self.assertEqual(english.title, "EN: Atelier territorial Vallée du Gier")
        headings = [block.value["heading"] for block in english.description]
        self.assertEqual(headings, ["Why?", "For and with whom?", "How?"])

        response = self.client.get(english.url)
        self.assertEqual(response.status_code, 200)
        page_text = text(soup(response).find("main"))
        self.assertIn("EN: Atelier territorial Vallée du Gier", page_text)
        self.assertIn("Cancelled", page_text)
        self.assertNotIn("Annulée", page_text)

    def test_dates_place_and_links_follow_the_source(self):
        page = self.french()
        page.start = local_datetime(2030, 4, 2, 9, 30)
        page.end = local_datetime(2030, 4, 2, 12, 0)
        page.departement = departement("69")
        page.address = "3 place Bellecour"
        page.postcode = "69002"
        page.commune = "Lyon"
        page.format = "hybride"
        page.online_url = "https://visio.example.org/lyon"
        page.registration_mode = "link"
        page.registration_url = "https://www.example.org/inscription"
        page.capacity = 40
        publish(page)

        english = self.live_english()
        self.assertEqual(english.start, local_datetime(2030, 4, 2, 9, 30))
        self.assertEqual(english.end, local_datetime(2030, 4, 2, 12, 0))
        self.assertEqual(english.departement.code, "69")
        self.assertEqual(
            (english.address, english.postcode, english.commune),
            ("3 place Bellecour", "69002", "Lyon"),
        )
        self.assertEqual(english.format, "hybride")
        self.assertEqual(english.online_url, "https://visio.example.org/lyon")
        self.assertEqual(english.registration_url, "https://www.example.org/inscription")
        self.assertEqual(english.capacity, 40)
        # The venue is a translated field: the English name stays.
        self.assertEqual(english.venue, "Community centre")

    def test_organisers_follow_the_source_in_its_order(self):
        page = self.french()
        page.organisers = [
            RencontreOrganisation(organisation=self.centre, sort_order=0),
            RencontreOrganisation(organisation=self.kaleido, sort_order=1),
        ]
        publish(page)

        english = self.live_english()
        self.assertEqual(
            [o.organisation_id for o in english.organisers.all()],
            [self.centre.pk, self.kaleido.pk],
        )
        self.assertEqual(
            [o.organisation_id for o in english.live_revision.as_object().organisers.all()],
            [self.centre.pk, self.kaleido.pk],
        )

    def test_no_english_version_when_no_synchronised_field_changed(self):
        revisions_before = self.english.revisions.count()

        page = self.french()
        page.title = "Atelier territorial de la vallée du Gier"
        publish(page)

        english = self.live_english()
        self.assertEqual(english.revisions.count(), revisions_before)
        self.assertEqual(english.title, "EN: Atelier territorial Vallée du Gier")

    def test_a_french_draft_pushes_nothing(self):
        page = self.french()
        page.status = "annulee"
        page.save_revision()

        self.assertEqual(self.live_english().status, "prevue")

    def test_publishing_the_translation_pushes_nothing_back(self):
        english = self.live_english()
        english.status = "complete"  # not possible in its editor; shows there is no loop back
        english.save_revision().publish()

        self.assertEqual(self.french().status, "prevue")
        self.assertEqual(self.live_english().status, "complete")

    def test_a_pending_english_draft_keeps_its_text_and_gets_the_new_values(self):
        english = self.live_english()
        english.title = "Vallée du Gier workshop (draft)"
        english.save_revision()

        page = self.french()
        page.status = "annulee"
        publish(page)

        english = self.live_english()
        self.assertEqual(english.status, "annulee")
        self.assertEqual(english.title, "EN: Atelier territorial Vallée du Gier")
        self.assertTrue(english.has_unpublished_changes)
        draft = english.get_latest_revision_as_object()
        self.assertEqual(draft.title, "Vallée du Gier workshop (draft)")
        self.assertEqual(draft.status, "annulee")

    def test_a_later_publication_in_wagtail_localize_keeps_the_new_values(self):
        page = self.french()
        page.status = "annulee"
        publish(page)

        # The translator fixes a string and publishes from wagtail-localize's editor.
        Translation.objects.get(pk=self.translation.pk).save_target(publish=False)
        RencontrePage.objects.get(pk=self.english.pk).get_latest_revision().publish()

        self.assertEqual(self.live_english().status, "annulee")

    def test_an_unpublished_translation_stays_unpublished(self):
        english = self.live_english()
        english.unpublish()

        page = self.french()
        page.status = "annulee"
        publish(page)

        english = self.live_english()
        self.assertFalse(english.live)
        # When its translator publishes it, it has the source's values.
        Translation.objects.get(pk=self.translation.pk).save_target(publish=False)
        RencontrePage.objects.get(pk=english.pk).get_latest_revision().publish()
        self.assertEqual(self.live_english().status, "annulee")

    @override_settings(RENCONTRES_SYNC_TRANSLATIONS=False)
    def test_the_setting_turns_it_off(self):
        page = self.french()
        page.status = "annulee"
        publish(page)

        self.assertEqual(self.live_english().status, "prevue")


class OrganisationSyncTests(LocalisedTestCase):
    TRANSLATED = "EN: Coopérative experte de la participation citoyenne."

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.organisation = OrganisationFactory(
            name="Kaleido Scop",
            url="https://www.kaleido-scop.com/",
            description="Coopérative experte de la participation citoyenne.",
        )
        cls.english, _translation = translate(cls.organisation, cls.en)

    def test_name_and_link_follow_the_source_description_stays_translated(self):
        self.assertEqual(
            self.english.description, "EN: Coopérative experte de la participation citoyenne."
        )

        organisation = Organisation.objects.get(pk=self.organisation.pk)
        organisation.name = "Kaléido’Scop"
        organisation.url = "https://kaleido-scop.com/"
        organisation.description = "Coopérative d’animation."
        with self.captureOnCommitCallbacks(execute=True):  # the push runs once committed
            organisation.save()

        english = Organisation.objects.get(pk=self.english.pk)
        self.assertEqual(english.name, "Kaléido’Scop")
        self.assertEqual(english.url, "https://kaleido-scop.com/")
        self.assertEqual(english.description, self.TRANSLATED)
        self.assertTrue(Translation.objects.filter(target_locale=self.en).exists())

    def test_saving_the_translation_changes_nothing_in_french(self):
        english = Organisation.objects.get(pk=self.english.pk)
        english.name = "Kaleido Scop (EN)"
        english.save()

        self.assertEqual(Organisation.objects.get(pk=self.organisation.pk).name, "Kaleido Scop")


def test_what_is_translated_and_what_is_synchronised(db):
    """The issue's list: texts translated; when, where, links, capacity… synchronised."""
    from wagtail_localize.fields import get_translatable_fields

    from rencontres.translation import synchronised_fields

    synchronised = {field.name for field in synchronised_fields(RencontrePage)}
    assert synchronised >= {
        "start",
        "end",
        "departement",
        "format",
        "status",
        "address",
        "postcode",
        "commune",
        "latitude",
        "longitude",
        "online_url",
        "registration_mode",
        "registration_url",
        "registration_email",
        "capacity",
        "registration_deadline",
        "organisers",
    }
    translated = {
        field.field_name
        for field in get_translatable_fields(RencontrePage)
        if field.is_translated(RencontrePage())
    }
    assert translated >= {"title", "slug", "description", "venue", "access_notes", "report"}
    assert not translated & synchronised
    assert {field.name for field in synchronised_fields(Organisation)} == {"name", "url"}
