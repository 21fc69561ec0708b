"""The Wagtail admin: in French, and where editors change the site's name per language."""

from django.test import TestCase
from django.urls import reverse
from dsfr.models import DsfrConfig
from wagtail.test.utils import WagtailTestUtils

from tests.factories import DsfrConfigFactory, build_site
from tests.html import form_data, soup, text


class AdminLoginTests(TestCase):
    def test_login_page_is_in_french(self):
        response = self.client.get("/admin/login/")

        self.assertEqual(response.status_code, 200)
        page = soup(response)
        self.assertEqual(page.html["lang"], "fr")
        labels = [text(button) for button in page.select("form button[type=submit]")]
        self.assertIn("S'identifier", labels)
        field_labels = [text(label) for label in page.select("form label")]
        self.assertIn("Mot de passe *", field_labels)
        self.assertIn("Nom d’utilisateur *", field_labels)
        self.assertNotIn("Password", text(page.find("form")))


class SiteConfigurationAdminTests(WagtailTestUtils, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_site()
        cls.french = DsfrConfigFactory(language="fr", site_title="Les rencontres locales")
        cls.english = DsfrConfigFactory(language="en", site_title="Local meetings")

    def setUp(self):
        self.login()

    def test_configuration_is_in_the_settings_menu(self):
        response = self.client.get(reverse("wagtailadmin_home"))

        self.assertContains(response, "Configuration du site")
        listing = self.client.get(reverse("wagtailsnippets_dsfr_dsfrconfig:list"))
        self.assertEqual(listing.status_code, 200)
        rows = [text(row) for row in soup(listing).select("table tbody tr")]
        self.assertEqual(len(rows), 2)
        self.assertIn("Les rencontres locales", rows[1] + rows[0])
        self.assertIn("Local meetings", rows[1] + rows[0])

    def test_editor_renames_the_site_in_one_language(self):
        url = reverse("wagtailsnippets_dsfr_dsfrconfig:edit", args=[self.french.pk])
        form = soup(self.client.get(url)).find("form", action=url)
        data = form_data(form)
        self.assertEqual(data["site_title"], "Les rencontres locales")
        data.update(site_title="Quartiers en dialogue", accessibility_status="PART")

        response = self.client.post(url, data)

        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.french.refresh_from_db()
        self.assertEqual(self.french.site_title, "Quartiers en dialogue")
        self.assertEqual(DsfrConfig.objects.get(language="en").site_title, "Local meetings")
        home = soup(self.client.get("/"))
        self.assertEqual(
            text(home.select_one(".fr-header__service-title")), "Quartiers en dialogue"
        )
        self.assertEqual(
            text(home.find(id="footer-accessibility")), "Accessibilité : partiellement conforme"
        )
