"""RSS and Atom feeds of new rencontres, sitemap.xml and robots.txt."""

import datetime as dt
import xml.etree.ElementTree as ET

from django.test import TestCase
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from .public import gier_rencontre, in_days, make_private, rencontre, site

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_xml(content):
    return ET.fromstring(content)  # noqa: S314 - our own server's output


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = site()
        cls.gier = gier_rencontre(cls.index, address="", latitude=None, longitude=None)
        cls.paris = rencontre(
            cls.index,
            title="Atelier Nord Est de Paris",
            departement_code="75",
            postcode="75019",
            commune="Paris",
            start=in_days(12, 9),
        )
        cls.lyon = rencontre(
            cls.index,
            title="Atelier de Vaulx-en-Velin",
            departement_code="69",
            start=in_days(20, 9),
        )
        # Publication order decides the feed's order: newest first.
        base = timezone.now() - dt.timedelta(days=3)
        for offset, page in enumerate((cls.gier, cls.paris, cls.lyon)):
            Page.objects.filter(pk=page.pk).update(
                first_published_at=base + dt.timedelta(hours=offset)
            )
        cls.past = rencontre(cls.index, title="Atelier passé", start=in_days(-5, 10))
        cls.private = rencontre(cls.index, title="Atelier réservé")
        make_private(cls.private)
        cls.draft = rencontre(cls.index, title="Atelier en préparation")
        cls.draft.unpublish()
        cls.changed = rencontre(cls.index, title="Atelier de Roanne", start=in_days(30, 9))
        cls.changed.title = "Titre du brouillon"
        cls.changed.save_revision()

    def rss(self, **params):
        response = self.client.get(f"{self.index.url}flux/", params)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/rss+xml"))
        return parse_xml(response.content).find("channel")

    def test_rss_newest_first(self):
        channel = self.rss()
        self.assertEqual(channel.findtext("title"), "Les rencontres locales")
        self.assertEqual(channel.findtext("language"), "fr")
        titles = [item.findtext("title") for item in channel.findall("item")]
        self.assertEqual(
            titles,
            [
                "Atelier de Roanne",
                "Atelier de Vaulx-en-Velin",
                "Atelier Nord Est de Paris",
                "Atelier territorial Vallée du Gier",
            ],
        )

    def test_rss_item(self):
        items = {item.findtext("title"): item for item in self.rss().findall("item")}
        item = items["Atelier territorial Vallée du Gier"]
        self.assertEqual(item.findtext("link"), self.gier.full_url)
        self.assertEqual(item.findtext("guid"), self.gier.full_url)
        description = item.findtext("description")
        self.assertIn("mardi 12 mars 2030, de 14:00 à 17:00", description)
        self.assertIn("Salle Jean Jaurès, 42800 Rive-de-Gier", description)
        self.assertIn("42 - Loire · Présentiel · Prévue", description)
        self.assertEqual(item.findtext("category"), "42 - Loire")
        self.assertIsNotNone(item.findtext("pubDate"))

    def test_rss_honours_the_filters(self):
        titles = [i.findtext("title") for i in self.rss(region="84").findall("item")]
        self.assertEqual(
            titles,
            [
                "Atelier de Roanne",
                "Atelier de Vaulx-en-Velin",
                "Atelier territorial Vallée du Gier",
            ],
        )
        titles = [i.findtext("title") for i in self.rss(periode="passees").findall("item")]
        self.assertEqual(titles, ["Atelier passé"])
        titles = [i.findtext("title") for i in self.rss(q="vallee").findall("item")]
        self.assertEqual(titles, ["Atelier territorial Vallée du Gier"])

    def test_never_drafts_private_pages_or_unpublished_changes(self):
        content = self.client.get(f"{self.index.url}flux/", {"periode": "toutes"}).content
        for hidden in ("Atelier réservé", "Atelier en préparation", "Titre du brouillon"):
            self.assertNotIn(hidden.encode(), content)

    def test_atom(self):
        response = self.client.get(f"{self.index.url}flux/atom/")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        feed = parse_xml(response.content)
        entries = feed.findall(f"{ATOM}entry")
        self.assertEqual(entries[-1].findtext(f"{ATOM}title"), "Atelier territorial Vallée du Gier")
        self.assertEqual(entries[-1].find(f"{ATOM}link").get("href"), self.gier.full_url)
        self.assertIsNotNone(entries[-1].findtext(f"{ATOM}updated"))

    def test_bad_filters(self):
        response = self.client.get(f"{self.index.url}flux/", {"du": "32/13/2025"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Du : Saisissez une date valide", response.content.decode())

    def test_sitemap(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        locations = [loc.text for loc in parse_xml(response.content).iter(f"{SITEMAP}loc")]
        self.assertIn(self.index.full_url, locations)
        self.assertIn(self.gier.full_url, locations)
        self.assertIn(self.past.full_url, locations)
        self.assertNotIn(self.private.full_url, locations)
        self.assertNotIn(self.draft.full_url, locations)

    def test_sitemap_lists_every_language(self):
        english = Locale.objects.get_or_create(language_code="en")[0]
        home_en = self.index.get_parent().specific.copy_for_translation(english)
        home_en.save_revision().publish()
        index_en = self.index.copy_for_translation(english)
        index_en.save_revision().publish()
        gier_en = self.gier.copy_for_translation(english)
        gier_en.save_revision().publish()
        response = self.client.get("/sitemap.xml")
        locations = [loc.text for loc in parse_xml(response.content).iter(f"{SITEMAP}loc")]
        self.assertIn(
            "http://localhost/en/rencontres/atelier-territorial-vallee-du-gier/", locations
        )
        self.assertIn("http://localhost/en/rencontres/", locations)
        self.assertIn(self.gier.full_url, locations)
        self.assertEqual(len(locations), len(set(locations)))

    def test_robots_txt(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertIn("User-agent: *", lines)
        self.assertIn("Disallow: /admin/", lines)
        # The Wagtail Site's address, whatever Host the request names.
        self.assertIn("Sitemap: http://localhost/sitemap.xml", lines)
        forged = self.client.get("/robots.txt", HTTP_HOST="intrus.example.net")
        self.assertIn("Sitemap: http://localhost/sitemap.xml", forged.content.decode())

    def test_robots_txt_follows_a_change_of_the_site_address(self):
        """The site is memoised between requests: a new address is read at once."""
        self.assertIn(
            "Sitemap: http://localhost/sitemap.xml", self.client.get("/robots.txt").content.decode()
        )
        site = Site.objects.get(is_default_site=True)
        site.port = 8080
        site.save()
        lines = self.client.get("/robots.txt").content.decode().splitlines()
        self.assertIn("Sitemap: http://localhost:8080/sitemap.xml", lines)
