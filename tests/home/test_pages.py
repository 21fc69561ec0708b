"""The public pages of the home app, as a visitor sees them: DSFR landmarks, editable site
name, navigation, footer links, language switcher, site map and error pages."""

import base64
import hashlib
from os.path import getsize
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.views.defaults import server_error
from dsfr.models import DsfrConfig
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import ContentPage, FooterRole, HomePage, SitemapPage
from rencontres.models import RencontreIndexPage
from tests.factories import (
    ContentPageFactory,
    DsfrConfigFactory,
    build_footer_pages,
    build_site,
    publish_translation,
)
from tests.html import soup, text


class SiteTestCase(TestCase):
    """A home page at the site root, its footer pages, a rencontres index, a config."""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.footer = build_footer_pages(cls.home)
        cls.config = DsfrConfigFactory(language="fr", site_title="Les rencontres locales")


@pytest.mark.sqlite
class HomePageTests(SiteTestCase):
    def test_home_page_has_the_dsfr_landmarks(self):
        response = self.client.get("/")

        self.assertEqual(response.status_code, 200)
        page = soup(response)
        self.assertEqual(page.html["lang"], "fr")
        header = page.find("header", attrs={"role": "banner"})
        self.assertIn("fr-header", header["class"])
        self.assertEqual(text(header.select_one(".fr-logo")), "République française")
        main = page.find("main", id="content")
        self.assertEqual(main["role"], "main")
        self.assertEqual(text(main.find("h1")), "Construisons ensemble Quartiers 2030")
        footer = page.find("footer", attrs={"role": "contentinfo"})
        self.assertIn("fr-footer", footer["class"])
        skip_targets = [a["href"] for a in page.select(".fr-skiplinks a")]
        # The menu's link: to its button below lg (the menu is a closed modal), else to it.
        self.assertEqual(
            skip_targets, ["#content", "#header-menu-button", "#header-navigation", "#footer"]
        )
        for target in skip_targets:
            self.assertIsNotNone(page.find(id=target[1:]), target)

    def test_dsfr_assets_come_from_the_wheel_not_a_cdn(self):
        page = soup(self.client.get("/"))

        stylesheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
        scripts = [script["src"] for script in page.find_all("script", src=True)]
        # The site's subset of the DSFR (home/dsfr_css.py), not the whole of it.
        self.assertIn("/static/home/dsfr-site.css", stylesheets)
        self.assertNotIn("/static/dsfr/dist/dsfr/dsfr.min.css", stylesheets)
        for url in stylesheets + scripts:
            self.assertTrue(url.startswith("/static/"), url)

    def test_pages_load_the_dsfr_core_and_the_scripts_of_their_components_only(self):
        dist = "/static/dsfr/dist/"
        components = ["accordion", "button", "card", "breadcrumb", "modal", "navigation"]
        components += ["tag", "header", "table"]
        expected = [
            "/static/home/dsfr-manual.js",
            f"{dist}core/core.module.min.js",
            f"{dist}scheme/scheme.module.min.js",
            *(f"{dist}component/{name}/{name}.module.min.js" for name in components),
            "/static/home/dsfr-start.js",
            "/static/home/site.js",
        ]
        bundle = finders.find("dsfr/dist/dsfr/dsfr.module.min.js")
        for url in ("/", "/cette-page-n-existe-pas/"):
            with self.subTest(url):
                page = soup(self.client.get(url))
                scripts = page.find_all("script", src=True)
                self.assertEqual([script["src"] for script in scripts], expected)
                total = 0
                for script in scripts:
                    src = script["src"]
                    self.assertEqual(script.get("type"), None if src == expected[-1] else "module")
                    self.assertIsNone(script.get("nomodule"))
                    content = Path(finders.find(src.removeprefix("/static/"))).read_bytes()
                    if src.startswith(dist):
                        digest = base64.b64encode(hashlib.sha384(content).digest()).decode()
                        self.assertEqual(script["integrity"], f"sha384-{digest}")
                        total += len(content)
                self.assertLess(
                    total,
                    0.8 * getsize(bundle),
                    f"{url}: {total} bytes of DSFR scripts (the bundle: {getsize(bundle)})",
                )

        error = soup(render_to_string("500.html")).find_all("script", src=True)
        self.assertEqual([script["src"] for script in error], expected[:-1])

    @override_settings(DSFR_USE_INTEGRITY_CHECKSUMS=False)
    def test_the_integrity_of_the_dsfr_scripts_can_be_left_out_as_django_dsfr_allows(self):
        scripts = soup(self.client.get("/")).find_all("script", src=True)
        self.assertTrue(any("core.module.min.js" in script["src"] for script in scripts))
        self.assertEqual([script["src"] for script in scripts if script.get("integrity")], [])

    def test_site_name_and_tagline_are_edited_in_the_site_configuration(self):
        config = DsfrConfig.objects.get(language="fr")
        config.site_title = "Quartiers en dialogue"
        config.site_tagline = "Une consultation nationale"
        config.save()  # as the admin's form does

        page = soup(self.client.get("/"))

        self.assertEqual(
            text(page.select_one(".fr-header__service-title")), "Quartiers en dialogue"
        )
        self.assertEqual(
            text(page.select_one(".fr-header__service-tagline")), "Une consultation nationale"
        )
        self.assertEqual(
            text(page.title), "Construisons ensemble Quartiers 2030 — Quartiers en dialogue"
        )
        self.assertNotIn("Les rencontres locales", text(page.select_one(".fr-header__service")))

    def test_main_navigation_leads_home_and_to_the_rencontres(self):
        response = self.client.get(self.index.url)

        links = soup(response).select("#header-navigation a.fr-nav__link")
        self.assertEqual(
            [(text(a), a["href"]) for a in links],
            [("Accueil", "/"), ("Les rencontres locales", "/rencontres/")],
        )
        self.assertEqual(links[1]["aria-current"], "page")
        self.assertFalse(links[0].has_attr("aria-current"))

    def test_query_count_does_not_grow_with_the_pages(self):
        urls = ["/", self.footer[FooterRole.LEGAL_NOTICE].url]
        for url in urls:
            self.client.get(url)  # warm the caches (content types, site root paths)
        before = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            before[url] = len(queries)
        for n in range(5):
            ContentPageFactory(parent=self.home, title=f"Page {n}", slug=f"page-{n}")
            ContentPageFactory(parent=self.home, title=f"Mentions {n}", footer_role="")

        for url in urls:
            self.client.get(url)  # the new pages made the chrome's fragments stale
            with CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            self.assertEqual(len(queries), before[url], url)
        # A content page: routing, configuration, header, footer, switcher, breadcrumb.
        self.assertLessEqual(before[urls[1]], 12)


