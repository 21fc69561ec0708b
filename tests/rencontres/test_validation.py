"""Each validation rule of a rencontre, through the real admin forms: the French message
is shown next to the field it concerns, and nothing is saved."""

from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase

from rencontres.models import RencontrePage
from tests.factories import RencontrePageFactory, build_site, rencontre_form_data, superuser


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
        self.assertEqual(response.status_code, 302)

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


def field_errors(response):
    """{field name: error text} read next to each field of the admin form."""
    soup = BeautifulSoup(response.content, "html.parser")
    errors = {}
    for wrapper in soup.select(".w-field--error"):
        field = wrapper.select_one("input[name], select[name], textarea[name]")
        message = wrapper.select_one(".w-field__errors .error-message")
        if field is not None and message is not None:
            errors[field["name"]] = " ".join(message.get_text(" ", strip=True).split())
    return errors
