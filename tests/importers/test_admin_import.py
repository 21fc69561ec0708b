"""« Importer depuis Decidim » in the admin: upload or address, preview (nothing written),
confirmation run by the worker's task, progress, cancellation, report and its CSV, the
lock of an index, the notification — and the permission."""

import codecs
import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rencontres import roles
from rencontres.importers import runs
from rencontres.importers.files import read_path
from rencontres.importers.report import neutralise
from rencontres.importers.service import perform_import
from rencontres.models import ImportRecord, ImportRun, RencontrePage

from .conftest import DATA, HOST, member, open_data_zip, table, text
from .test_import_command import bookkeeping, page

START = "/admin/import-decidim/"
MEETINGS = f"{HOST}-open-data-meetings.csv"


def upload(client, site, path, name=None, **extra):
    with open(path, "rb") as handle:
        content = handle.read()
    data = {"index": site.pk, "file": SimpleUploadedFile(name or path.name, content), **extra}
    return client.post(START, data)


def preview_of(client, site, path, name=None):
    response = upload(client, site, path, name)
    assert response.status_code == 302, text(response)
    run = ImportRun.objects.latest("pk")
    assert response["Location"] == reverse("rencontres_import:run", args=[run.pk])
    return run, client.get(response["Location"])


# -- permission ----------------------------------------------------------------------------


def sidebar_labels(client):
    soup = BeautifulSoup(client.get("/admin/").content, "html.parser")
    props = json.loads(soup.find(id="wagtail-sidebar-props").string)
    return json.dumps(props, ensure_ascii=False)


def test_the_menu_entry_and_the_views_are_for_the_import_permission_only(site, client):
    run = ImportRun.objects.create(index=site, origin="admin", file_name="x.csv", report={})
    urls = [
        START,
        reverse("rencontres_import:run", args=[run.pk]),
        reverse("rencontres_import:status", args=[run.pk]),
        reverse("rencontres_import:csv", args=[run.pk]),
    ]
    posts = [
        reverse("rencontres_import:confirm", args=[run.pk]),
        reverse("rencontres_import:cancel", args=[run.pk]),
    ]
    for name in (roles.EDITORS, roles.MODERATORS):
        client.force_login(member(name, f"sans-droit-{name}"))
        assert "Importer depuis Decidim" not in sidebar_labels(client)
        for url in urls:
            assert client.get(url).status_code == 403, url
        for url in posts:
            assert client.post(url).status_code == 403, url
        upload_response = upload(client, site, DATA / "meetings_v028.csv")
        assert upload_response.status_code == 403
    assert ImportRun.objects.get().status == ImportRun.Status.PREVIEW
    assert not RencontrePage.objects.exists()

    client.force_login(member(roles.ADMINISTRATORS, "administratrice"))
    assert "Importer depuis Decidim" in sidebar_labels(client)
    for url in urls:
        assert client.get(url).status_code == 200, url


# -- upload, preview, confirm, report -------------------------------------------------------