class FooterTests(SiteTestCase):
    FOOTER_IDS = {
        "footer-sitemap": "sitemap",
        "footer-accessibility": FooterRole.ACCESSIBILITY,
        "footer-legal-notice": FooterRole.LEGAL_NOTICE,
        "footer-personal-data": FooterRole.PERSONAL_DATA,
        "footer-cookies": FooterRole.COOKIES,
    }

    def test_mandatory_footer_links_lead_to_their_pages(self):
        footer = soup(self.client.get("/")).find("footer")

        labels = [text(item) for item in footer.select(".fr-footer__bottom-list li")]
        self.assertEqual(
            labels,
            [
                "Plan du site",
                "Accessibilité : non conforme",
                "Mentions légales",
                "Données personnelles",
                "Gestion des cookies",
            ],
        )
        for link_id, key in self.FOOTER_IDS.items():
            target = self.footer[key]
            link = footer.find("a", id=link_id)
            self.assertEqual(link["href"], target.url, link_id)
            response = self.client.get(link["href"])
            self.assertEqual(response.status_code, 200, link_id)
            self.assertEqual(text(soup(response).find("h1")), target.title)

    def test_accessibility_status_comes_from_the_site_configuration(self):
        config = DsfrConfig.objects.get(language="fr")
        config.accessibility_status = "PART"
        config.save()  # as the admin's form does

        link = soup(self.client.get("/")).find(id="footer-accessibility")

        self.assertEqual(text(link), "Accessibilité : partiellement conforme")

    def test_an_unpublished_footer_page_is_not_linked(self):
        self.footer[FooterRole.LEGAL_NOTICE].unpublish()

        footer = soup(self.client.get("/")).find("footer")

        item = footer.find(id="footer-legal-notice")
        self.assertEqual(item.name, "span")
        self.assertEqual(text(item), "Mentions légales")
        self.assertNotIn("/mentions-legales/", str(footer))

    def test_a_renamed_footer_page_is_still_linked(self):
        page = self.footer[FooterRole.COOKIES]
        page.slug = "cookies"
        page.title = "Cookies"
        page.save_revision().publish()

        link = soup(self.client.get("/")).find(id="footer-cookies")

        self.assertEqual(link["href"], "/cookies/")

    def test_one_page_per_footer_link_and_language(self):
        duplicate = ContentPage(
            title="Autres mentions",
            slug="autres-mentions",
            footer_role=FooterRole.LEGAL_NOTICE,
            locale=self.home.locale,
        )

        with self.assertRaises(ValidationError) as raised:
            duplicate.clean()

        self.assertIn(
            "Une autre page de cette langue mène déjà au lien « Mentions légales »",
            raised.exception.message_dict["footer_role"][0],
        )
        english = Locale.objects.create(language_code="en")
        duplicate.locale = english
        duplicate.clean()  # another language may have its own


class LanguageSwitcherTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.english = Locale.objects.create(language_code="en")
        cls.english_home = publish_translation(
            cls.home, cls.english, title="Building Quartiers 2030 together"
        )
        DsfrConfigFactory(language="en", site_title="Local meetings")

    def switcher_links(self, url):
        page = soup(self.client.get(url))
        return {a["hreflang"]: a for a in page.select(".fr-translate a.fr-translate__language")}

    def test_switcher_on_the_home_page_leads_to_the_english_home(self):
        links = self.switcher_links("/")

        self.assertEqual(links["fr"]["href"], "/")
        self.assertEqual(links["fr"]["aria-current"], "true")
        self.assertEqual(links["en"]["href"], "/en/")
        self.assertEqual(text(links["en"]), "EN - English")

        response = self.client.get(links["en"]["href"])
        page = soup(response)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(page.html["lang"], "en")
        self.assertEqual(text(page.find("h1")), "Building Quartiers 2030 together")
        self.assertEqual(text(page.select_one(".fr-header__service-title")), "Local meetings")
        self.assertEqual(text(page.find(id="footer-accessibility")), "Accessibility: not compliant")
        self.assertEqual(text(page.select_one(".fr-skiplinks a")), "Content")

    def test_alternate_links_list_the_existing_translations(self):
        page = soup(self.client.get("/"))

        alternates = {
            link["hreflang"]: link["href"] for link in page.find_all("link", rel="alternate")
        }
        self.assertEqual(set(alternates), {"fr", "en"})
        self.assertTrue(alternates["en"].endswith("/en/"))
        self.assertTrue(alternates["en"].startswith("http"))

    def test_untranslated_page_offers_the_other_language_home(self):
        links = self.switcher_links("/mentions-legales/")

        self.assertEqual(links["en"]["href"], "/en/")
        page = soup(self.client.get("/mentions-legales/"))
        hreflangs = [link["hreflang"] for link in page.find_all("link", rel="alternate")]
        self.assertEqual(hreflangs, ["fr"])

    def test_translated_page_offers_its_translation(self):
        publish_translation(
            self.footer[FooterRole.LEGAL_NOTICE],
            self.english,
            title="Legal notice",
            slug="legal-notice",
        )

        links = self.switcher_links("/mentions-legales/")

        self.assertEqual(links["en"]["href"], "/en/legal-notice/")
        back = self.switcher_links("/en/legal-notice/")
        self.assertEqual(back["fr"]["href"], "/mentions-legales/")

    def test_english_footer_links_to_english_pages_only(self):
        legal = publish_translation(
            self.footer[FooterRole.LEGAL_NOTICE],
            self.english,
            title="Legal notice",
            slug="legal-notice",
        )

        footer = soup(self.client.get("/en/")).find("footer")

        self.assertEqual(footer.find(id="footer-legal-notice")["href"], legal.url)
        self.assertEqual(footer.find(id="footer-cookies").name, "span")


