"""Reading Decidim's formats: line numbers, times, addresses, départements."""

import datetime as dt

import pytest

from rencontres.importers.decidim import (
    DepartementLookup,
    MeetingMapper,
    RowError,
    SourceRow,
    parse_address,
    parse_datetime,
    parse_export,
)
from rencontres.models import Departement

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

JSON_EXPORT = b"""[
  {
    "id": 1,
    "title": {"fr": "Premier atelier"},
    "start_time": "2030-05-16T14:00:00.000+02:00",
    "end_time": "2030-05-16T17:00:00.000+02:00"
  },
  {
    "id": 2,
    "title": {"fr": ""},
    "start_time": "2030-05-16T14:00:00.000+02:00",
    "end_time": "2030-05-16T17:00:00.000+02:00"
  }
]
"""


def test_json_rows_know_the_line_they_start_on():
    rows = parse_export(JSON_EXPORT)
    assert [(row.line, row.data["id"]) for row in rows] == [(2, 1), (8, 2)]


def test_csv_rows_know_their_line_even_after_a_multiline_value():
    export = (
        "id;title/fr;description/fr;start_time;end_time;colonne/inconnue\n"
        '1;Un;"Première ligne\nseconde ligne";2030-05-16 14:00:00 +0200;'
        "2030-05-16 17:00:00 +0200;x\n"
        "2;Deux;;2030-05-17 14:00:00 +0200;2030-05-17 17:00:00 +0200;y\n"
    ).encode()
    rows = parse_export(export)
    assert [(row.line, row.data["title"]["fr"]) for row in rows] == [(2, "Un"), (4, "Deux")]
    assert rows[0].data["colonne"] == {"inconnue": "x"}  # read, never used


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2030-05-16T14:00:00.000+02:00", dt.datetime(2030, 5, 16, 12, 0, tzinfo=dt.UTC)),
        ("2030-05-16 14:00:00 +0200", dt.datetime(2030, 5, 16, 12, 0, tzinfo=dt.UTC)),
        ("2023-10-07 09:00:00 -0400", dt.datetime(2023, 10, 7, 13, 0, tzinfo=dt.UTC)),
        ("2030-05-16 12:00:00 UTC", dt.datetime(2030, 5, 16, 12, 0, tzinfo=dt.UTC)),
        ("2030-05-16T12:00:00Z", dt.datetime(2030, 5, 16, 12, 0, tzinfo=dt.UTC)),
        ("2030-05-16 12:00:00", dt.datetime(2030, 5, 16, 12, 0, tzinfo=dt.UTC)),  # 0.27: UTC
    ],
)
def test_decidim_times_keep_their_offset(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() is not None


@pytest.mark.parametrize("text", ["", "16/05/2030 14h", "2030-13-45 14:00:00", "demain"])
def test_unreadable_times(text):
    with pytest.raises(ValueError):
        parse_datetime(text)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (
            "12 rue de la République, 42400 Saint-Chamond, France",
            ("12 rue de la République", "42400", "Saint-Chamond"),
        ),
        (
            "Place de la Victoire, 97110 Pointe-à-Pitre",
            ("Place de la Victoire", "97110", "Pointe-à-Pitre"),
        ),
        ("Vaulx-en-Velin (69120)", ("", "69120", "Vaulx-en-Velin")),
        ("2 bd Gay-Lussac 13014 Marseille", ("2 bd Gay-Lussac", "13014", "Marseille")),
        ("Salle des fêtes", ("Salle des fêtes", "", "")),
        ("", ("", "", "")),
    ],
)
def test_postcode_and_commune_come_out_of_the_address(address, expected):
    assert parse_address(address) == expected


@pytest.mark.django_db
def test_scopes_and_taxonomies_name_the_departement():
    mapper = MeetingMapper(DepartementLookup(Departement.objects.all()), "fr", ["fr", "en"])
    base = {
        "id": "9",
        "title": {"fr": "Atelier"},
        "start_time": "2030-05-16 14:00:00 +0200",
        "end_time": "2030-05-16 17:00:00 +0200",
        "address": "1 place de l’Hôtel de ville, 20000 Ajaccio",
    }

    def departement(**extra):
        meeting = mapper.map(SourceRow(2, {**base, **extra}))
        return meeting if isinstance(meeting, RowError) else meeting.fields["departement"]

    assert departement(scope={"name": {"fr": "2A - Corse-du-Sud"}}).code == "2A"
    assert departement(scope={"name": {"fr": "Loire"}}).code == "42"
    assert departement(scope={"name": {"fr": ""}}) is None
    # 0.30 taxonomies: a theme is not a place, "988 - …" is.
    assert (
        departement(
            taxonomies={
                "ids": "4, 5",
                "4": {"fr": "Emploi"},
                "5": {"fr": "988 - Nouvelle-Calédonie"},
            }
        ).code
        == "988"
    )
    error = departement(scope={"name": {"fr": "99 - Nulle part"}})
    assert error.reasons == ["département inconnu : « 99 - Nulle part »"]
