"""The site configuration is text: no markup typed in it reaches a public page as HTML;
the operator logo is a raster image."""

import base64

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from dsfr.models import DsfrConfig

from rencontres import roles
from tests.factories import DsfrConfigFactory, build_site
from tests.security.payloads import JAVASCRIPT_URL, configuration_editor, form_data

SVG_LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'


# A real 4 × 2 blue PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAIAAADwyuo0AAAAEklEQVR4nGNkYPjPAANMDEgAABc3AQOCzBp3AAAAAElFTkSuQmCC"
)


class SiteConfigurationTextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_site()
        cls.configuration = DsfrConfigFactory(language="fr")
        cls.editor = configuration_editor()

    def setUp(self):
        self.client.force_login(self.editor)
        self.url = reverse("wagtailsnippets_dsfr_dsfrconfig:edit", args=[self.configuration.pk])

    def save(self, **overrides):
        return self.client.post(self.url, form_data(**overrides))

    def test_payloads_in_every_field_are_shown_as_text(self):
        response = self.save()
        self.assertEqual(response.status_code, 302, response.content[:500])
        page = BeautifulSoup(self.client.get("/").content, "html.parser")
        # Nothing typed became an element or an event handler…
        for element in page.find_all(True):
            handlers = [name for name in element.attrs if name.lower().startswith("on")]
            self.assertEqual(handlers, [], str(element)[:200])
            self.assertFalse(str(element.get("href", "")).startswith("javascript:"))
        for script in page.find_all("script"):
            self.assertNotIn("__xss", script.decode())
        self.assertEqual(page.find_all("svg"), [])
        # …it is all there, as text, with its line breaks.
        visible = page.get_text()
        for field in (
            "header_brand_html",
            "footer_brand_html",
            "notice_title",
            "notice_description",
        ):
            self.assertIn(field, visible)
        self.assertIn("<script>window.__xss='script'</script>", visible)
        self.assertIn("<img src=x onerror=", visible)
        brand = page.select_one(".fr-header__logo .fr-logo")
        self.assertEqual(len(brand.find_all("br")), 1)
        self.assertEqual(
            [child.name for child in page.select_one(".fr-notice__desc").children if child.name],
            ["br"],
        )

    def test_the_default_brand_keeps_its_line_break(self):
        page = BeautifulSoup(self.client.get("/").content, "html.parser")
        brand = page.select_one(".fr-header__logo .fr-logo")
        self.assertEqual(brand.get_text("|", strip=True), "République|française")

    def test_a_javascript_link_is_refused_and_never_rendered(self):
        response = self.save(notice_link=JAVASCRIPT_URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Saisissez une URL valide.")
        # Forced into the database (save() does not validate, as a shell or SQL would).
        forced = DsfrConfig.objects.get(pk=self.configuration.pk)
        forced.notice_title, forced.notice_link = "Travaux", JAVASCRIPT_URL
        forced.save()
        self.assertNotContains(self.client.get("/"), "javascript:")
        forced.notice_link = "https://www.info.gouv.fr/"
        forced.save()
        self.assertContains(self.client.get("/"), 'href="https://www.info.gouv.fr/"')

    def test_an_svg_logo_is_refused(self):
        for name, content in (("logo.svg", SVG_LOGO), ("logo.png", SVG_LOGO)):
            with self.subTest(name):
                upload = SimpleUploadedFile(name, content, content_type="image/svg+xml")
                response = self.save(operator_logo_file=upload)
                self.assertContains(
                    response,
                    "Le logo doit être une image PNG ou JPEG (les fichiers SVG sont refusés).",
                )
        self.configuration.refresh_from_db()
        self.assertFalse(self.configuration.operator_logo_file)

    def test_a_png_logo_is_accepted(self):
        upload = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
        response = self.save(operator_logo_file=upload, operator_logo_alt="Préfecture")
        self.assertEqual(response.status_code, 302)
        self.configuration.refresh_from_db()
        self.assertTrue(self.configuration.operator_logo_file.name.endswith(".png"))
        logo = BeautifulSoup(self.client.get("/").content, "html.parser").select_one(
            ".fr-header__operator img"
        )
        self.assertEqual(logo["data-max-width-rem"], "8.0")
        self.assertIsNone(logo.get("style"))

    def test_only_administrators_change_it(self):
        for name in (roles.EDITORS, roles.MODERATORS, roles.ADMINISTRATORS):
            user = get_user_model().objects.create_user(username=name, password="x" * 12)
            user.groups.add(Group.objects.get(name=name))
            self.assertEqual(
                user.has_perm("dsfr.change_dsfrconfig"), name == roles.ADMINISTRATORS, name
            )
