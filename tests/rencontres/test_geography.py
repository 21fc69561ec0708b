"""The official list of départements (seeded by a data migration) and local times."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.urls import reverse
from icalendar import Calendar
from wagtail.test.utils import WagtailPageTestCase

from rencontres.models import Departement, Region, RencontrePage
from tests.factories import build_site, rencontre_form_data, superuser
from tests.html import soup, text

pytestmark = pytest.mark.django_db

METROPOLITAN = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
OVERSEAS_DEPARTEMENTS = {
    # code: (name, région, time zone)
    "971": ("Guadeloupe", "Guadeloupe", "America/Guadeloupe"),
    "972": ("Martinique", "Martinique", "America/Martinique"),
    "973": ("Guyane", "Guyane", "America/Cayenne"),
    "974": ("La Réunion", "La Réunion", "Indian/Reunion"),
    "976": ("Mayotte", "Mayotte", "Indian/Mayotte"),
}
COLLECTIVITIES = {
    "975": ("Saint-Pierre-et-Miquelon", "America/Miquelon"),
    "977": ("Saint-Barthélemy", "America/St_Barthelemy"),
    "978": ("Saint-Martin", "America/Marigot"),
    "986": ("Wallis-et-Futuna", "Pacific/Wallis"),
    "987": ("Polynésie française", "Pacific/Tahiti"),
    "988": ("Nouvelle-Calédonie", "Pacific/Noumea"),
}


def test_the_list_has_107_entries():
    codes = list(Departement.objects.values_list("code", flat=True))
    assert len(codes) == 107
    assert set(codes) == {*METROPOLITAN, *OVERSEAS_DEPARTEMENTS, *COLLECTIVITIES}
    # Official order: 19, 2A, 2B, 21 … 95, 971 … 988.
    assert codes[18:22] == ["19", "2A", "2B", "21"]
    assert codes[-11:] == [
        "971",
        "972",
        "973",
        "974",
        "975",
        "976",
        "977",
        "978",
        "986",
        "987",
        "988",
    ]


def test_101_departements_in_18_regions_and_6_collectivities_without_region():
    assert Region.objects.count() == 18
    assert Departement.objects.filter(region__isnull=False).count() == 101
    assert set(
        Departement.objects.filter(region__isnull=True).values_list("code", flat=True)
    ) == set(COLLECTIVITIES)


def test_overseas_departements_have_their_region_and_time_zone():
    for code, (name, region, tz) in OVERSEAS_DEPARTEMENTS.items():
        departement = Departement.objects.select_related("region").get(code=code)
        assert (departement.name, departement.region.name, departement.timezone) == (
            name,
            region,
            tz,
        )


def test_collectivities_have_their_time_zone_and_no_region():
    for code, (name, tz) in COLLECTIVITIES.items():
        departement = Departement.objects.get(code=code)
        assert (departement.name, departement.region, departement.timezone) == (name, None, tz)


def test_metropolitan_departements_and_their_regions():
    expected = {
        "2A": ("Corse-du-Sud", "Corse"),
        "2B": ("Haute-Corse", "Corse"),
        "42": ("Loire", "Auvergne-Rhône-Alpes"),
        "13": ("Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur"),
        "59": ("Nord", "Hauts-de-France"),
        "75": ("Paris", "Île-de-France"),
        "35": ("Ille-et-Vilaine", "Bretagne"),
        "67": ("Bas-Rhin", "Grand Est"),
        "31": ("Haute-Garonne", "Occitanie"),
        "33": ("Gironde", "Nouvelle-Aquitaine"),
        "44": ("Loire-Atlantique", "Pays de la Loire"),
        "45": ("Loiret", "Centre-Val de Loire"),
        "21": ("Côte-d'Or", "Bourgogne-Franche-Comté"),
        "14": ("Calvados", "Normandie"),
    }
    rows = Departement.objects.select_related("region").filter(code__in=expected)
    assert {d.code: (d.name, d.region.name) for d in rows} == expected
    assert set(
        Departement.objects.filter(code__in=METROPOLITAN).values_list("timezone", flat=True)
    ) == {"Europe/Paris"}


def test_a_departement_is_shown_as_code_dash_name():
    assert str(Departement.objects.get(code="42")) == "42 - Loire"
    assert str(Departement.objects.get(code="2A")) == "2A - Corse-du-Sud"
    assert str(Departement.objects.get(code="988")) == "988 - Nouvelle-Calédonie"


class LocalTimeTests(WagtailPageTestCase):
    """A rencontre in Nouméa typed at 18:00 in the admin is 18:00 Nouméa time."""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.user = superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def create_in_noumea(self):
        url = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", self.index.pk])
        data = rencontre_form_data(
            title="Atelier territorial Nouméa",
            slug="atelier-territorial-noumea",
            departement=str(Departement.objects.get(code="988").pk),
            start="2030-05-12 18:00",
            end="2030-05-12 20:30",
            registration_deadline="2030-05-10 12:00",
            postcode="98800",
            commune="Nouméa",
            **{"action-publish": "action-publish"},
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        return RencontrePage.objects.get(slug="atelier-territorial-noumea")

    def test_stored_in_utc_from_noumea_local_time(self):
        page = self.create_in_noumea()
        # Nouméa is UTC+11 all year: 18:00 there is 07:00 UTC.
        self.assertEqual(page.start, dt.datetime(2030, 5, 12, 7, 0, tzinfo=dt.UTC))
        self.assertEqual(page.end, dt.datetime(2030, 5, 12, 9, 30, tzinfo=dt.UTC))
        self.assertEqual(page.registration_deadline, dt.datetime(2030, 5, 10, 1, 0, tzinfo=dt.UTC))
        self.assertEqual(page.local_start.strftime("%H:%M %Z"), "18:00 +11")

    def test_admin_form_shows_it_again_in_noumea_time(self):
        page = self.create_in_noumea()
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        form = soup(response)
        self.assertEqual(form.find("input", attrs={"name": "start"})["value"], "2030-05-12 18:00")
        self.assertEqual(form.find("input", attrs={"name": "end"})["value"], "2030-05-12 20:30")

    def test_public_page_shows_18_00_with_the_zone(self):
        page = self.create_in_noumea()
        response = self.client.get(page.url)
        self.assertEqual(response.status_code, 200)
        shown = text(soup(response))
        self.assertIn("18:00", shown)
        self.assertIn("Nouvelle-Calédonie", shown)
        self.assertNotIn("07:00", shown)

    def test_every_reader_gives_the_same_zone_as_the_page(self):
        """The zone and offset the page states are those of its calendar, its JSON-LD,
        both APIs, the admin form and its history: all come from the département."""
        page = self.create_in_noumea()
        label = "heure locale (Nouvelle-Calédonie, UTC+11:00)"
        noumea = zoneinfo.ZoneInfo("Pacific/Noumea")
        start = "2030-05-12T18:00:00+11:00"

        def text_of(url):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            return text(soup(response))

        with self.subTest("page"):
            self.assertIn(label, text_of(page.url))
        with self.subTest("iCal"):
            response = self.client.get(f"{page.url}agenda.ics")
            calendar = Calendar.from_ical(response.content)
            (event,) = calendar.walk("VEVENT")
            self.assertEqual(event["DTSTART"].params["TZID"], "Pacific/Noumea")
            self.assertEqual(event["DTSTART"].dt, dt.datetime(2030, 5, 12, 18, 0, tzinfo=noumea))
            self.assertEqual(event["DTSTART"].dt.utcoffset(), dt.timedelta(hours=11))
            self.assertEqual([str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")], [noumea.key])
        with self.subTest("JSON-LD"):
            html = soup(self.client.get(page.url))
            event = json.loads(html.find("script", type="application/ld+json").string)
            self.assertEqual(event["startDate"], start)
        for api in ("/api/v2/rencontres/", "/api/v3/rencontres/"):
            with self.subTest(api):
                data = self.client.get(f"{api}{page.pk}/").json()
                self.assertEqual((data["start"], data["timezone"]), (start, "Pacific/Noumea"))
        with self.subTest("admin form"):
            response = self.client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
            start_input = soup(response).find("input", attrs={"name": "start"})
            self.assertEqual(start_input["value"], "2030-05-12 18:00")
        with self.subTest("history"):
            version = text_of(f"{page.url}changements/1/")
            self.assertIn(f"dimanche 12 mai 2030 à 18:00, {label}", version)
            self.assertIn("(UTC+11:00)", version)  # when it was published, Nouméa time
            changes = self.client.get(f"/api/v2/rencontres/{page.pk}/history/1/").json()
            start_change = next(c for c in changes["changes"] if c["name"] == "start")
            self.assertEqual(start_change["after"], f"dimanche 12 mai 2030 à 18:00, {label}")
