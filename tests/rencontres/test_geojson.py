"""``…/carte.geojson``: the listing's rencontres as RFC 7946 GeoJSON, live and public only."""

import json
from decimal import Decimal

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from tests.clock import frozen
from tests.factories import RencontrePageFactory
from tests.places import LYON, SAINT_ETIENNE, load_communes

from .public import in_days, make_private, online_rencontre, rencontre, site, soup


def at(point):
    return {"latitude": Decimal(f"{point[0]:.6f}"), "longitude": Decimal(f"{point[1]:.6f}")}


@frozen
class GeoJSONTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        load_communes()
        cls.centre = rencontre(
            cls.index,
            title="Atelier Saint-Étienne centre",
            start=in_days(3, hour=14),
            **at(SAINT_ETIENNE),
        )
        cls.lyon = rencontre(
            cls.index,
            title="Atelier Lyon",
            start=in_days(5, hour=18),
            departement_code="69",
            format="hybride",
            online_url="https://visio.example.org/lyon",
            **at(LYON),
        )
        cls.online = online_rencontre(cls.index, start=in_days(4))

    def geojson(self, **params):
        response = self.client.get(f"{self.index.url}carte.geojson", params)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/geo+json; charset=utf-8")
        return json.loads(response.content)

    def titles(self, **params):
        return [f["properties"]["title"] for f in self.geojson(**params)["features"]]

    def test_a_feature_collection_of_points_longitude_first(self):
        data = self.geojson()
        self.assertEqual(data["type"], "FeatureCollection")
        self.assertEqual(len(data["features"]), 2)  # the online one has no place
        feature = data["features"][0]
        self.assertEqual(feature["type"], "Feature")
        self.assertEqual(feature["id"], self.centre.pk)
        self.assertEqual(feature["geometry"], {"type": "Point", "coordinates": [4.39, 45.43389]})
        properties = feature["properties"]
        self.assertEqual(properties["title"], "Atelier Saint-Étienne centre")
        self.assertEqual(properties["url"], f"http://testserver{self.centre.url}")
        self.assertEqual(properties["start"], self.centre.local_start.isoformat())
        self.assertEqual(properties["end"], self.centre.local_end.isoformat())
        self.assertEqual(properties["format"], "presentiel")
        self.assertEqual(properties["format_label"], "Présentiel")
        self.assertEqual(properties["status"], "prevue")
        self.assertEqual(properties["status_label"], "Prévue")
        self.assertEqual(
            properties["place"], "Maison de quartier, 12 rue de la République, 42000 Saint-Étienne"
        )
        self.assertEqual(properties["point"], "manual")
        # RFC 7946: every position within WGS 84's bounds, longitude first.
        for feature in data["features"]:
            longitude, latitude = feature["geometry"]["coordinates"]
            self.assertTrue(-180 <= longitude <= 180 and -90 <= latitude <= 90)
            self.assertLess(abs(longitude), abs(latitude))  # France: longitude is the small one

    def test_filtered_as_the_listing_with_distances(self):
        self.assertEqual(self.titles(format="hybride"), ["Atelier Lyon"])
        data = self.geojson(pres="Saint-Étienne", distance="100")
        self.assertEqual(
            [(f["properties"]["title"], f["properties"]["distance_km"]) for f in data["features"]],
            [("Atelier Saint-Étienne centre", 0.0), ("Atelier Lyon", 49.9)],
        )
        bad = self.client.get(f"{self.index.url}carte.geojson", {"pres": "Saint-Pierre"})
        self.assertEqual(bad.status_code, 400)

    def test_a_rencontre_at_its_commune_centre_is_on_the_map(self):
        rencontre(
            self.index, title="Atelier Saint-Chamond", postcode="42400", commune="Saint-Chamond"
        )
        data = self.geojson()
        feature = next(
            f for f in data["features"] if f["properties"]["title"] == "Atelier Saint-Chamond"
        )
        self.assertEqual(feature["geometry"]["coordinates"], [4.51294, 45.4759])
        self.assertEqual(feature["properties"]["point"], "commune")

    def test_drafts_private_and_unpublished_rencontres_never_appear(self):
        RencontrePageFactory(
            parent=self.index, title="Brouillon jamais publié", live=False, **at(LYON)
        )
        private = rencontre(self.index, title="Atelier privé", **at(LYON))
        make_private(private)
        unpublished = rencontre(self.index, title="Atelier dépublié", **at(LYON))
        unpublished.unpublish()
        # A draft change of a live rencontre: its live title and place stay.
        self.centre.title = "Titre du brouillon"
        self.centre.latitude, self.centre.longitude = Decimal("48.85"), Decimal("2.35")
        self.centre.save_revision()
        data = self.geojson()
        self.assertEqual(
            [f["properties"]["title"] for f in data["features"]],
            ["Atelier Saint-Étienne centre", "Atelier Lyon"],
        )
        self.assertEqual(data["features"][0]["geometry"]["coordinates"], [4.39, 45.43389])

    def test_queries_do_not_grow_with_the_number_of_rencontres(self):
        url = f"{self.index.url}carte.geojson"
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for n in range(20):
            rencontre(self.index, title=f"Atelier n°{n}", revision=False, **at(SAINT_ETIENNE))
        self.client.get(url)  # the new pages made the fragments stale (rencontres.fragments)
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)
        self.assertEqual(len(json.loads(response.content)["features"]), 22)
        self.assertEqual(len(many.captured_queries), len(few.captured_queries))
        self.assertLessEqual(len(many.captured_queries), 12)

    def test_the_listing_links_to_it_and_carries_the_map(self):
        page = soup(self.client.get(self.index.url, {"format": "presentiel"}))
        link = page.find("a", string="Les lieux de ces rencontres (GeoJSON)")
        self.assertEqual(link["href"], f"{self.index.url}carte.geojson?format=presentiel")
        carte = page.select_one("[data-rencontres-map]")
        self.assertEqual(carte["data-geojson"], link["href"])
        self.assertEqual(carte["data-tiles"], "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
        self.assertIn("OpenStreetMap", carte["data-attribution"])
        section = page.select_one("[data-rencontres-map-section]")
        self.assertTrue(section.has_attr("hidden"))  # shown by its script only
        self.assertEqual(section.find("h2").get_text(), "Carte des rencontres de la liste")
        skip = section.select_one(".rencontres-carte__passer")
        self.assertEqual(skip["href"], "#carte-rencontres-apres")
        self.assertIsNotNone(page.find(id="carte-rencontres-apres"))
        scripts = [s["src"] for s in page.find_all("script", src=True)]
        self.assertTrue(any(src.endswith("rencontres/map.js") for src in scripts))
        self.assertFalse(
            [
                s
                for s in page.find_all("script")
                if not s.get("src") and s.string and s.get("type") != "application/ld+json"
            ]
        )

    @override_settings(
        RENCONTRES_MAP_TILES_URL="https://{s}.tuiles.example.org/{z}/{x}/{y}.png",
        RENCONTRES_MAP_TILES_ATTRIBUTION="© Tuiles d’exemple",
    )
    def test_the_tile_server_and_its_attribution_are_settings(self):
        carte = soup(self.client.get(self.index.url)).select_one("[data-rencontres-map]")
        self.assertEqual(carte["data-tiles"], "https://{s}.tuiles.example.org/{z}/{x}/{y}.png")
        self.assertEqual(carte["data-attribution"], "© Tuiles d’exemple")

    @override_settings(RENCONTRES_MAP_TILES_URL="")
    def test_without_a_tile_server_no_map_and_the_list_as_before(self):
        page = soup(self.client.get(self.index.url))
        self.assertIsNone(page.select_one("[data-rencontres-map-section]"))
        self.assertFalse([s for s in page.find_all("script", src=True) if "leaflet" in s["src"]])
        self.assertEqual(len(page.select(".rencontre-list .fr-card__title")), 3)
        detail = soup(self.client.get(self.centre.url))
        self.assertIsNone(detail.select_one("[data-rencontres-map]"))
        self.assertIsNotNone(detail.find("a", string="Voir le lieu sur une carte (OpenStreetMap)"))

    def test_the_content_security_policy_allows_the_tiles_and_no_inline_script(self):
        response = self.client.get(self.index.url)
        directives = {
            part.split()[0]: part.split()[1:]
            for part in response["Content-Security-Policy"].split(";")
            if part.strip()
        }
        self.assertIn("https://tile.openstreetmap.org", directives["img-src"])
        self.assertEqual(directives["script-src"], ["'self'"])
