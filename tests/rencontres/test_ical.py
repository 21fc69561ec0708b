"""Calendars: the .ics of a rencontre and of the (filtered) listing, parsed back."""

import datetime as dt
import zoneinfo

from django.test import TestCase
from icalendar import Calendar

from tests.factories import local_datetime, sections

from .public import in_days, make_private, online_rencontre, organisation, publish, rencontre, site

NOUMEA = zoneinfo.ZoneInfo("Pacific/Noumea")


def parse(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return list(calendar.walk("VEVENT"))


class CalendarTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = site()
        cls.org = organisation("Kaléido’Scop")
        cls.gier = rencontre(
            cls.index,
            title="Atelier territorial Vallée du Gier",
            start=local_datetime(2030, 3, 12, 14, 0),
            end=local_datetime(2030, 3, 12, 17, 0),
            venue="Salle Jean Jaurès",
            address="3 rue Jean Jaurès",
            postcode="42800",
            commune="Rive-de-Gier",
            latitude="45.528000",
            longitude="4.618000",
            access_notes="Tram T1 arrêt Mairie.",
            organisers=[cls.org],
            description=[
                *sections(pourquoi=["Partager un diagnostic", "Collecter des avis"]),
                ("texte", "<p>Un <b>atelier</b> ouvert &amp; gratuit.</p>"),
            ],
        )
        cls.online = online_rencontre(
            cls.index,
            departement_code="988",
            start=local_datetime(2030, 5, 2, 18, 30, tz=NOUMEA),
            end=local_datetime(2030, 5, 2, 20, 0, tz=NOUMEA),
        )
        cls.cancelled = rencontre(
            cls.index,
            title="Rencontre de Firminy",
            status="annulee",
            commune="Firminy",
            postcode="42700",
            start=local_datetime(2030, 4, 1, 9, 0),
        )
        cls.lyon = rencontre(
            cls.index,
            title="Atelier de Vaulx-en-Velin",
            departement_code="69",
            start=in_days(15, 10),
        )
        cls.past = rencontre(cls.index, title="Atelier passé", start=in_days(-10, 10))
        cls.private = rencontre(cls.index, title="Atelier réservé", start=in_days(4, 10))
        make_private(cls.private)
        cls.draft = rencontre(cls.index, title="Atelier en préparation", start=in_days(3, 10))
        cls.draft.unpublish()

    def page_calendar(self, page):
        return parse(self.client.get(f"{page.url}agenda.ics"))

    def listing_calendar(self, **params):
        return parse(self.client.get(f"{self.index.url}agenda.ics", params))

    def test_one_rencontre(self):
        calendar = self.page_calendar(self.gier)
        self.assertEqual(str(calendar["VERSION"]), "2.0")
        (event,) = events(calendar)
        self.assertEqual(str(event["SUMMARY"]), "Atelier territorial Vallée du Gier")
        self.assertEqual(str(event["UID"]), f"rencontre-{self.gier.translation_key}-fr@localhost")
        self.assertEqual(event["DTSTART"].params["TZID"], "Europe/Paris")
        self.assertEqual(event["DTSTART"].dt, local_datetime(2030, 3, 12, 14, 0))
        self.assertEqual(event["DTSTART"].dt.utcoffset(), dt.timedelta(hours=1))
        self.assertEqual(event["DTEND"].dt, local_datetime(2030, 3, 12, 17, 0))
        self.assertEqual(
            str(event["LOCATION"]), "Salle Jean Jaurès, 3 rue Jean Jaurès, 42800 Rive-de-Gier"
        )
        self.assertEqual(event["GEO"].latitude, 45.528)
        self.assertEqual(str(event["URL"]), self.gier.full_url)
        self.assertEqual(str(event["STATUS"]), "CONFIRMED")
        self.assertEqual(int(event["SEQUENCE"]), 0)
        self.assertIn("Europe/Paris", [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")])

    def test_description_is_plain_text(self):
        (event,) = events(self.page_calendar(self.gier))
        description = str(event["DESCRIPTION"])
        self.assertIn("Organisée par : Kaléido’Scop", description)
        self.assertIn("Pourquoi ?\n•Partager un diagnostic\n•Collecter des avis", description)
        self.assertIn("Un atelier ouvert & gratuit.", description)
        self.assertIn("Accès : Tram T1 arrêt Mairie.", description)
        self.assertIn(f"Plus d’informations : {self.gier.full_url}", description)
        self.assertNotIn("<", description)

    def test_online_rencontre_has_no_location_but_its_link(self):
        calendar = self.page_calendar(self.online)
        (event,) = events(calendar)
        self.assertNotIn("LOCATION", event)
        self.assertEqual(str(event["CONFERENCE"]), "https://visio.example.org/etape")
        self.assertIn(
            "Lien de la rencontre en ligne : https://visio.example.org/etape",
            str(event["DESCRIPTION"]),
        )
        self.assertEqual(event["DTSTART"].params["TZID"], "Pacific/Noumea")
        self.assertEqual(event["DTSTART"].dt, local_datetime(2030, 5, 2, 18, 30, tz=NOUMEA))
        self.assertIn("Pacific/Noumea", [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")])
        self.assertNotIn(b"None", self.client.get(f"{self.online.url}agenda.ics").content)

    def test_cancelled(self):
        (event,) = events(self.page_calendar(self.cancelled))
        self.assertEqual(str(event["STATUS"]), "CANCELLED")
        self.assertEqual(str(event["SUMMARY"]), "Annulée : Rencontre de Firminy")

    def test_sequence_grows_with_each_publication_and_drafts_never_show(self):
        page = rencontre(self.index, title="Atelier de Roanne", start=in_days(20, 10))
        self.assertEqual(int(events(self.page_calendar(page))[0]["SEQUENCE"]), 0)
        page.venue = "Nouvelle salle"
        publish(page)
        self.assertEqual(int(events(self.page_calendar(page))[0]["SEQUENCE"]), 1)
        page.title = "Titre du brouillon"
        page.save_revision()  # a draft: neither the text nor the sequence change
        (event,) = events(self.page_calendar(page))
        self.assertEqual(int(event["SEQUENCE"]), 1)
        self.assertEqual(str(event["SUMMARY"]), "Atelier de Roanne")
        page.get_latest_revision().publish()
        (event,) = events(self.page_calendar(page))
        self.assertEqual((int(event["SEQUENCE"]), str(event["SUMMARY"])), (2, "Titre du brouillon"))
        listed = {str(e["UID"]): int(e["SEQUENCE"]) for e in events(self.listing_calendar())}
        self.assertEqual(listed[str(event["UID"])], 2)

    def test_listing_calendar_upcoming_by_default(self):
        summaries = [str(e["SUMMARY"]) for e in events(self.listing_calendar())]
        self.assertEqual(
            summaries,
            [
                "Atelier de Vaulx-en-Velin",
                "Atelier territorial Vallée du Gier",
                "Annulée : Rencontre de Firminy",
                "Point d’étape en ligne",
            ],
        )

    def test_listing_calendar_honours_the_filters(self):
        summaries = [str(e["SUMMARY"]) for e in events(self.listing_calendar(departement="42"))]
        self.assertEqual(
            summaries, ["Atelier territorial Vallée du Gier", "Annulée : Rencontre de Firminy"]
        )
        summaries = [str(e["SUMMARY"]) for e in events(self.listing_calendar(q="vallee"))]
        self.assertEqual(summaries, ["Atelier territorial Vallée du Gier"])
        summaries = [str(e["SUMMARY"]) for e in events(self.listing_calendar(periode="passees"))]
        self.assertEqual(summaries, ["Atelier passé"])
        calendar = self.listing_calendar(departement="42", format="presentiel")
        self.assertEqual(
            str(calendar["X-WR-CALNAME"]),
            "Les rencontres locales : à venir, 42 - Loire, présentiel",
        )

    def test_uids_are_unique_and_stable(self):
        listed = events(self.listing_calendar(periode="toutes"))
        uids = [str(e["UID"]) for e in listed]
        self.assertEqual(len(uids), len(set(uids)))
        self.assertTrue(all(uid.endswith("@localhost") for uid in uids))
        single = str(events(self.page_calendar(self.gier))[0]["UID"])
        self.assertIn(single, uids)

    def test_never_drafts_or_private_pages(self):
        content = self.client.get(f"{self.index.url}agenda.ics", {"periode": "toutes"}).content
        self.assertNotIn("Atelier réservé".encode(), content)
        self.assertNotIn("Atelier en préparation".encode(), content)
        # The private page's own calendar asks for the password like the page.
        response = self.client.get(f"{self.private.url}agenda.ics")
        self.assertNotIn("BEGIN:VCALENDAR", response.content.decode())

    def test_bad_filters_get_a_readable_message(self):
        response = self.client.get(f"{self.index.url}agenda.ics", {"departement": "999"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertIn(
            "Département : Ce département n’existe pas : choisissez-en un dans la liste.",
            response.content.decode(),
        )

    def test_page_route_without_extension(self):
        # …/agenda.ics is mapped onto the page's agenda/ route (rencontres.urls).
        response = self.client.get(f"{self.gier.url}agenda/")
        self.assertEqual(len(events(parse(response))), 1)
