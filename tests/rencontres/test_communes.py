"""The list of communes (``manage.py load_communes``) and what « Près de » resolves to.

The communes are a small fixture written by the test in the npm packages' formats
(tests/places.py) and loaded by the real command.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from rencontres.models import Commune, PointSource
from rencontres.models.places import points_moved
from rencontres.places.communes import relocate_rencontres
from rencontres.places.distance import haversine_km
from rencontres.places.resolve import resolve
from tests.factories import build_site
from tests.places import (
    COMMUNES,
    LYON,
    RIVE_DE_GIER,
    SAINT_ETIENNE,
    GeocoderServer,
    feature,
    load_communes,
)

from .public import rencontre

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes():
    return load_communes()


def point(text):
    resolution = resolve(text)
    assert resolution.place is not None, (text, resolution)
    return round(resolution.place.latitude, 5), round(resolution.place.longitude, 5)


def test_the_command_loads_every_commune_with_its_postcodes_and_reports(communes):
    assert Commune.objects.count() == len(COMMUNES)
    assert "27 communes chargées" in communes
    saint_etienne = Commune.objects.get(code="42218")
    assert saint_etienne.name == "Saint-Étienne"
    assert saint_etienne.search_name == "saint etienne"
    assert sorted(saint_etienne.postcodes.values_list("postcode", flat=True)) == [
        "42000",
        "42100",
        "42230",
    ]


def test_points_come_from_geonames_then_parent_then_postcode_then_departement(communes):
    sources = dict(Commune.objects.values_list("code", "point_source"))
    assert sources["42218"] == PointSource.GEONAMES
    assert sources["69383"] == PointSource.GEONAMES  # « Lyon 03 » in GeoNames
    assert sources["75111"] == PointSource.PARENT  # no Paris arrondissement in GeoNames
    assert sources["42101"] == PointSource.POSTCODE  # Genilac shares 42800 with Rive-de-Gier
    assert sources["42167"] == PointSource.DEPARTEMENT  # Pavezin: nothing closer known
    assert sources["97701"] == PointSource.DEPARTEMENT  # Saint-Barthélemy: Gustavia
    genilac = Commune.objects.get(code="42101")
    assert (float(genilac.latitude), float(genilac.longitude)) == RIVE_DE_GIER
    pavezin = Commune.objects.get(code="42167")
    # The mean of the Loire's places: Saint-Étienne, Rive-de-Gier, Saint-Chamond.
    assert float(pavezin.latitude) == pytest.approx((45.43389 + 45.52861 + 45.47590) / 3, abs=1e-6)


def test_loading_again_replaces_the_list(communes):
    load_communes()
    assert Commune.objects.count() == len(COMMUNES)


def test_missing_packages_are_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Installez les paquets npm"):
        call_command("load_communes", packages=str(tmp_path))


def test_if_empty_keeps_a_loaded_list(communes, tmp_path):
    call_command("load_communes", "--if-empty", packages=str(tmp_path))  # no files needed
    assert Commune.objects.count() == len(COMMUNES)


@pytest.mark.parametrize(
    "typed", ["Saint-Étienne", "saint etienne", "St Etienne", "ST-ÉTIENNE", "st-étienne", "42000"]
)
def test_saint_etienne_however_it_is_written(communes, typed):
    assert point(typed) == SAINT_ETIENNE


def test_saint_etienne_du_rouvray_is_another_commune(communes):
    assert point("St-Étienne-du-Rouvray") == (49.37794, 1.10467)


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("Paris 11e", "Paris 11e Arrondissement"),
        ("paris 11", "Paris 11e Arrondissement"),
        ("Paris 1er arrondissement", "Paris 1er Arrondissement"),
        ("75019", "75019 (Paris 19e Arrondissement)"),
        ("Lyon 3e", "Lyon 3e Arrondissement"),
        ("69003", "69003 (Lyon 3e Arrondissement)"),
        ("Marseille 8e", "Marseille 8e Arrondissement"),
        ("13008", "13008 (Marseille 8e Arrondissement)"),
        ("Lyon", "Lyon"),
    ],
)
def test_arrondissements_of_paris_lyon_and_marseille(communes, typed, label):
    assert resolve(typed).place.label == label


def test_an_arrondissement_has_its_own_point_when_geonames_has_one(communes):
    assert point("Lyon 3e") == (45.76124, 4.85184)
    assert point("13008") == (43.27083, 5.3821)
    assert point("Lyon") == LYON
    assert point("Paris 11e") == (48.85341, 2.3488)  # Paris's, GeoNames has none of its own


@pytest.mark.parametrize(
    ("postcode", "name", "expected"),
    [
        ("97100", "Basse-Terre", (15.99714, -61.73214)),
        ("97200", "Fort-de-France", (14.60365, -61.07418)),
        ("97300", "Cayenne", (4.93333, -52.33333)),
        ("97400", "Saint-Denis", (-20.88231, 55.4504)),
        ("97410", "Saint-Pierre", (-21.3393, 55.47811)),
        ("97500", "Saint-Pierre", (46.78104, -56.1773)),
        ("97600", "Mamoudzou", (-12.78234, 45.22878)),
        ("97133", "Saint-Barthélemy", (17.89618, -62.84978)),
        ("98800", "Nouméa", (-22.27407, 166.44884)),
    ],
)
def test_overseas_postcodes(communes, postcode, name, expected):
    resolution = resolve(postcode)
    assert resolution.place.label == f"{postcode} ({name})"
    assert point(postcode) == expected


def test_an_ambiguous_name_offers_the_candidates_most_populous_first(communes):
    resolution = resolve("Saint-Pierre")
    assert resolution.place is None
    assert [c.label for c in resolution.candidates] == [
        "Saint-Pierre (974 - La Réunion)",
        "Saint-Pierre (975 - Saint-Pierre-et-Miquelon)",
        "Saint-Pierre (67 - Bas-Rhin)",
    ]
    # Each candidate, typed back, is that commune alone.
    assert point(resolution.candidates[1].value) == (46.78104, -56.1773)
    assert point("Saint-Pierre (974)") == (-21.3393, 55.47811)
    assert point("Saint-Denis (93)") == (48.93564, 2.35387)


def test_a_name_with_its_postcode_is_not_ambiguous(communes):
    assert point("97410 Saint-Pierre") == (-21.3393, 55.47811)
    assert point("Saint-Denis 93200") == (48.93564, 2.35387)


def test_a_beginning_of_name_offers_the_communes_it_begins(communes):
    values = [c.value for c in resolve("Saint-Éti").candidates]
    assert values == ["Saint-Étienne (42)", "Saint-Étienne-du-Rouvray (76)"]


def test_unknown_places_get_a_message(communes):
    assert resolve("Blorpville").error == (
        "Nous ne connaissons pas de commune « Blorpville » : vérifiez son orthographe ou "
        "saisissez son code postal."
    )
    assert resolve("99999").error == "Aucune commune connue n’a le code postal 99999."
    assert resolve("95.1,4.3").error == "Ces coordonnées sont hors des limites de la Terre."


def test_coordinates(communes):
    place = resolve("45.5, 4.6").place
    assert (place.latitude, place.longitude) == (45.5, 4.6)


def test_haversine_distances():
    assert haversine_km(*SAINT_ETIENNE, *SAINT_ETIENNE) == 0
    # Saint-Étienne – Lyon: 50 km as the crow flies (49.9).
    assert haversine_km(*SAINT_ETIENNE, *LYON) == pytest.approx(49.86, abs=0.01)
    # One degree of latitude: 111.2 km anywhere.
    assert haversine_km(-22.0, 166.0, -21.0, 166.0) == pytest.approx(111.19, abs=0.01)


def test_a_name_the_list_does_not_know_is_asked_to_the_geocoder_once(communes):
    answer = feature(45.2833, 4.2, "Marlhes", citycode="42139", postcode="42660")
    answer["properties"]["type"] = "municipality"
    with (
        GeocoderServer(answers={"Marlhes": answer}) as server,
        override_settings(RENCONTRES_GEOCODER_URL=server.url),
    ):
        assert point("Marlhes") == (45.2833, 4.2)
        assert point("Marlhes") == (45.2833, 4.2)  # the kept answer
        assert resolve("Blorpville").error.startswith("Nous ne connaissons pas de commune")
        assert resolve("Blorpville").error  # kept too: not asked again
    assert server.requests == [("/search/", "Marlhes"), ("/search/", "Blorpville")]
    # Names of the list never reach the geocoder.
    assert point("Saint-Étienne") == SAINT_ETIENNE


def test_a_failing_geocoder_leaves_the_message_and_is_asked_again(communes):
    with (
        GeocoderServer(status=503) as server,
        override_settings(RENCONTRES_GEOCODER_URL=server.url),
    ):
        assert resolve("Marlhes").error.startswith("Nous ne connaissons pas de commune")
        assert resolve("Marlhes").error
    assert server.requests == [("/search/", "Marlhes"), ("/search/", "Marlhes")]


def test_a_new_list_moves_the_rencontres_at_a_commune_centre_and_announces_them(
    communes, django_capture_on_commit_callbacks
):
    _home, index = build_site()
    page = rencontre(index, address="", postcode="42800", commune="Genilac")
    typed = rencontre(
        index, title="Autre", address="", latitude=Decimal("45.5"), longitude=Decimal("4.5")
    )
    assert (float(page.map_latitude), float(page.map_longitude)) == RIVE_DE_GIER
    # Genilac's point changes (a new version of the packages, say).
    Commune.objects.filter(code="42101").update(latitude=45.53, longitude=4.58)
    announced = []

    def receiver(sender, page_ids, **kwargs):
        announced.append((sender, page_ids))

    points_moved.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            moved = relocate_rencontres()
    finally:
        points_moved.disconnect(receiver)
    page.refresh_from_db()
    typed.refresh_from_db()
    assert moved == 1
    assert (float(page.map_latitude), float(page.map_longitude)) == (45.53, 4.58)
    assert (float(typed.map_latitude), float(typed.map_longitude)) == (45.5, 4.5)
    assert announced == [(Commune, [page.pk])]