class SitemapPageTests(SiteTestCase):
    def test_sitemap_lists_live_public_pages_as_nested_lists(self):
        draft = ContentPageFactory(parent=self.home, title="Brouillon", slug="brouillon")
        draft.unpublish()
        private = ContentPageFactory(parent=self.home, title="Espace privé", slug="prive")
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        child = ContentPageFactory(parent=private, title="Sous-page privée", slug="sous-page")
        section = ContentPageFactory(parent=self.home, title="Section", slug="section")
        ContentPageFactory(parent=section, title="Sous-page", slug="sous-page")

        response = self.client.get(self.footer["sitemap"].url)

        main = soup(response).find("main")
        top = main.select("h1 + ul > li")
        self.assertEqual(len(top), 1)
        self.assertEqual(text(top[0].find("a")), "Construisons ensemble Quartiers 2030")
        second_level = [text(li.find("a")) for li in top[0].select(":scope > ul > li")]
        self.assertEqual(
            second_level,
            [
                "Les rencontres locales",
                "Accessibilité",
                "Mentions légales",
                "Données personnelles",
                "Gestion des cookies",
                "Plan du site",
                "Section",
            ],
        )
        section_item = top[0].select(":scope > ul > li")[-1]
        self.assertEqual(
            [text(a) for a in section_item.select(":scope > ul > li > a")], ["Sous-page"]
        )
        for hidden in (draft, private, child):
            self.assertNotIn(hidden.title, text(main))

    def test_sitemap_shows_only_its_language(self):
        english = Locale.objects.create(language_code="en")
        publish_translation(self.home, english, title="English home")

        main = soup(self.client.get(self.footer["sitemap"].url)).find("main")

        self.assertNotIn("English home", text(main))


class ErrorPageTests(SiteTestCase):
    def test_404_page_is_a_dsfr_page(self):
        response = self.client.get("/cette-page-n-existe-pas/")

        self.assertEqual(response.status_code, 404)
        page = soup(response)
        self.assertEqual(page.html["lang"], "fr")
        self.assertIsNotNone(page.find("header", attrs={"role": "banner"}))
        self.assertIsNotNone(page.find("footer", attrs={"role": "contentinfo"}))
        self.assertEqual(text(page.find("main").find("h1")), "Page non trouvée")
        self.assertEqual(page.select_one("main a.fr-btn")["href"], "/")
        self.assertIn("Page non trouvée", text(page.title))

    def test_404_under_the_english_prefix_is_in_english(self):
        response = self.client.get("/en/this-page-does-not-exist/")

        self.assertEqual(response.status_code, 404)
        page = soup(response)
        self.assertEqual(page.html["lang"], "en")
        self.assertEqual(text(page.find("main").find("h1")), "Page not found")

    def test_500_page_renders_without_context_or_database(self):
        with translation.override("fr"):
            response = server_error(RequestFactory().get("/"))

        self.assertEqual(response.status_code, 500)
        page = soup(response)
        self.assertEqual(page.html["lang"], "fr")
        self.assertIsNotNone(page.find("header", attrs={"role": "banner"}))
        self.assertEqual(text(page.find("h1")), "Erreur inattendue")
        self.assertIn("/static/home/dsfr-site.css", render_to_string("500.html"))

    def test_500_page_in_english(self):
        with translation.override("en"):
            page = soup(server_error(RequestFactory().get("/en/")))

        self.assertEqual(page.html["lang"], "en")
        self.assertEqual(text(page.find("h1")), "Unexpected error")


