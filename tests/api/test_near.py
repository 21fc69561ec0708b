"""``near`` and ``radius_km`` in API v2 and v3: the nearest first, each with its distance."""

import json
from decimal import Decimal

import pytest

from rencontres.places.distance import haversine_km
from tests.factories import RencontrePageFactory, build_site, departement
from tests.places import LYON, RIVE_DE_GIER, SAINT_ETIENNE, load_communes

from .helpers import V2, V3, in_days, publish

pytestmark = pytest.mark.django_db


def at(point):
    return {"latitude": Decimal(f"{point[0]:.6f}"), "longitude": Decimal(f"{point[1]:.6f}")}


@pytest.fixture
def rencontres():
    _home, index = build_site()
    load_communes()

    def make(title, days, point=None, **fields):
        fields = {**(at(point) if point else {}), **fields}
        return publish(
            RencontrePageFactory(parent=index, title=title, start=in_days(days), **fields)
        )

    return {
        "lyon": make("Atelier Lyon", 1, LYON, departement=departement("69")),
        "gier": make("Atelier Vallée du Gier", 2, RIVE_DE_GIER, postcode="42800"),
        "centre": make("Atelier Saint-Étienne centre", 3, SAINT_ETIENNE),
        "online": make(
            "Point d’étape en ligne",
            4,
            format="en_ligne",
            online_url="https://visio.example.org/etape",
            venue="",
            address="",
            postcode="",
            commune="",
            departement=None,
        ),
    }


def items(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    data = response.json()
    return data["items"]


@pytest.mark.parametrize("url", [V2, V3])
@pytest.mark.parametrize("near", ["Saint-Étienne", "st etienne", "42000", "45.43389,4.39"])
def test_near_a_commune_a_postcode_or_coordinates(client, rencontres, url, near):
    found = items(client, url, near=near, radius_km=60)
    assert [item["title"] for item in found] == [
        "Atelier Saint-Étienne centre",
        "Atelier Vallée du Gier",
        "Atelier Lyon",
    ]
    assert [item["distance_km"] for item in found] == [
        0.0,
        round(haversine_km(*SAINT_ETIENNE, *RIVE_DE_GIER), 1),
        round(haversine_km(*SAINT_ETIENNE, *LYON), 1),
    ]


@pytest.mark.parametrize("url", [V2, V3])
def test_the_radius_defaults_to_25_km_and_distance_is_null_without_near(client, rencontres, url):
    assert [i["title"] for i in items(client, url, near="Saint-Étienne")] == [
        "Atelier Saint-Étienne centre",
        "Atelier Vallée du Gier",
    ]
    assert {i["distance_km"] for i in items(client, url)} == {None}


@pytest.mark.parametrize("url", [V2, V3])
def test_near_with_other_filters_and_an_explicit_order(client, rencontres, url):
    found = items(
        client, url, near="Saint-Étienne", radius_km=100, departement="42", order="-start"
    )
    assert [i["title"] for i in found] == ["Atelier Saint-Étienne centre", "Atelier Vallée du Gier"]


def test_v2_bad_places_are_400_with_the_candidates(client, rencontres):
    response = client.get(V2, {"near": "Saint-Pierre"})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "near: Plusieurs communes répondent à « Saint-Pierre » : Saint-Pierre (974); "
        "Saint-Pierre (975); Saint-Pierre (67)."
    )
    response = client.get(V2, {"near": "Blorpville"})
    assert response.status_code == 400
    assert "Nous ne connaissons pas de commune « Blorpville »" in response.json()["message"]
    assert client.get(V2, {"near": "Lyon", "radius_km": "0"}).status_code == 400
    assert client.get(V2, {"near": "Lyon", "radius_km": "501"}).status_code == 400


def test_v3_bad_places_are_422_on_the_parameter(client, rencontres):
    response = client.get(V3, {"near": "Saint-Pierre"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    (error,) = json.loads(response.content)["errors"]
    assert error["loc"][-1] == "near"
    assert "Saint-Pierre (974)" in error["msg"]
    assert client.get(V3, {"radius_km": "abc"}).status_code == 422


def test_the_schema_documents_the_parameters(client, rencontres):
    schema = client.get("/api/v3/openapi.json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v3/rencontres/"]["get"]["parameters"]}
    assert "commune" in parameters["near"]["description"]
    assert parameters["radius_km"]["schema"]["anyOf"][0]["maximum"] == 500
