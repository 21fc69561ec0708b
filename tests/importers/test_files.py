"""The file Decidim serves: its open-data ZIP as it comes, and every bad file refused
with one French message before anything is written."""

import io
import struct
import zipfile

import pytest
from django.core.management.base import CommandError

from rencontres.importers.decidim import RefusedFile
from rencontres.importers.files import read_bytes
from rencontres.models import ImportRecord, RencontrePage

from .conftest import DATA, HOST, open_data_zip
from .test_import_command import bookkeeping, page

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

MEETINGS = f"{HOST}-open-data-meetings.csv"


def refused(run_import, path):
    """Run the command on ``path``; return its message, checking nothing was written."""
    before = bookkeeping()
    with pytest.raises(CommandError) as error:
        run_import(str(path))
    assert bookkeeping() == before
    assert not ImportRecord.objects.exists()
    message = str(error.value)
    assert message.endswith("Rien n’a été importé.")
    return message


def zip_of(path, members, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


# -- the open-data ZIP ---------------------------------------------------------------------


def test_the_open_data_zip_is_imported_as_decidim_serves_it(run_import, tmp_path):
    archive = open_data_zip(tmp_path / "decidim-open-data.zip")

    out = run_import(str(archive))

    assert f"Import de « decidim-open-data.zip › {MEETINGS} »" in out
    assert "créées : 5" in out and "ignorées : 0" in out
    assert page("101").title == "Atelier territorial Vallée du Gier"
    # Proposals, comments, results, debates and processes are ignored.
    titles = set(RencontrePage.objects.values_list("title", flat=True))
    assert not titles & {"Quelle place pour les jeunes ?", "Plus de bancs place du Peuple"}
    # The same meetings again, zipped or not, change nothing.
    assert "inchangées : 5" in run_import(str(archive))
    assert "inchangées : 5" in run_import("meetings_v028.csv")


def test_a_0_27_open_data_zip_without_readme(run_import, tmp_path):
    archive = open_data_zip(
        tmp_path / "open-data.zip", "meetings_v027_online.csv", others=("proposals",), readme=False
    )

    out = run_import(str(archive))

    assert "créées : 5" in out
    assert page("211").format == "en_ligne"


def test_the_meetings_file_of_an_admin_export_zip(run_import, tmp_path):
    archive = zip_of(
        tmp_path / "export.zip",
        {"meetings-2030-05-02-36000.json": (DATA / "meetings_v028.json").read_bytes()},
    )

    out = run_import(str(archive))

    assert "› meetings-2030-05-02-36000.json »" in out
    assert "créées : 5" in out


def test_a_zip_without_meetings_is_refused(run_import, tmp_path):
    others = ("proposals", "results")
    archive = open_data_zip(tmp_path / "donnees.zip", meetings=None, others=others)

    message = refused(run_import, archive)

    assert message.startswith("« donnees.zip » ne contient pas les rencontres de Decidim")
    assert f"{HOST}-open-data-proposals.csv, {HOST}-open-data-results.csv" in message


@pytest.mark.parametrize(
    ("source", "name", "what"),
    [
        # Named by Decidim: the name says it.
        ("open_data/proposals.csv", f"{HOST}-open-data-proposals.csv", "les propositions"),
        ("open_data/meeting_comments.csv", f"{HOST}-open-data-meeting_comments.csv",
         "les commentaires des rencontres"),
        # Renamed: the columns say it (a debate has an id, a title, a start and an end).
        ("open_data/debates.csv", "export.csv", "les débats"),
        ("open_data/proposal_comments.csv", "rencontres.csv", "des commentaires"),
    ],
)  # fmt: skip
def test_the_file_of_another_component_is_refused(run_import, tmp_path, source, name, what):
    path = tmp_path / name
    path.write_bytes((DATA / source).read_bytes())

    message = refused(run_import, path)

    assert message.startswith(
        f"« {name} » contient {what} de Decidim, pas ses rencontres. Importez le fichier des "
        "rencontres (« …-open-data-meetings.csv ») ou l’archive ZIP"
    )


def test_a_zip_holding_only_another_component_says_which(run_import, tmp_path):
    archive = open_data_zip(tmp_path / "d.zip", meetings=None, others=("debates",), readme=False)

    message = refused(run_import, archive)

    assert message.startswith(
        f"« d.zip › {HOST}-open-data-debates.csv » contient les débats de Decidim"
    )


def test_a_zip_with_two_meetings_files_is_refused(run_import, tmp_path):
    csv = (DATA / "meetings_v028.csv").read_bytes()
    archive = zip_of(tmp_path / "deux.zip", {"a-open-data-meetings.csv": csv, "meetings.csv": csv})

    message = refused(run_import, archive)

    assert "contient plusieurs fichiers de rencontres (a-open-data-meetings.csv, meetings.csv)" in (
        message
    )


def test_a_spreadsheet_or_a_broken_zip_is_refused(run_import, tmp_path):
    workbook = zip_of(
        tmp_path / "rencontres.xlsx",
        {"[Content_Types].xml": "<Types/>", "xl/worksheets/sheet1.xml": "<worksheet/>"},
    )
    assert refused(run_import, workbook).startswith(
        "« rencontres.xlsx » est un classeur de tableur (Excel, LibreOffice), pas un export"
    )

    archive = open_data_zip(tmp_path / "coupe.zip")
    archive.write_bytes(archive.read_bytes()[:3000])
    assert refused(run_import, archive).startswith(
        "« coupe.zip » n’est pas une archive ZIP lisible (archive tronquée ou abîmée)"
    )


# -- limits ----------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(run_import, settings, tmp_path):
    settings.RENCONTRES_IMPORT_MAX_FILE_SIZE = 4 * 1024
    size = (DATA / "meetings_v028.csv").stat().st_size

    message = refused(run_import, DATA / "meetings_v028.csv")

    assert message.startswith(
        f"« meetings_v028.csv » pèse {-(-size // 1024)} ko, au-delà de la taille maximale de 4 ko."
    )
    # The same limit for bytes handed over by an upload or a download.
    with pytest.raises(RefusedFile, match="au-delà de la taille maximale de 4 ko"):
        read_bytes((DATA / "meetings_v028.csv").read_bytes(), "envoi.csv")


def test_a_zip_bomb_is_refused_by_its_compression_ratio(run_import, tmp_path):
    header = (DATA / "meetings_v028.csv").read_bytes().split(b"\n", 1)[0]
    # 3 MB of separators: a thousand times smaller once compressed.
    archive = zip_of(tmp_path / "bombe.zip", {MEETINGS: header + b"\n" + b";" * 3_000_000})
    assert archive.stat().st_size < 10_000

    message = refused(run_import, archive)

    assert message.startswith(
        f"L’archive « bombe.zip » est refusée : « {MEETINGS} » se décompresse plus de 200 fois"
    )


def test_a_zip_over_the_decompressed_size_limit_is_refused(run_import, settings, tmp_path):
    settings.RENCONTRES_IMPORT_MAX_UNCOMPRESSED_SIZE = 1024 * 1024
    header, row = (DATA / "meetings_v028.csv").read_bytes().split(b"\n")[:2]
    archive = zip_of(tmp_path / "grosse.zip", {MEETINGS: b"\n".join([header] + [row] * 1000)})

    message = refused(run_import, archive)

    assert f"« {MEETINGS} » décompressé dépasserait 1 Mo" in message


def test_a_zip_that_lies_about_its_sizes_is_refused(run_import, tmp_path):
    header = (DATA / "meetings_v028.csv").read_bytes().split(b"\n", 1)[0]
    archive = zip_of(tmp_path / "menteuse.zip", {MEETINGS: header + b"\n" + b";" * 3_000_000})
    raw = bytearray(archive.read_bytes())
    # Declare 2 kB uncompressed, in the local header and in the central directory.
    struct.pack_into("<I", raw, raw.index(b"PK\x03\x04") + 22, 2048)
    struct.pack_into("<I", raw, raw.index(b"PK\x01\x02") + 24, 2048)
    archive.write_bytes(bytes(raw))

    message = refused(run_import, archive)

    assert message.startswith("« menteuse.zip » n’est pas une archive ZIP lisible")


# -- encodings -------------------------------------------------------------------------------


def test_a_latin_1_file_is_refused_and_named_so(run_import, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes((DATA / "meetings_v027.csv").read_text("utf-8").encode("cp1252"))

    message = refused(run_import, path)

    assert message.startswith(
        "« excel.csv » est encodé en Latin-1 (Windows-1252) dès la ligne 2, pas en UTF-8 "
        "comme les exports de Decidim"
    )
    assert "enregistrez-le au format « CSV UTF-8 »" in message


def test_invalid_utf_8_is_refused_with_its_line(run_import, tmp_path):
    lines = (DATA / "meetings_v028.csv").read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"Guadeloupe", b"Guadel\xffoupe")
    path = tmp_path / "abime.csv"
    path.write_bytes(b"\n".join(lines))

    message = refused(run_import, path)

    assert message.startswith(
        "« abime.csv » n’est pas du texte UTF-8 valide : octet 0xFF à la ligne 4."
    )


def test_utf_16_is_refused_and_named_so(run_import, tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes((DATA / "meetings_v027.csv").read_text("utf-8").encode("utf-16"))

    assert refused(run_import, path).startswith(
        "« unicode.txt » est encodé en UTF-16 (« texte Unicode » d’un tableur), pas en UTF-8"
    )


# -- JSON --------------------------------------------------------------------------------------


def test_deeply_nested_json_is_refused(run_import, tmp_path):
    meeting = (
        '{"id": 1, "title": {"fr": %s"Atelier"%s}, "start_time": "2030-05-16 14:00:00 +0200", '
        '"end_time": "2030-05-16 17:00:00 +0200"}'
    )
    nested = tmp_path / "imbrique.json"
    nested.write_text("[\n" + meeting % ("[" * 20, "]" * 20) + "\n]")
    assert "données imbriquées sur plus de 16 niveaux à la ligne 2" in refused(run_import, nested)

    # Deeper than Python's own recursion limit.
    abyss = tmp_path / "abime.json"
    abyss.write_text("[\n" + meeting % ("[" * 100_000, "]" * 100_000) + "\n]")
    assert "données imbriquées sur plus de 16 niveaux à la ligne 2" in refused(run_import, abyss)

    # The same through CSV columns: "title/fr/a/a/…" nests as deep once read.
    columns = tmp_path / "colonnes.csv"
    columns.write_text("id;title/fr" + "/a" * 5000 + ";start_time;end_time\n1;A;;\n")
    assert "données imbriquées sur plus de 16 niveaux à la ligne 1" in refused(run_import, columns)


# -- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "replacements"),
    [
        ("meetings_v028.json", [('"latitude": 45.4752', '"latitude": NaN'),
                                ('"available_slots": 100', '"available_slots": Infinity'),
                                ('"attendees": 35', '"attendees": 1e400')]),
        ("meetings_v028.csv", [(";45.4752;4.5146;", ";NaN;4.5146;"),
                               (";100;true;", ";Infinity;true;"),
                               (";35;0;;Place", ";1e400;0;;Place")]),
    ],
)  # fmt: skip
def test_nan_infinity_and_1e400_skip_their_row_with_the_reason(
    run_import, tmp_path, source, replacements
):
    text = (DATA / source).read_text("utf-8")
    for old, new in replacements:
        assert text.count(old) == 1
        text = text.replace(old, new)
    path = tmp_path / source
    path.write_text(text, "utf-8")

    out = run_import(str(path))

    assert "créées : 2" in out and "ignorées : 3" in out
    assert "(Decidim 101) : latitude : « NaN » n’est pas un nombre fini" in out
    assert "(Decidim 102) : available_slots : « Infinity » n’est pas un nombre fini" in out
    assert "(Decidim 103) : attendees : « 1e400 » hors limites (de 0 à 2147483647)" in out
    assert set(RencontrePage.objects.values_list("decidim_id", flat=True)) == {"104", "105"}
    assert set(ImportRecord.objects.values_list("decidim_id", flat=True)) == {"104", "105"}


def test_read_bytes_is_the_way_in_for_uploads_and_downloads():
    archive = io.BytesIO()
    open_data_zip(archive)

    export = read_bytes(archive.getvalue(), "decidim-open-data.zip")

    assert export.label == f"decidim-open-data.zip › {MEETINGS}"
    assert export.size == len(archive.getvalue())
    assert [row.data["id"] for row in export.rows] == ["101", "102", "103", "104", "105"]
    assert [row.line for row in export.rows][:2] == [2, 3]
