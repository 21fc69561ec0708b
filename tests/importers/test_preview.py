"""The preview the admin shows before an import (``preview_import``): what would be
created, updated, left unchanged and skipped, with line numbers and reasons, and the
conflicts with the value here and in Decidim — and nothing written."""

import datetime as dt
import json

import pytest

from rencontres.importers.files import read_path
from rencontres.importers.service import perform_import, preview_import
from rencontres.models import ImportRecord

from .conftest import DATA, HOST, open_data_zip
from .test_import_command import DESCRIPTION_LABEL, bookkeeping, page

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin


def lines(changes):
    return [(change.line, change.decidim_id) for change in changes]


def test_the_preview_of_a_first_import_writes_nothing(site, tmp_path):
    export = read_path(open_data_zip(tmp_path / "decidim-open-data.zip"))
    before = bookkeeping()

    report = preview_import(site, export)

    assert bookkeeping() == before
    assert not ImportRecord.objects.exists()
    assert report.dry_run
    assert report.file == f"decidim-open-data.zip › {HOST}-open-data-meetings.csv"
    assert lines(report.created) == [(2, "101"), (3, "102"), (4, "103"), (5, "104"), (7, "105")]
    assert report.created[0].title == "Atelier territorial Vallée du Gier"
    assert report.counts == {
        "created": 5, "updated": 0, "unchanged": 0, "skipped": 0, "conflicts": 0, "inferred": 0
    }  # fmt: skip
    # The same decisions as the import itself.
    done = perform_import(site, export)
    assert lines(done.created) == lines(report.created)
    assert not done.dry_run


def test_the_preview_of_a_newer_export_shows_updates_unchanged_rows_and_conflicts(site):
    perform_import(site, read_path(DATA / "meetings_v028.csv"))
    seed = page("101")
    # An editor, here, moves the workshop to 16:00 and shortens « Comment ? »;
    # Decidim moved it to 15:00 and added a bullet.
    seed.start += dt.timedelta(hours=2)
    seed.end += dt.timedelta(hours=2)
    description = list(seed.description.raw_data)
    comment = next(block for block in description if block["type"] == "comment")
    comment["value"]["items"] = comment["value"]["items"][:1]
    seed.description = description
    seed.save_revision().publish()
    before = bookkeeping()

    report = preview_import(site, read_path(DATA / "meetings_v028_update.csv"))

    assert bookkeeping() == before
    assert lines(report.updated) == [(3, "102")]
    assert report.updated[0].fields == ["title", "online_url"]
    # 101: what Decidim changed conflicts with what was changed here; nothing to write.
    assert lines(report.unchanged) == [(2, "101"), (4, "103"), (5, "104"), (7, "105")]
    assert report.unchanged[1].title == "Rencontre des conseils citoyens de Pointe-à-Pitre"
    [conflict] = report.conflicts
    assert (conflict.line, conflict.decidim_id, conflict.language) == (2, "101", "fr")
    values = {value.label: (value.here, value.decidim) for value in conflict.values}
    assert set(values) == {DESCRIPTION_LABEL, "début", "fin"}
    assert values["début"] == ("jeudi 16 mai 2030, 16:00", "jeudi 16 mai 2030, 15:00")
    assert values["fin"] == ("jeudi 16 mai 2030, 19:00", "jeudi 16 mai 2030, 18:00")
    here, decidim = values[DESCRIPTION_LABEL]
    assert "Goûter offert aux participants" in decidim
    assert "Goûter offert aux participants" not in here
    assert "Méthodologies créatives et participatives" not in here

    # As JSON (to keep the report) and as table rows (its CSV download).
    data = json.loads(json.dumps(report.as_dict()))
    assert data["counts"]["conflicts"] == 1
    assert data["updated"][0]["labels"] == ["Titre", "lien de la rencontre en ligne"]
    assert data["conflicts"][0]["values"][1]["here"] == "jeudi 16 mai 2030, 16:00"
    rows = report.rows()
    assert rows[0] == [
        "ligne", "id Decidim", "titre", "résultat", "détail", "champ", "valeur ici",
        "valeur Decidim",
    ]  # fmt: skip
    # One row per event, in the order of the file; the conflicts, field by field, last.
    assert [row[:4] for row in rows[1:3]] == [
        [2, "101", "Atelier territorial Vallée du Gier", "inchangée"],
        [3, "102", "Webinaire : le nouveau contrat de ville expliqué", "serait mise à jour"],
    ]
    assert rows[2][4] == "Titre, lien de la rencontre en ligne"
    assert [2, "101", "Atelier territorial Vallée du Gier", "conflit", "valeur d’ici conservée",
            "début", "jeudi 16 mai 2030, 16:00", "jeudi 16 mai 2030, 15:00"] in rows  # fmt: skip


def test_the_preview_lists_skipped_rows_with_their_line_and_reasons(site):
    report = preview_import(site, read_path(DATA / "meetings_errors.csv"))

    skipped = {error.decidim_id: (error.line, error.reasons) for error in report.skipped}
    assert skipped["302"] == (4, ["titre manquant (title/fr)"])
    assert skipped["303"] == (6, ["date de début illisible : « le 12 septembre »"])
    assert lines(report.created) == [(2, "301"), (12, "306")]
    assert [4, "302", "", "serait ignorée", "titre manquant (title/fr)", "", "", ""] in (
        report.rows()
    )


def test_the_preview_lists_the_formats_inferred(site):
    report = preview_import(site, read_path(DATA / "meetings_v027_online.csv"))

    inferred = {item.decidim_id: (item.format, item.reason) for item in report.inferred}
    assert inferred["211"] == ("en_ligne", "pas d’adresse, lieu « En ligne »")
    assert inferred["213"] == ("hybride", "une adresse et un lien de connexion")
    assert "214" not in inferred  # skipped: no commune
    assert [2, "211", "Webinaire de lancement des ateliers", "format déduit",
            "En ligne : pas d’adresse, lieu « En ligne »", "", "", ""] in report.rows()  # fmt: skip
