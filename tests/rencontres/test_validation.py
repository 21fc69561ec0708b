"""Each validation rule of a rencontre, through the real admin forms: the French message
is shown next to the field it concerns, and nothing is saved."""

import json

from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import streamfield

from rencontres.models import RencontrePage
from tests.factories import (
    RencontrePageFactory,
    build_site,
    rencontre_form_data,
    section_form_data,
    superuser,
)
from tests.html import soup, text


class ValidationTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.user = superuser()
        cls.existing = RencontrePageFactory(parent=cls.index, title="Atelier existant")

    def setUp(self):
        self.client.force_login(self.user)

    def create(self, **fields):
        """Post the creation form; return {field name: error text} from the returned page."""
        count = RencontrePage.objects.count()
        url = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", self.index.pk])
        response = self.client.post(url, rencontre_form_data(**fields))
        self.assertEqual(response.status_code, 200, "the form should be shown again")
        self.assertEqual(RencontrePage.objects.count(), count, "nothing is saved")
        return field_errors(response)

    def edit(self, **fields):
        url = reverse("wagtailadmin_pages:edit", args=[self.existing.pk])
        data = rencontre_form_data(slug=self.existing.slug, **fields)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200, "the form should be shown again")
        self.existing.refresh_from_db()
        return field_errors(response)

    def test_valid_data_is_accepted(self):
        url = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", self.index.pk])
        response = self.client.post(url, rencontre_form_data())
        page = RencontrePage.objects.get(slug="atelier-territorial-saint-etienne-montreynaud")
        self.assertRedirects(response, reverse("wagtailadmin_pages:edit", args=[page.pk]))
        self.assertEqual(page.title, "Atelier territorial Saint-Étienne Montreynaud")
        self.assertEqual(page.local_start.strftime("%d/%m/%Y %H:%M"), "12/05/2030 14:00")

    def test_end_after_start(self):
        message = "La fin de la rencontre doit être postérieure à son début."
        errors = self.create(start="2030-05-12 14:00", end="2030-05-12 13:00")
        self.assertIn(message, errors["end"])
        errors = self.create(start="2030-05-12 14:00", end="2030-05-12 14:00")
        self.assertIn(message, errors["end"])
        errors = self.edit(start="2030-05-12 14:00", end="2030-05-11 17:00")
        self.assertIn(message, errors["end"])
        self.assertEqual(self.existing.title, "Atelier existant")

    def test_the_online_link_may_be_left_empty(self):
        # Often sent to registered participants only: the page then says so.
        url = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", self.index.pk])
        for format_ in ("en_ligne", "hybride"):
            with self.subTest(format_):
                data = rencontre_form_data(format=format_, online_url="", slug=f"atelier-{format_}")
                self.assertEqual(self.client.post(url, data).status_code, 302)
                created = RencontrePage.objects.get(slug=f"atelier-{format_}")
                self.assertEqual((created.format, created.online_url), (format_, ""))
        # A link that is no URL is still refused.
        self.assertIn("online_url", self.create(format="en_ligne", online_url="visio du soir"))

    def test_commune_and_postcode_for_presentiel_and_hybride(self):
        for format_ in ("presentiel", "hybride"):
            with self.subTest(format_):
                errors = self.create(
                    format=format_,
                    online_url="https://visio.example.org/atelier",
                    commune="",
                    postcode="",
                )
                self.assertIn(
                    "Indiquez la commune d’une rencontre en présentiel ou hybride.",
                    errors["commune"],
                )
                self.assertIn(
                    "Indiquez le code postal d’une rencontre en présentiel ou hybride.",
                    errors["postcode"],
                )
        # An online rencontre needs no place: only the (broken) end date is refused.
        errors = self.create(
            format="en_ligne",
            online_url="https://visio.example.org/atelier",
            commune="",
            postcode="",
            end="2030-05-12 13:00",
        )
        self.assertEqual(set(errors), {"end"})

    def test_positive_capacity(self):
        message = "Le nombre de places doit être positif."
        for capacity in ("0", "-5"):
            with self.subTest(capacity):
                errors = self.create(capacity=capacity)
                self.assertEqual(errors["capacity"], message)
        self.assertIn(message, self.edit(capacity="0")["capacity"])

    def test_deadline_before_start(self):
        message = "La date limite d’inscription doit précéder le début de la rencontre."
        for deadline in ("2030-05-12 15:00", "2030-05-12 14:00"):
            with self.subTest(deadline):
                errors = self.create(registration_deadline=deadline)
                self.assertIn(message, errors["registration_deadline"])
        # The day before is fine: only the broken end date is refused.
        errors = self.create(registration_deadline="2030-05-11 18:00", end="2030-05-12 13:00")
        self.assertEqual(set(errors), {"end"})

    def test_valid_french_postcode(self):
        message = "Saisissez un code postal français valide, à cinq chiffres (par exemple 42000)."
        for postcode in ("4200", "00100", "ABCDE", "99000", "96000"):
            with self.subTest(postcode):
                self.assertIn(message, self.create(postcode=postcode)["postcode"])
        self.assertIn(message, self.edit(postcode="1234A")["postcode"])
        # Corsica, overseas départements and collectivities are French postcodes.
        for postcode in ("20000", "97110", "98800"):
            with self.subTest(postcode):
                errors = self.create(postcode=postcode, end="2030-05-12 13:00")
                self.assertNotIn("postcode", errors)

    def test_registration_link_and_email_by_mode(self):
        errors = self.create(registration_mode="link", registration_url="")
        self.assertIn(
            "Indiquez le lien vers le formulaire d’inscription.", errors["registration_url"]
        )
        errors = self.create(registration_mode="email", registration_email="")
        self.assertIn("Indiquez l’adresse e-mail pour s’inscrire.", errors["registration_email"])

    def test_a_slug_the_index_serves_itself_is_refused(self):
        # …/agenda/ and …/flux/ are the index's calendar and feed: a rencontre there
        # would be saved, published and never shown.
        for slug in ("agenda", "flux"):
            with self.subTest(slug):
                errors = self.create(slug=slug)
                self.assertIn(f"« {slug} » est l’adresse d’une page de", errors["slug"])
                self.assertIn("Choisissez un autre slug.", errors["slug"])
        response = self.post_edit(rencontre_form_data(slug="agenda"))
        self.assertIn("Choisissez un autre slug.", field_errors(response)["slug"])
        self.existing.refresh_from_db()
        self.assertNotEqual(self.existing.slug, "agenda")
        # Only the index's own addresses: …/donnees/csv/ leaves …/donnees/ to a page.
        url = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", self.index.pk])
        response = self.client.post(url, rencontre_form_data(slug="donnees"))
        self.assertEqual(response.status_code, 302)

    def post_edit(self, data):
        """Post the edit form of the existing page as is: it is shown again, unsaved."""
        url = reverse("wagtailadmin_pages:edit", args=[self.existing.pk])
        revisions = self.existing.revisions.count()
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200, "the form should be shown again")
        self.assertEqual(self.existing.revisions.count(), revisions, "nothing is saved")
        return response

    def test_a_damaged_streamfield_post_is_refused_and_the_stored_content_shown_again(self):
        # What Wagtail's script sends, cut short, forged or from a stale page: each made a 500.
        stored = stream_items(self.existing.description)
        data = rencontre_form_data(slug=self.existing.slug)
        damaged = {
            "count missing": {k: v for k, v in data.items() if k != "description-count"},
            "count not a number": {**data, "description-count": "trois"},
            "more blocks counted than sent": {**data, "description-count": "1000000"},
            "type missing": {k: v for k, v in data.items() if k != "description-0-type"},
            "order not a number": {**data, "description-0-order": "premier"},
            "list items counted but not sent": {**data, "description-0-value-items-count": "9"},
            "image id that is no id": rencontre_form_data(
                slug=self.existing.slug,
                description=streamfield(
                    [("image", {"image": "abc", "alt_text": "", "caption": ""})]
                ),
            ),
        }
        for name, post in damaged.items():
            with self.subTest(name):
                response = self.post_edit(post)
                value, errors = stream_field_state(response, "description")
                self.assertIn("n’a pas pu être lu ; rien n’a été enregistré", errors["messages"][0])
                # The stored sections are in the form again, not an empty stream that a
                # second « Enregistrer » would store.
                self.assertEqual(stream_items(value), stored)
        self.existing.refresh_from_db()
        self.assertEqual(stream_items(self.existing.description), stored)

    def test_rich_text_that_cannot_be_read_or_stored_is_refused_in_french(self):
        cases = {
            "{pas du JSON": "Ce texte n’a pas pu être lu",
            "[1, 2]": "Ce texte n’a pas pu être lu",
            # Half of an emoji, as Draftail's JSON can carry one: PostgreSQL refused it (500).
            draftail("Atelier \ud83d du soir"): "un caractère invalide",
        }
        for text_value, message in cases.items():
            with self.subTest(text_value):
                data = rencontre_form_data(
                    slug=self.existing.slug,
                    description=streamfield(
                        [
                            ("pourquoi", section_form_data("Pourquoi ?", ["Partager"])),
                            ("texte", text_value),
                        ]
                    ),
                )
                _value, errors = stream_field_state(self.post_edit(data), "description")
                self.assertIn(message, errors["blockErrors"]["1"]["messages"][0])

    def test_an_autosave_revision_that_is_no_number_is_refused_not_a_server_error(self):
        # Wagtail looked « abc » up as a revision id (500); it refuses an unknown one.
        url = reverse("wagtailadmin_pages:edit", args=[self.existing.pk])
        revisions = self.existing.revisions.count()
        data = rencontre_form_data(slug=self.existing.slug, title="Autre titre")
        for forged in ("abc", "²", "1e3"):
            with self.subTest(forged):
                response = self.client.post(url, {**data, "overwrite_revision_id": forged})
                self.assertEqual(response.status_code, 302)
                self.assertEqual(self.existing.revisions.count(), revisions)
                self.existing.refresh_from_db()
                self.assertEqual(self.existing.title, "Atelier existant")

    def test_a_chosen_id_that_is_no_id_is_an_error_next_to_the_field(self):
        # Wagtail's chooser widgets looked « abc » up while showing the form again (500).
        message = "Sélectionnez un choix valide."
        self.assertIn(message, self.create(departement="abc")["departement"])
        self.assertIn(message, self.create(image="abc")["image"])
        organiser = {
            "organisers-TOTAL_FORMS": "1",
            "organisers-0-organisation": "abc",
            "organisers-0-ORDER": "1",
            "organisers-0-id": "",
            "organisers-0-DELETE": "",
        }
        errors = field_errors(self.post_edit({**rencontre_form_data(), **organiser}))
        self.assertIn(message, errors["organisers-0-organisation"])


