"""« Près de »: the listing, its calendar and its feed filtered by distance from a place.

Points are typed (exact distances) except one at its commune's centre; the communes
are the test fixture (tests/places.py). Distances are great-circle ones.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import TestCase
from icalendar import Calendar

from rencontres.places.distance import KM_PER_DEGREE, haversine_km
from tests.clock import frozen
from tests.places import LYON, RIVE_DE_GIER, SAINT_ETIENNE, load_communes

from .public import card_titles, count_text, in_days, online_rencontre, rencontre, site, soup, text


def north_of(origin, km):
    """The point ``km`` due north of ``origin`` (along a meridian: exact distance)."""
    return Decimal(f"{origin[0] + km / KM_PER_DEGREE:.6f}"), Decimal(f"{origin[1]:.6f}")


def at(point):
    return {"latitude": Decimal(f"{point[0]:.6f}"), "longitude": Decimal(f"{point[1]:.6f}")}


@frozen
class NearListingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        load_communes()
        cls.centre = rencontre(
            cls.index, title="Atelier Saint-Étienne centre", start=in_days(9), **at(SAINT_ETIENNE)
        )
        cls.gier = rencontre(
            cls.index,
            title="Atelier Vallée du Gier",
            start=in_days(3),
            postcode="42800",
            commune="Rive-de-Gier",
            **at(RIVE_DE_GIER),
        )
        # No coordinates: at its commune's centre (Genilac, by its postcode's neighbour).
        cls.genilac = rencontre(
            cls.index,
            title="Atelier Genilac",
            start=in_days(5),
            address="",
            postcode="42800",
            commune="Genilac",
        )
        cls.lyon = rencontre(
            cls.index, title="Atelier Lyon", start=in_days(2), departement_code="69", **at(LYON)
        )
        cls.online = online_rencontre(cls.index, start=in_days(4))
        latitude, longitude = north_of(SAINT_ETIENNE, 24.95)
        cls.inside = rencontre(
            cls.index,
            title="Atelier à 24,95 km",
            start=in_days(6),
            latitude=latitude,
            longitude=longitude,
        )
        latitude, longitude = north_of(SAINT_ETIENNE, 25.05)
        cls.outside = rencontre(
            cls.index,
            title="Atelier à 25,05 km",
            start=in_days(7),
            latitude=latitude,
            longitude=longitude,
        )

    def get(self, suffix="", **params):
        return self.client.get(f"{self.index.url}{suffix}", params)

    def test_nearest_first_within_the_radius_each_card_saying_how_far(self):
        response = self.get(pres="Saint-Étienne", distance="25")
        self.assertEqual(
            card_titles(response),
            [
                "Atelier Saint-Étienne centre",
                "Atelier Vallée du Gier",
                "Atelier Genilac",
                "Atelier à 24,95 km",
            ],
        )
        distances = [
            text(span) for span in soup(response).select(".rencontre-list .rencontre-distance")
        ]
        self.assertEqual(distances, ["à moins d’1 km", "à 21 km", "à 21 km", "à 25 km"])
        self.assertAlmostEqual(haversine_km(*SAINT_ETIENNE, *RIVE_DE_GIER), 20.6, delta=0.05)
        self.assertEqual(count_text(response), "4 rencontres trouvées")
        self.assertIn("à 25 km au plus de Saint-Étienne", text(soup(response).find("title")))

    def test_radius_edges(self):
        titles = card_titles(self.get(pres="42000", distance="25"))
        self.assertIn("Atelier à 24,95 km", titles)
        self.assertNotIn("Atelier à 25,05 km", titles)
        self.assertIn("Atelier à 25,05 km", card_titles(self.get(pres="42000", distance="50")))

    def test_a_larger_radius_reaches_lyon(self):
        self.assertNotIn("Atelier Lyon", card_titles(self.get(pres="Saint-Étienne")))  # 25 km
        titles = card_titles(self.get(pres="Saint-Étienne", distance="100"))
        self.assertEqual(titles[-1], "Atelier Lyon")  # 50 km, the farthest

    def test_online_rencontres_are_listed_apart(self):
        response = self.get(pres="Saint-Étienne", distance="25")
        section = soup(response).select_one(".rencontres-en-ligne")
        self.assertEqual(text(section.find("h2")), "En ligne")
        self.assertEqual(
            [text(h) for h in section.select(".fr-card__title")], ["Point d’étape en ligne"]
        )
        self.assertNotIn("Point d’étape en ligne", card_titles(response)[:4])
        # Not there when the visitor asked for présentiel only.
        response = self.get(pres="Saint-Étienne", format="presentiel")
        self.assertIsNone(soup(response).select_one(".rencontres-en-ligne"))

    def test_many_online_rencontres_show_the_next_ones_and_a_link_to_all(self):
        for n in range(1, 5):
            online_rencontre(self.index, title=f"Webinaire {n}", start=in_days(4 + n))
        section = soup(self.get(pres="Saint-Étienne")).select_one(".rencontres-en-ligne")
        self.assertEqual(
            text(section.find("p")),
            "5 rencontres en ligne, accessibles de partout, répondent aussi aux autres filtres.",
        )
        self.assertEqual(
            [text(h) for h in section.select(".fr-card__title")],
            ["Point d’étape en ligne", "Webinaire 1", "Webinaire 2", "Webinaire 3"],
        )
        link = section.find("a", string="Voir toutes les rencontres en ligne")
        self.assertEqual(link["href"], f"{self.index.url}?format=en_ligne")

    def test_other_filters_still_apply(self):
        response = self.get(pres="Saint-Étienne", distance="100", departement="69")
        self.assertEqual(card_titles(response), ["Atelier Lyon"])

    def test_an_ambiguous_name_offers_its_communes_and_the_other_filters_apply(self):
        response = self.get(pres="Saint-Pierre", format="presentiel")
        page = soup(response)
        errors = page.select_one("#filtres-erreurs")
        self.assertIn(
            "Près de : Plusieurs communes répondent à « Saint-Pierre » : choisissez la vôtre.",
            text(errors),
        )
        links = errors.select(".rencontre-communes a")
        self.assertEqual(
            [text(a) for a in links],
            [
                "Saint-Pierre (974 - La Réunion)",
                "Saint-Pierre (975 - Saint-Pierre-et-Miquelon)",
                "Saint-Pierre (67 - Bas-Rhin)",
            ],
        )
        self.assertIn("pres=Saint-Pierre+%28974%29", links[0]["href"])
        self.assertIn("format=presentiel", links[0]["href"])
        # The format filter applied, « Près de » did not.
        self.assertNotIn("Point d’étape en ligne", card_titles(response))
        self.assertIn("Atelier Lyon", card_titles(response))

    def test_an_unknown_place_gets_a_message(self):
        response = self.get(pres="Blorpville")
        field = soup(response).select_one("#filtre-pres")
        self.assertEqual(field["aria-invalid"], "true")
        self.assertIn(
            "Nous ne connaissons pas de commune « Blorpville »",
            text(soup(response).select_one("#filtre-pres-erreur")),
        )
        self.assertEqual(len(card_titles(response)), 7)

    def test_the_calendar_and_the_feed_honour_the_place(self):
        response = self.get("agenda.ics", pres="Saint-Étienne", distance="25")
        calendar = Calendar.from_ical(response.content)
        summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
        self.assertEqual(
            summaries,
            [
                "Atelier Saint-Étienne centre",
                "Atelier Vallée du Gier",
                "Atelier Genilac",
                "Atelier à 24,95 km",
            ],
        )
        feed = self.get("flux/", pres="Saint-Étienne", distance="25").content.decode()
        self.assertIn("<title>Atelier Genilac</title>", feed)
        self.assertNotIn("<title>Atelier Lyon</title>", feed)
        bad = self.get("agenda.ics", pres="Saint-Pierre")
        self.assertEqual(bad.status_code, 400)
        self.assertIn("Plusieurs communes répondent à « Saint-Pierre »", bad.content.decode())

    def test_a_past_rencontre_near_the_place(self):
        rencontre(
            self.index,
            title="Atelier passé",
            start=in_days(-20),
            end=in_days(-20) + dt.timedelta(hours=2),
            **at(SAINT_ETIENNE),
        )
        response = self.get(pres="Saint-Étienne", periode="passees")
        self.assertEqual(card_titles(response), ["Atelier passé"])


@pytest.mark.sqlite
def test_near_works_on_the_quick_start_database(client, db):
    """`make run` uses SQLite: the bounding box and the distances in SQL work there too."""
    _home, index = site()
    load_communes()
    rencontre(index, title="Atelier Lyon", start=in_days(2), departement_code="69", **at(LYON))
    rencontre(index, title="Atelier Vallée du Gier", start=in_days(3), **at(RIVE_DE_GIER))
    rencontre(
        index,
        title="Atelier Saint-Chamond",
        start=in_days(4),
        commune="Saint-Chamond",
        postcode="42400",
        address="",
    )  # at its commune's centre
    response = client.get(index.url, {"pres": "st etienne", "distance": "100"})
    assert card_titles(response) == [
        "Atelier Saint-Chamond",
        "Atelier Vallée du Gier",
        "Atelier Lyon",
    ]
    geojson = client.get(f"{index.url}carte.geojson", {"pres": "42000", "distance": "25"})
    assert [f["properties"]["title"] for f in geojson.json()["features"]] == [
        "Atelier Saint-Chamond",
        "Atelier Vallée du Gier",
    ]
