"""One selector contract: every public reader of rencontres shows the same ones.

The listing, its RSS feed and .ics calendar, the open data, sitemap.xml, the home
page section and API v2 and v3 all read through :mod:`rencontres.selectors`; over a
data set with a never-published draft, a private page, an unpublished page, a past
rencontre and a newer draft of a published one, each reader, parsed as a consumer
would, lists the same rencontres for the same filters. The admin's period filter
gives the same pages as the public listing's period.
"""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.test import TestCase
from icalendar import Calendar

from rencontres.models import RencontrePage
from tests.clock import NOW, frozen
from tests.factories import RencontrePageFactory, departement, superuser

from .public import card_titles, in_days, make_private, rencontre, site, soup, text

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

SITEMAP_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
V2 = "/api/v2/rencontres/"
V3 = "/api/v3/rencontres/"
ADMIN_LISTING = "/admin/rencontres/"

LOIRE = "Atelier de la Loire"
RHONE = "Atelier du Rhône"
PAST = "Atelier passé"


def parse_xml(content):
    return ET.fromstring(content)  # noqa: S314 - our own server's output


@pytest.mark.demo  # the demo's home page section and sitemap beside the plugin's readers
class PublicReadersAgreeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        index = cls.index
        cls.loire = rencontre(index, title=LOIRE, start=in_days(5, 14))
        cls.rhone = rencontre(index, title=RHONE, departement_code="69", start=in_days(8, 14))
        cls.past = rencontre(index, title=PAST, start=in_days(-10, 14))
        # Everything below is in the Loire and upcoming: a filter that let any of them
        # through would show it.
        cls.draft = RencontrePageFactory(
            parent=index,
            title="Brouillon jamais publié",
            departement=departement("42"),
            start=in_days(3, 14),
            live=False,
        )
        cls.private = rencontre(index, title="Atelier réservé", start=in_days(4, 14))
        make_private(cls.private)
        cls.unpublished = rencontre(index, title="Atelier dépublié", start=in_days(6, 14))
        cls.unpublished.unpublish()
        newer = cls.loire.get_latest_revision_as_object()
        newer.title = "Titre du brouillon, pas encore publié"
        newer.save_revision()

    # -- each reader, as its consumer reads it --------------------------------------------

    def get(self, url, params=None):
        response = self.client.get(url, params or {})
        self.assertEqual(response.status_code, 200, f"{url} {params}")
        return response

    def listing(self, **params):
        return set(card_titles(self.get(self.index.url, params)))

    def rss(self, **params):
        channel = parse_xml(self.get(f"{self.index.url}flux/", params).content)
        return {item.findtext("title") for item in channel.iter("item")}

    def calendar(self, **params):
        content = self.get(f"{self.index.url}agenda.ics", params).content
        return {str(event["summary"]) for event in Calendar.from_ical(content).walk("VEVENT")}

    def open_data(self):
        document = self.get(f"{self.index.url}donnees.json").json()
        return {item["title_fr"] for item in document["rencontres"]}

    def sitemap(self):
        # Every rencontre of the data set by its address, with its live title.
        titles = {page.full_url: page.title for page in RencontrePage.objects.all()}
        sitemap = parse_xml(self.get("/sitemap.xml").content)
        return {titles[loc.text] for loc in sitemap.iter(SITEMAP_LOC) if loc.text in titles}

    def home_section(self):
        section = soup(self.get(self.home.url)).select_one(".rencontres-a-venir")
        return {text(title) for title in section.select(".fr-card__title")}

    def api(self, url, **params):
        return {item["title"] for item in self.get(url, params).json()["items"]}

    def assert_all_equal(self, expected, readers):
        for name, titles in readers.items():
            with self.subTest(name):
                self.assertEqual(titles, expected)

    # -- the same set for the same filters ------------------------------------------------

    def test_every_published_rencontre_whatever_its_period(self):
        self.assert_all_equal(
            {LOIRE, RHONE, PAST},
            {
                "listing": self.listing(periode="toutes"),
                "rss": self.rss(periode="toutes"),
                "ics": self.calendar(periode="toutes"),
                "open data": self.open_data(),
                "sitemap": self.sitemap(),
                "api v2": self.api(V2),
                "api v3": self.api(V3),
                "api v2 pages": self.api(
                    "/api/v2/pages/", type="rencontres.RencontrePage", fields="title"
                ),
            },
        )

    def test_upcoming_rencontres(self):
        self.assert_all_equal(
            {LOIRE, RHONE},
            {
                "listing": self.listing(),
                "rss": self.rss(),
                "ics": self.calendar(),
                "home section": self.home_section(),
                "api v2": self.api(V2, period="upcoming"),
                "api v3": self.api(V3, period="upcoming"),
            },
        )

    def test_past_rencontres(self):
        self.assert_all_equal(
            {PAST},
            {
                "listing": self.listing(periode="passees"),
                "rss": self.rss(periode="passees"),
                "ics": self.calendar(periode="passees"),
                "api v2": self.api(V2, period="past"),
                "api v3": self.api(V3, period="past"),
            },
        )

    def test_a_departement(self):
        self.assert_all_equal(
            {LOIRE},
            {
                "listing": self.listing(departement="42"),
                "rss": self.rss(departement="42"),
                "ics": self.calendar(departement="42"),
                "api v2": self.api(V2, departement="42", period="upcoming"),
                "api v3": self.api(V3, departement="42", period="upcoming"),
            },
        )

    def test_one_day(self):
        # The listing's « du … au … » and the API's start bounds, on the Loire's day.
        day = self.loire.local_start.date().isoformat()
        self.assert_all_equal(
            {LOIRE},
            {
                "listing": self.listing(periode="toutes", du=day, au=day),
                "rss": self.rss(periode="toutes", du=day, au=day),
                "ics": self.calendar(periode="toutes", du=day, au=day),
                "api v2": self.api(V2, start_after=day, start_before=day),
                "api v3": self.api(V3, start_after=day, start_before=day),
            },
        )


