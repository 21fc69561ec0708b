"""The rencontre model: its queryset and derived values (local time, zone, place)."""

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone
from wagtail.models import PageViewRestriction

from rencontres.models import RencontrePage
from tests.clock import frozen
from tests.factories import RencontrePageFactory, build_site, departement

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin


@frozen
class QuerySetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = build_site()
        now = timezone.now()
        cls.upcoming = RencontrePageFactory(parent=cls.index, title="À venir")
        cls.ongoing = RencontrePageFactory(
            parent=cls.index,
            title="En cours",
            start=now - dt.timedelta(hours=1),
            end=now + dt.timedelta(hours=1),
        )
        cls.past = RencontrePageFactory(
            parent=cls.index,
            title="Passée",
            start=now - dt.timedelta(days=3),
            end=now - dt.timedelta(days=3) + dt.timedelta(hours=2),
        )
        cls.draft = RencontrePageFactory(parent=cls.index, title="Brouillon", live=False)
        cls.private = RencontrePageFactory(parent=cls.index, title="Privée")
        PageViewRestriction.objects.create(
            page=cls.private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )

    def titles(self, queryset):
        return set(queryset.values_list("title", flat=True))

    def test_published_is_live_and_public(self):
        self.assertEqual(
            self.titles(RencontrePage.objects.published()), {"À venir", "En cours", "Passée"}
        )

    def test_upcoming_and_past_come_from_the_end_time(self):
        published = RencontrePage.objects.published()
        self.assertEqual(self.titles(published.upcoming()), {"À venir", "En cours"})
        self.assertEqual(self.titles(published.past()), {"Passée"})
        self.assertFalse(self.ongoing.is_past)
        self.assertTrue(self.past.is_past)


class DerivedValuesTests(TestCase):
    def rencontre(self, code=None, **fields):
        start = dt.datetime(2030, 1, 15, 13, 0, tzinfo=dt.UTC)
        values = {
            "title": "Atelier",
            "departement": departement(code) if code else None,
            "start": start,
            "end": start + dt.timedelta(hours=3),
            "format": "presentiel",
            "venue": "Maison de quartier",
            "address": "12 rue de la République",
            "postcode": "42000",
            "commune": "Saint-Étienne",
        }
        values.update(fields)
        return RencontrePage(**values)

    def test_paris_time_by_default_without_the_zone(self):
        page = self.rencontre()
        self.assertEqual(page.tzinfo.key, "Europe/Paris")
        self.assertEqual(page.local_start.strftime("%H:%M"), "14:00")
        self.assertFalse(page.shows_timezone)
        self.assertEqual(page.timezone_label, "")
        self.assertFalse(self.rencontre("42").shows_timezone)

    def test_overseas_time_is_stated(self):
        page = self.rencontre("971")
        self.assertEqual(page.local_start.strftime("%H:%M"), "09:00")
        self.assertTrue(page.shows_timezone)
        self.assertEqual(page.timezone_label, "heure locale (Guadeloupe, UTC-04:00)")
        noumea = self.rencontre("988")
        self.assertEqual(noumea.local_end.strftime("%H:%M"), "03:00")
        self.assertEqual(noumea.timezone_label, "heure locale (Nouvelle-Calédonie, UTC+11:00)")

    def test_zone_follows_a_change_of_departement(self):
        page = self.rencontre("42")
        self.assertEqual(page.local_start.strftime("%H:%M"), "14:00")
        page.departement = departement("974")
        self.assertEqual(page.local_start.strftime("%H:%M"), "17:00")

    def test_place_and_online(self):
        page = self.rencontre()
        self.assertEqual(
            page.place_text, "Maison de quartier, 12 rue de la République, 42000 Saint-Étienne"
        )
        self.assertTrue(page.has_place)
        self.assertFalse(page.is_online)
        online = self.rencontre(format="en_ligne", venue="", address="", postcode="", commune="")
        self.assertFalse(online.has_place)
        self.assertTrue(online.is_online)
        self.assertTrue(self.rencontre(format="hybride").is_online)