class PageTypeTests(WagtailPageTestCase):
    """Every page type is created through the real admin form, where it is allowed."""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.root = Page.get_first_root_node()

    def setUp(self):
        self.login()

    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {RencontreIndexPage, ContentPage, SitemapPage})
        self.assertAllowedParentPageTypes(ContentPage, {HomePage, ContentPage})
        self.assertAllowedSubpageTypes(ContentPage, {ContentPage})
        self.assertAllowedParentPageTypes(SitemapPage, {HomePage})
        self.assertAllowedSubpageTypes(SitemapPage, set())

    def test_one_home_page_per_language(self):
        self.assertFalse(HomePage.can_create_at(self.root))
        Locale.objects.create(language_code="en")
        self.assertTrue(HomePage.can_create_at(self.root))

    def test_create_home_page(self):
        Locale.objects.create(language_code="en")
        self.assertCanCreate(
            self.root,
            HomePage,
            nested_form_data(
                {
                    "title": "Deuxième accueil",
                    "slug": "deuxieme-accueil",
                    "introduction": streamfield(
                        [
                            ("heading", {"text": "Les rencontres", "level": "h2"}),
                            ("paragraph", rich_text("<p>Bienvenue.</p>")),
                        ]
                    ),
                }
            ),
        )

    def test_create_content_page(self):
        self.assertCanCreate(
            self.home,
            ContentPage,
            nested_form_data(
                {
                    "title": "Déclaration d’accessibilité",
                    "slug": "accessibilite",
                    "footer_role": FooterRole.ACCESSIBILITY,
                    "body": streamfield(
                        [
                            ("heading", {"text": "État de conformité", "level": "h2"}),
                            ("paragraph", rich_text("<p>Non conforme.</p>")),
                            (
                                "callout",
                                {"title": "Contact", "text": rich_text("<p>Écrivez-nous.</p>")},
                            ),
                        ]
                    ),
                }
            ),
        )
        page = ContentPage.objects.get(slug="accessibilite")
        self.assertEqual(page.footer_role, FooterRole.ACCESSIBILITY)
        self.assertEqual(page.body[0].value.anchor, "etat-de-conformite")

    def test_create_sitemap_page_once_per_home(self):
        self.assertCanCreate(
            self.home,
            SitemapPage,
            nested_form_data({"title": "Plan du site", "slug": "plan-du-site"}),
        )
        self.assertFalse(SitemapPage.can_create_at(self.home))

    def test_content_page_renders_its_blocks(self):
        page = ContentPageFactory(
            parent=self.home,
            title="Mentions légales",
            slug="mentions-legales",
            body=[
                ("heading", {"text": "Éditeur", "level": "h3"}),
                ("paragraph", "<p>Le <b>ministère</b>.</p>"),
                ("callout", {"title": "Contact", "text": "<p>Écrivez-nous.</p>"}),
            ],
        )

        main = soup(self.client.get(page.url)).find("main")

        self.assertEqual(main.find("h3")["id"], "editeur")
        self.assertEqual(text(main.select_one(".rich-text")), "Le ministère .")
        self.assertEqual(text(main.select_one(".fr-callout .fr-callout__title")), "Contact")
        crumbs = [text(a) for a in main.select(".fr-breadcrumb a")]
        self.assertEqual(crumbs, ["Accueil", "Mentions légales"])