@frozen
class AdminAndPublicPeriodsTests(TestCase):
    """The admin listing's « Période » and the public listing's « Période » share their
    values (``a-venir``, ``passees``) and their meaning: from the end time, an ongoing
    rencontre is upcoming, one that ended an hour ago is past (the clock stopped, so that
    "an hour ago" holds whatever the time of day)."""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.user = superuser()
        now = NOW
        hour = dt.timedelta(hours=1)
        rencontre(cls.index, title="Atelier de la semaine prochaine", start=in_days(7, 14))
        rencontre(cls.index, title="Atelier en cours", start=now - hour, end=now + 2 * hour)
        rencontre(
            cls.index, title="Atelier fini il y a une heure", start=now - 3 * hour, end=now - hour
        )
        rencontre(cls.index, title="Atelier du mois dernier", start=in_days(-30, 14))

    def admin_titles(self, **params):
        self.client.force_login(self.user)
        response = self.client.get(ADMIN_LISTING, params)
        self.assertEqual(response.status_code, 200)
        rows = soup(response).select("table.listing tbody tr")
        self.client.logout()
        return {text(row.select_one("td.title a")) for row in rows}

    def public_titles(self, **params):
        response = self.client.get(self.index.url, params)
        self.assertEqual(response.status_code, 200)
        return set(card_titles(response))

    def test_same_pages_for_each_period(self):
        expected = {
            "a-venir": {"Atelier de la semaine prochaine", "Atelier en cours"},
            "passees": {"Atelier fini il y a une heure", "Atelier du mois dernier"},
        }
        for period, titles in expected.items():
            with self.subTest(period):
                self.assertEqual(self.admin_titles(period=period), titles)
                self.assertEqual(self.public_titles(periode=period), titles)
        everything = expected["a-venir"] | expected["passees"]
        self.assertEqual(self.admin_titles(), everything)
        self.assertEqual(self.public_titles(periode="toutes"), everything)

    def test_admin_offers_the_public_periods(self):
        self.client.force_login(self.user)
        page = soup(self.client.get(ADMIN_LISTING))
        choices = {
            radio["value"]: text(page.find("label", attrs={"for": radio["id"]}))
            for radio in page.select("input[name=period]")
        }
        self.assertEqual(choices, {"": "Toutes", "a-venir": "À venir", "passees": "Passées"})
