"""The demo's Site record has the address the project serves, so that canonical,
hreflang and sitemap links work on `make run` (http://127.0.0.1:8000) and `make serve`
(its first server's, WAGTAILADMIN_BASE_URL)."""

from django.test import TestCase, override_settings
from wagtail.models import Site

from tests.factories import load_demo


class DemoSiteAddressTests(TestCase):
    @override_settings(WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000")
    def test_the_demo_is_served_on_its_own_address_until_an_administrator_changes_it(self):
        load_demo()
        site = Site.objects.get(is_default_site=True)
        self.assertEqual(site.root_url, "http://127.0.0.1:8000")
        response = self.client.get("/", HTTP_HOST="127.0.0.1:8000")
        self.assertContains(response, '<link rel="canonical" href="http://127.0.0.1:8000/">')
        sitemap = self.client.get("/sitemap.xml", HTTP_HOST="127.0.0.1:8000").content.decode()
        self.assertIn("<loc>http://127.0.0.1:8000/rencontres/</loc>", sitemap)
        self.assertIn('hreflang="en" href="http://127.0.0.1:8000/en/', sitemap)

        site.hostname, site.port = "rencontres.example.gouv.fr", 443
        site.save()
        with override_settings(WAGTAILADMIN_BASE_URL="http://127.0.0.1:8001"):
            load_demo()
        self.assertEqual(
            Site.objects.get(is_default_site=True).root_url, "https://rencontres.example.gouv.fr"
        )
