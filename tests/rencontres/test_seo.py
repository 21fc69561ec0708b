"""Meta description, Open Graph tags and the schema.org Event JSON-LD of a rencontre."""

import json
import zoneinfo

from django.test import TestCase

from tests.factories import local_datetime, sections

from .public import gier_rencontre, image, online_rencontre, organisation, rencontre, site, soup

NOUMEA = zoneinfo.ZoneInfo("Pacific/Noumea")


def json_ld(response):
    scripts = soup(response).find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def meta(response, **attrs):
    tag = soup(response).find("meta", attrs=attrs)
    return tag["content"] if tag else None


class SeoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = site()
        cls.kaleido = organisation("Kaléido’Scop", url="https://kaleidoscop.example.org/")
        cls.gier = gier_rencontre(
            cls.index,
            registration_mode="link",
            registration_url="https://inscriptions.example.org/gier",
            capacity=40,
            organisers=[cls.kaleido],
            image=image("Photo de l’atelier"),
            description=sections(pourquoi=["Partager un diagnostic", "Collecter des avis"]),
        )
        cls.online = online_rencontre(
            cls.index,
            departement_code="988",
            status="reportee",
            search_description="Un point d’étape pour les habitants de Nouvelle-Calédonie.",
            start=local_datetime(2030, 5, 2, 18, 30, tz=NOUMEA),
            end=local_datetime(2030, 5, 2, 20, 0, tz=NOUMEA),
        )
        cls.hybrid = rencontre(
            cls.index,
            title="Atelier hybride </script><script>alert(1)</script>",
            format="hybride",
            status="annulee",
            online_url="https://visio.example.org/h",
        )

    def test_meta_description_generated_from_date_place_and_first_section(self):
        response = self.client.get(self.gier.url)
        description = meta(response, name="description")
        self.assertEqual(
            description,
            "mardi 12 mars 2030, de 14:00 à 17:00, Rive-de-Gier. "
            "Partager un diagnostic; Collecter des avis",
        )
        self.assertEqual(meta(response, property="og:description"), description)

    def test_meta_description_from_the_search_description(self):
        response = self.client.get(self.online.url)
        self.assertEqual(
            meta(response, name="description"),
            "Un point d’étape pour les habitants de Nouvelle-Calédonie.",
        )

    def test_open_graph(self):
        response = self.client.get(self.gier.url)
        self.assertEqual(meta(response, property="og:title"), "Atelier territorial Vallée du Gier")
        self.assertEqual(meta(response, property="og:url"), self.gier.full_url)
        self.assertRegex(meta(response, property="og:image"), r"^http://localhost/.+\.fill-640x360")
        self.assertEqual(meta(response, name="twitter:card"), "summary_large_image")
        canonical = soup(response).find("link", rel="canonical")
        self.assertEqual(canonical["href"], self.gier.full_url)

    def test_event_in_person(self):
        data = json_ld(self.client.get(self.gier.url))
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "Event")
        self.assertEqual(data["name"], "Atelier territorial Vallée du Gier")
        self.assertEqual(data["startDate"], "2030-03-12T14:00:00+01:00")
        self.assertEqual(data["endDate"], "2030-03-12T17:00:00+01:00")
        self.assertEqual(data["eventStatus"], "https://schema.org/EventScheduled")
        self.assertEqual(
            data["eventAttendanceMode"], "https://schema.org/OfflineEventAttendanceMode"
        )
        self.assertEqual(
            data["location"],
            {
                "@type": "Place",
                "name": "Salle Jean Jaurès",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": "3 rue Jean Jaurès",
                    "postalCode": "42800",
                    "addressLocality": "Rive-de-Gier",
                    "addressCountry": "FR",
                    "addressRegion": "Auvergne-Rhône-Alpes",
                },
                "geo": {"@type": "GeoCoordinates", "latitude": 45.528, "longitude": 4.618},
            },
        )
        self.assertEqual(
            data["organizer"],
            [
                {
                    "@type": "Organization",
                    "name": "Kaléido’Scop",
                    "url": "https://kaleidoscop.example.org/",
                }
            ],
        )
        self.assertEqual(data["url"], self.gier.full_url)
        self.assertEqual(data["offers"]["availability"], "https://schema.org/InStock")
        self.assertEqual(data["offers"]["url"], "https://inscriptions.example.org/gier")
        self.assertEqual(data["maximumAttendeeCapacity"], 40)
        self.assertEqual(data["inLanguage"], "fr")
        self.assertTrue(data["image"][0].startswith("http://localhost/"))

    def test_event_online_postponed(self):
        data = json_ld(self.client.get(self.online.url))
        self.assertEqual(data["startDate"], "2030-05-02T18:30:00+11:00")
        self.assertEqual(data["eventStatus"], "https://schema.org/EventPostponed")
        self.assertEqual(
            data["eventAttendanceMode"], "https://schema.org/OnlineEventAttendanceMode"
        )
        self.assertEqual(
            data["location"], {"@type": "VirtualLocation", "url": "https://visio.example.org/etape"}
        )
        self.assertNotIn("organizer", data)

    def test_event_hybrid_cancelled_and_safely_escaped(self):
        response = self.client.get(self.hybrid.url)
        self.assertNotIn("</script><script>alert(1)", response.content.decode())
        data = json_ld(response)
        self.assertEqual(data["name"], "Atelier hybride </script><script>alert(1)</script>")
        self.assertEqual(data["eventStatus"], "https://schema.org/EventCancelled")
        self.assertEqual(data["eventAttendanceMode"], "https://schema.org/MixedEventAttendanceMode")
        self.assertEqual(
            [place["@type"] for place in data["location"]], ["Place", "VirtualLocation"]
        )

    def test_listing_meta(self):
        response = self.client.get(self.index.url)
        self.assertEqual(meta(response, property="og:title"), "Les rencontres locales")
        self.assertIsNotNone(soup(response).find("link", type="application/atom+xml"))