def test_upload_preview_confirm_and_report(importer, client, site, tmp_path):
    archive = open_data_zip(tmp_path / "decidim-open-data.zip")
    before = bookkeeping()

    run, preview = preview_of(client, site, archive)

    # The preview: nothing written, the file kept in the shared storage.
    assert bookkeeping() == before
    assert not ImportRecord.objects.exists()
    assert run.status == ImportRun.Status.PREVIEW
    assert run.file_name == f"decidim-open-data.zip › {MEETINGS}"
    assert default_storage.exists(run.stored_file)
    assert run.stored_file.endswith("/decidim-open-data.zip")
    page_text = text(preview)
    assert "Aperçu de l’import" in page_text
    assert "Aperçu : 5 rencontres lues, rien n’a encore été enregistré." in page_text
    assert "5 seraient créées" in page_text and "0 seraient ignorées" in page_text
    assert table(preview, "created")[0] == ["2", "101", "Atelier territorial Vallée du Gier"]
    assert [row[0] for row in table(preview, "created")] == ["2", "3", "4", "5", "7"]
    assert "Confirmer l’import" in page_text

    # Confirm: the worker's task (immediate backend here) imports the kept file.
    response = client.post(reverse("rencontres_import:confirm", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert run.counts["created"] == 5
    assert (run.done, run.total) == (5, 5)
    assert page("101").live

    # The person is told on their next admin page, once.
    home = text(client.get("/admin/"))
    assert (
        f"Import de « decidim-open-data.zip › {MEETINGS} » dans « {site.title} » terminé : "
        "5 créées, 0 mises à jour, 0 ignorées."
    ) in home
    assert "terminé :" not in text(client.get("/admin/"))

    report = client.get(reverse("rencontres_import:run", args=[run.pk]))
    report_text = text(report)
    assert "Rapport d’import" in report_text
    assert "Camille" in report_text
    assert "5 créées" in report_text
    assert table(report, "created")[4] == ["7", "105", page("105").title]
    assert "Télécharger le rapport (CSV)" in report_text

    # The report stays listed.
    listing = client.get(START)
    assert [row[1] for row in table_rows(listing)] == [run.file_name]

    # Importing the same file again: everything unchanged.
    again, _preview = preview_of_again(client, site, archive)
    client.post(reverse("rencontres_import:confirm", args=[again.pk]))
    again.refresh_from_db()
    assert again.counts["unchanged"] == 5 and again.counts["created"] == 0


def table_rows(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        [" ".join(cell.get_text().split()) for cell in row.find_all("td")]
        for row in soup.select(".rencontres-import-runs tbody tr")
    ]


def preview_of_again(client, site, path):
    response = upload(client, site, path)
    assert response.status_code == 302
    run = ImportRun.objects.latest("pk")
    assert run.status == ImportRun.Status.PREVIEW
    return run, client.get(response["Location"])


def test_the_preview_lists_skipped_rows_conflicts_and_inferred_formats(
    importer, client, site, tmp_path
):
    perform_import(site, read_path(DATA / "meetings_v028.csv"))
    seed = page("101")
    seed.title = "Atelier de la vallée (titre d’ici)"
    seed.save_revision().publish()
    update = DATA / "meetings_v028_update.csv"
    content = update.read_text("utf-8").replace(
        "Atelier territorial Vallée du Gier", "Atelier territorial de la Vallée du Gier"
    )
    path = tmp_path / "meetings.csv"
    path.write_text(content, "utf-8")
    run, preview = preview_of(client, site, path)
    conflicts = table(preview, "conflicts")
    assert [
        "2",
        "Atelier de la vallée (titre d’ici) (fr)",
        "Titre",
        "Atelier de la vallée (titre d’ici)",
        "Atelier territorial de la Vallée du Gier",
    ] in conflicts
    assert ["3", "102"] in [row[:2] for row in table(preview, "updated")]
    assert seed.title == RencontrePage.objects.get(pk=seed.pk).title

    run2, preview2 = preview_of_again(client, site, DATA / "meetings_errors.csv")
    skipped = table(preview2, "skipped")
    assert skipped, text(preview2)
    assert all(row[0].isdigit() for row in skipped)

    run3, preview3 = preview_of_again(client, site, DATA / "meetings_v027_online.csv")
    inferred = table(preview3, "inferred")
    assert [
        "2",
        "Webinaire de lancement des ateliers",
        "En ligne",
        "pas d’adresse, lieu « En ligne »",
    ] in inferred
    assert table(preview3, "skipped")[0][:2] == ["5", "214"]


# -- bad files ------------------------------------------------------------------------------


def stored_files(folder=runs.STORAGE_DIR):
    """Every file the import keeps in the shared storage."""
    if not default_storage.exists(folder):
        return []
    folders, files = default_storage.listdir(folder)
    found = [f"{folder}/{name}" for name in files]
    for name in folders:
        found += stored_files(f"{folder}/{name}")
    return found


def refused(client, data):
    """Hand ``data`` to the import form; it is refused: return the message shown.
    Either the form says so at once (a file over the size limit, no file…), or the
    worker refused it and the run's page says so; nothing is written or kept."""
    before, kept, count = bookkeeping(), stored_files(), ImportRun.objects.count()
    response = client.post(START, data, follow=True)
    assert response.status_code == 200
    assert bookkeeping() == before
    assert not ImportRecord.objects.exists()
    assert stored_files() == kept
    if not response.redirect_chain:
        assert ImportRun.objects.count() == count
        soup = BeautifulSoup(response.content, "html.parser")
        return " ".join(" ".join(e.get_text().split()) for e in soup.select(".error-message"))
    run = ImportRun.objects.latest("pk")
    assert (run.status, run.stored_file) == (ImportRun.Status.FAILED, "")
    page_text = text(response)
    assert "Fichier refusé" in page_text and "Confirmer l’import" not in page_text
    message = " ".join(run.error.split())
    assert message in page_text
    return message


def refused_upload(client, site, name, content):
    return refused(client, {"index": site.pk, "file": SimpleUploadedFile(name, content)})


def test_each_bad_file_gets_its_message_and_nothing_is_kept(importer, client, site, settings):
    latin = (DATA / "meetings_v028.csv").read_text("utf-8").encode("latin-1", "replace")
    assert "Latin-1" in refused_upload(client, site, "meetings.csv", latin) or "Windows-1252" in (
        refused_upload(client, site, "meetings.csv", latin)
    )
    broken = (DATA / "meetings_v028.csv").read_bytes().replace("é".encode(), b"\xc3\x28", 1)
    assert "UTF-8" in refused_upload(client, site, "meetings.csv", broken)
    deep = b'[{"id": 1, "title": ' + b'{"a": ' * 200 + b"1" + b"}" * 200 + b"}]"
    assert "imbriqu" in refused_upload(client, site, "meetings.json", deep)
    # Half of a UTF-16 pair, as JSON may write it: no text can hold it (the database
    # refused it, and the preview ended on « erreur inattendue »).
    halves = (
        (DATA / "meetings_v028.json")
        .read_bytes()
        .replace(b"Atelier territorial", b"Atelier \\ud800territorial", 1)
    )
    assert "un caractère invalide" in refused_upload(client, site, "meetings.json", halves)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MEETINGS, b"id;title/fr\n" + b";" * (20 * 1024 * 1024))
    assert "archive piégée" in refused_upload(
        client, site, "decidim-open-data.zip", bomb.getvalue()
    )
    proposals = (DATA / "open_data" / "proposals.csv").read_bytes()
    message = refused_upload(client, site, f"{HOST}-open-data-proposals.csv", proposals)
    assert "Rien n’a été importé." in message
    empty_zip = io.BytesIO()
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("README.md", b"# Open data")
    assert "ne contient pas les rencontres" in refused_upload(
        client, site, "decidim-open-data.zip", empty_zip.getvalue()
    )
    settings.RENCONTRES_IMPORT_MAX_FILE_SIZE = 1024
    assert "au-delà de la taille maximale de 1 ko" in refused_upload(
        client, site, "meetings.csv", (DATA / "meetings_v028.csv").read_bytes()
    )


def test_the_form_needs_a_file_or_an_address_not_both(importer, client, site):
    response = client.post(START, {"index": site.pk})
    assert "Choisissez le fichier à importer ou indiquez son adresse." in text(response)
    response = client.post(
        START,
        {
            "index": site.pk,
            "url": "https://decidim.example.org/open-data/download",
            "file": SimpleUploadedFile("meetings.csv", b"id"),
        },
    )
    assert "Choisissez un fichier ou une adresse, pas les deux." in text(response)
    assert not ImportRun.objects.exists()


def test_nan_infinity_and_1e400_skip_their_rows_in_the_preview(importer, client, site, tmp_path):
    rows = (DATA / "meetings_v028.csv").read_text("utf-8").splitlines()
    header = rows[0].split(";")
    column = header.index("latitude")
    bad = []
    for number, value in enumerate(("NaN", "Infinity", "1e400"), start=1):
        cells = rows[number].split(";")
        cells[column] = value
        bad.append(";".join(cells))
    path = tmp_path / "meetings.csv"
    path.write_text("\n".join([rows[0], *bad]) + "\n", "utf-8")
    run, preview = preview_of(client, site, path)
    skipped = table(preview, "skipped")
    assert [row[0] for row in skipped] == ["2", "3", "4"]
    assert all("latitude" in row[2].lower() for row in skipped), skipped


# -- the lock, cancellation, progress ---------------------------------------------------------


def test_two_imports_into_the_same_index_cannot_run_at_once(importer, client, site):
    running = ImportRun.objects.create(
        index=site, origin="admin", file_name="autre.csv", status=ImportRun.Status.RUNNING
    )
    run, _preview = preview_of_again(client, site, DATA / "meetings_v028.csv")
    preview = client.get(reverse("rencontres_import:run", args=[run.pk]))
    assert "Un autre import dans cet index est en cours (autre.csv)" in text(preview)

    response = client.post(reverse("rencontres_import:confirm", args=[run.pk]), follow=True)

    assert "Un import dans « " in text(response) and "est déjà en cours (autre.csv" in text(
        response
    )
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW
    assert not RencontrePage.objects.exists()
    # Once the other one ends, this one goes.
    running.status = ImportRun.Status.DONE
    running.save()
    client.post(reverse("rencontres_import:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE


def test_a_silent_running_import_no_longer_holds_the_lock(importer, client, site, settings):
    settings.RENCONTRES_IMPORT_STALE_AFTER = 0
    dead = ImportRun.objects.create(
        index=site, origin="admin", file_name="mort.csv", status=ImportRun.Status.RUNNING
    )
    run, _preview = preview_of_again(client, site, DATA / "meetings_v028.csv")
    client.post(reverse("rencontres_import:confirm", args=[run.pk]))
    dead.refresh_from_db()
    run.refresh_from_db()
    assert dead.status == ImportRun.Status.FAILED
    assert run.status == ImportRun.Status.DONE


def test_cancelling_stops_between_two_rows_and_keeps_what_was_written(importer, client, site):
    run, _preview = preview_of_again(client, site, DATA / "meetings_v028.csv")
    assert runs.take_lock(run)
    # The worker has not taken it yet: cancelled at once.
    response = client.post(reverse("rencontres_import:cancel", args=[run.pk]), follow=True)
    assert "Import annulé avant d’avoir commencé." in text(response)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED
    assert runs.execute(run.pk).status == ImportRun.Status.CANCELLED
    assert not RencontrePage.objects.exists()

    # Running: the cancellation is read with the progress, after the first row.
    second, _preview = preview_of_again(client, site, DATA / "meetings_v028.csv")
    runs.take_lock(second)
    ImportRun.objects.filter(pk=second.pk).update(cancel_requested=True)
    finished = runs.execute(second.pk)
    assert finished.status == ImportRun.Status.CANCELLED
    assert finished.report["cancelled"] and finished.report["stopped_at"] == 2
    assert (finished.done, finished.total) == (1, 5)
    assert list(RencontrePage.objects.values_list("decidim_id", flat=True)) == ["101"]
    report = client.get(reverse("rencontres_import:run", args=[second.pk]))
    assert "Import annulé après la ligne 2" in text(report)
    assert "1 créées" in text(report)


def test_the_status_endpoint_is_json_and_never_cached(importer, client, site):
    run = ImportRun.objects.create(
        index=site, origin="admin", file_name="a.csv", status=ImportRun.Status.RUNNING,
        phase="rows", done=120, total=480,
    )  # fmt: skip
    response = client.get(reverse("rencontres_import:status", args=[run.pk]))
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response.json() == {
        "status": "running", "label": "en cours", "phase": "rows", "done": 120, "total": 480,
        "finished": False, "cancel_requested": False, "message": "Rencontres : 120 sur 480",
    }  # fmt: skip
    page_ = client.get(reverse("rencontres_import:run", args=[run.pk]))
    soup = BeautifulSoup(page_.content, "html.parser")
    box = soup.select_one("[data-import-status-url]")
    assert box["data-import-status-url"] == reverse("rencontres_import:status", args=[run.pk])
    scripts = soup.find_all("script", src=lambda src: src and "import-progress" in src)
    assert scripts and all(not script.string for script in scripts)


# -- the CSV report ---------------------------------------------------------------------------


def test_the_csv_report_is_utf8_with_bom_and_neutralises_formulas(importer, client, site, tmp_path):
    rows = (DATA / "meetings_v028.csv").read_text("utf-8").splitlines()
    rows[1] = rows[1].replace("Atelier territorial Vallée du Gier", '=HYPERLINK("x")', 1)
    path = tmp_path / "meetings.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    run, _preview = preview_of(client, site, path)
    client.post(reverse("rencontres_import:confirm", args=[run.pk]))

    response = client.get(reverse("rencontres_import:csv", args=[run.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="import-decidim-')
    assert response.content.startswith(codecs.BOM_UTF8)
    table_ = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table_[0] == ["import", "meetings.csv"]
    assert table_[2] == ["lancé par", "Camille"]
    header = table_.index(
        ["ligne", "id Decidim", "titre", "résultat", "détail", "champ", "valeur ici",
         "valeur Decidim"]
    )  # fmt: skip
    first = table_[header + 1]
    assert first[:4] == ["2", "101", '\'=HYPERLINK("x")', "créée"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("=1+1", "'=1+1"), ("+33 6", "'+33 6"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("Atelier", "Atelier"), (3, 3)],
)  # fmt: skip
def test_formula_cells_are_neutralised(cell, expected):
    assert neutralise(cell) == expected


def test_previews_nobody_confirmed_are_forgotten_with_their_file(importer, client, site):
    old, _preview = preview_of(client, site, DATA / "meetings_v028.csv")
    ImportRun.objects.filter(pk=old.pk).update(
        created_at=old.created_at - dt.timedelta(days=runs.PREVIEWS_KEPT_DAYS, minutes=1)
    )
    kept, _preview = preview_of(client, site, DATA / "meetings_v028.csv", "???")
    assert list(ImportRun.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not default_storage.exists(old.stored_file)
    assert default_storage.exists(kept.stored_file)
    assert kept.stored_file.endswith("/import")