def field_errors(response):
    """{field name: error text} read next to each field of the admin form."""
    errors = {}
    for wrapper in soup(response).select(".w-field--error"):
        field = wrapper.select_one("input[name], select[name], textarea[name]")
        message = wrapper.select_one(".w-field__errors .error-message")
        if field is not None and message is not None:
            errors[field["name"]] = text(message)
    return errors


def draftail(text):
    """Draftail's JSON for one paragraph of ``text`` (as its script posts it)."""
    block = {
        "key": "a1b2c",
        "type": "unstyled",
        "depth": 0,
        "text": text,
        "inlineStyleRanges": [],
        "entityRanges": [],
    }
    return json.dumps({"blocks": [block], "entityMap": {}})


def stream_field_state(response, name):
    """``(value, errors)`` of a StreamField of an admin form, as its script gets them."""
    element = soup(response).select_one(f"#{name}[data-w-block-arguments-value]")
    value, errors = json.loads(element["data-w-block-arguments-value"])
    return value, errors or {}


def stream_items(stream):
    """``[(type, heading, [items])]`` of a description (a StreamValue or its form state)."""
    blocks = stream.raw_data if hasattr(stream, "raw_data") else stream
    result = []
    for block in blocks:
        value = block["value"]
        items = [item["value"] if isinstance(item, dict) else item for item in value["items"]]
        result.append((block["type"], value["heading"], items))
    return result
