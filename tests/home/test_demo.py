"""The demo loader (`manage.py load_demo`): what `make run` shows, loaded once only."""

import pytest
from django.test import TestCase
from dsfr.models import DsfrConfig
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Revision, Site

from home.demo import seed
from home.models import ContentPage, FooterRole, HomePage, SharingSettings, SitemapPage
from rencontres.models import RencontrePage
from tests.factories import load_demo
from tests.html import soup, text
from tests.places import load_communes


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "configs": DsfrConfig.objects.count(),
        "locales": Locale.objects.count(),
        "images": get_image_model().objects.count(),
    }


@pytest.mark.sqlite
class DemoLoaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first_output = load_demo()
        cls.counts = counts()

    def test_rencontres_with_a_place_carry_coordinates(self):
        places = RencontrePage.objects.filter(
            locale__language_code="fr", format__in=["presentiel", "hybride"]
        )
        typed = {page.title for page in places if page.map_point_source == "manual"}
        untyped = [page.title for page in places if page.title not in typed]
        self.assertGreaterEqual(len(typed), 10)
        # The seed, as Decidim had it, without coordinates: its commune's centre once the
        # communes are loaded (`make run` loads them first).
        self.assertEqual(untyped, [seed.TITLE])
        load_communes()
        page = RencontrePage.objects.get(title=seed.TITLE, locale__language_code="fr")
        self.assertEqual(page.map_point_source, "commune")
        self.assertEqual(page.map_point, (45.4759, 4.51294))  # Saint-Chamond

    def test_second_run_creates_nothing(self):
        output = load_demo()

        self.assertEqual(counts(), self.counts)
        self.assertNotRegex(output, r" [1-9]\d* créée?\(s\)")

    def test_home_page_replaces_the_welcome_page_at_the_site_root(self):
        site = Site.objects.get(is_default_site=True)

        home = site.root_page.specific
        self.assertIsInstance(home, HomePage)
        self.assertEqual(home.title, "Construisons ensemble Quartiers 2030")
        self.assertFalse(Page.objects.filter(depth=2, content_type__model="page").exists())

    def test_site_configuration_in_french_and_english(self):
        french = DsfrConfig.objects.get(language="fr")
        english = DsfrConfig.objects.get(language="en")

        self.assertEqual(french.site_title, "Les rencontres locales")
        self.assertEqual(french.site_tagline, "Construisons ensemble Quartiers 2030")
        self.assertEqual(english.site_tagline, "Building Quartiers 2030 together")

    def test_footer_pages_exist_published_with_a_revision_in_each_language(self):
        for code in ("fr", "en"):
            pages = ContentPage.objects.filter(locale__language_code=code).live()
            self.assertEqual(
                sorted(pages.values_list("footer_role", flat=True)),
                sorted(FooterRole.values),
                code,
            )
            sitemaps = SitemapPage.objects.filter(locale__language_code=code).live()
            self.assertEqual(sitemaps.count(), 1, code)
            for page in [*pages, *sitemaps]:
                self.assertIsNotNone(page.live_revision_id, page)

    def test_editor_changes_survive_a_second_run(self):
        legal = ContentPage.objects.get(
            locale__language_code="fr", footer_role=FooterRole.LEGAL_NOTICE
        )
        legal.title = "Informations légales"
        legal.save_revision().publish()
        DsfrConfig.objects.filter(language="fr").update(site_title="Quartiers en dialogue")
        cookies = ContentPage.objects.get(
            locale__language_code="fr", footer_role=FooterRole.COOKIES
        )
        cookies.footer_role = ""  # the editor no longer links this page from the footer
        cookies.save_revision().publish()
        before = counts()

        load_demo()

        self.assertEqual(counts(), before)
        legal.refresh_from_db()
        self.assertEqual(legal.title, "Informations légales")
        self.assertEqual(DsfrConfig.objects.get(language="fr").site_title, "Quartiers en dialogue")
        cookies.refresh_from_db()
        self.assertEqual(cookies.footer_role, "")

    def test_a_deleted_footer_page_comes_back(self):
        ContentPage.objects.get(
            locale__language_code="fr", footer_role=FooterRole.PERSONAL_DATA
        ).delete()

        load_demo()

        page = ContentPage.objects.get(
            locale__language_code="fr", footer_role=FooterRole.PERSONAL_DATA
        )
        self.assertTrue(page.live)
        self.assertEqual(page.slug, "donnees-personnelles")

    def test_demo_site_renders_with_every_footer_link(self):
        for home_url in ("/", "/en/"):
            response = self.client.get(home_url)
            self.assertEqual(response.status_code, 200, home_url)
            page = soup(response)
            self.assertEqual(
                text(page.select_one(".fr-header__service-title")), "Les rencontres locales"
            )
            links = page.select("footer .fr-footer__bottom-list a")
            self.assertEqual(len(links), 5, home_url)
            for link in links:
                self.assertEqual(self.client.get(link["href"]).status_code, 200, link["href"])

    def test_home_links_to_the_demo_rencontres(self):
        page = soup(self.client.get("/"))

        nav = [a["href"] for a in page.select("#header-navigation a")]
        self.assertEqual(nav[0], "/")
        self.assertEqual(len(nav), 2)
        self.assertEqual(self.client.get(nav[1]).status_code, 200)

    def test_a_rencontre_without_illustration_is_shared_with_the_demo_image(self):
        site = Site.objects.get(is_default_site=True)
        image = SharingSettings.for_site(site).default_image
        self.assertEqual((image.width, image.height), (1200, 630))
        page = RencontrePage.objects.get(title=seed.TITLE, locale__language_code="fr")
        self.assertIsNone(page.image)

        html = soup(self.client.get(page.url))

        og_image = html.select_one('meta[property="og:image"]')["content"]
        self.assertTrue(og_image.startswith(f"{site.root_url}/"), og_image)
        self.assertRegex(og_image, r"/partage[^/]*\.fill-\d+x\d+[^/]*\.png$")

    def test_a_sharing_image_an_editor_removed_stays_removed(self):
        sharing = SharingSettings.for_site(Site.objects.get(is_default_site=True))
        sharing.default_image = None
        sharing.save()

        load_demo()

        sharing.refresh_from_db()
        self.assertIsNone(sharing.default_image)
