"""The Decidim import from an address: a local HTTP server started by the test stands for
Decidim (its « Données ouvertes » download redirects to its storage), reached through
the safe outbound requests; every failure is a French message, never a traceback; the
scheduled sync re-imports a linked index, idempotently, with its report."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from rencontres.models import DecidimSync, ImportRecord, ImportRun, RencontrePage
from tests.receiver import Answer, Receiver

from .conftest import HOST, open_data_zip, table, text
from .test_admin_import import START, refused
from .test_import_command import page

DOWNLOAD = "/open-data/download"
BLOB = "/rails/active_storage/blobs/redirect/eyJfcmFpbHMi/decidim-open-data.zip"


@pytest.fixture
def loopback(settings):
    """Let the outbound requests reach the test's server on 127.0.0.1 (and only it)."""
    settings.RENCONTRES_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def decidim(loopback, tmp_path):
    """A Decidim whose open-data download redirects to the ZIP in its storage."""
    archive = open_data_zip(tmp_path / "decidim-open-data.zip").read_bytes()
    with Receiver() as server:
        server.answer(DOWNLOAD, Answer(302, headers={"Location": server.url(BLOB)}))
        server.answer(
            BLOB,
            Answer(
                200,
                archive,
                headers={
                    "Content-Type": "application/zip",
                    "Content-Disposition": 'attachment; filename="decidim-open-data.zip"',
                },
            ),
        )
        yield server


def test_the_admin_previews_and_imports_an_address_and_links_it(importer, client, site, decidim):
    response = client.post(START, {"index": site.pk, "url": decidim.url(DOWNLOAD)})

    assert response.status_code == 302, text(response)
    assert [r.path for r in decidim.requests] == [DOWNLOAD, BLOB]
    run = ImportRun.objects.get()
    assert run.source_url == decidim.url(DOWNLOAD)
    assert run.file_name == f"decidim-open-data.zip › {HOST}-open-data-meetings.csv"
    preview = client.get(response["Location"])
    assert len(table(preview, "created")) == 5
    assert "Réimporter cette adresse à chaque synchronisation programmée" in text(preview)
    assert not RencontrePage.objects.exists()

    client.post(reverse("rencontres_import:confirm", args=[run.pk]), {"sync": "1"})

    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.counts["created"] == 5
    # The confirmed import read the file kept at the preview, not the address again.
    assert len(decidim.requests) == 2
    sync = DecidimSync.objects.get()
    assert (sync.index_id, sync.url, sync.active) == (site.pk, decidim.url(DOWNLOAD), True)
    assert decidim.url(DOWNLOAD) in text(client.get(START))


def test_the_command_line_takes_an_address(site, decidim):
    out = io.StringIO()
    call_command("import_decidim", decidim.url(DOWNLOAD), stdout=out)
    assert "créées : 5" in out.getvalue()
    assert page("101").live


def refused_address(client, site, url):
    message = refused(client, {"index": site.pk, "url": url})
    assert "Rien n’a été importé." in message
    return message


def test_each_failing_address_gets_a_message(importer, client, site, loopback, settings):
    with Receiver() as server:
        server.answer("/absent", Answer(404, b"Not found"))
        server.answer("/erreur", Answer(500, b"Oops"))
        server.answer(
            "/page",
            Answer(200, b"<!DOCTYPE html><html><body>Decidim</body></html>",
                   headers={"Content-Type": "text/html; charset=utf-8"}),
        )  # fmt: skip
        server.answer("/gros", Answer(200, b"id;title/fr\n" + b"x" * 4096))
        # Decidim's redirect re-checked: its storage on an address not allowed.
        server.answer("/ailleurs", Answer(302, headers={"Location": "http://127.0.0.2:9/f.zip"}))

        assert "a répondu 404 au lieu de donner le fichier" in refused_address(
            client, site, server.url("/absent")
        )
        assert "a répondu 500" in refused_address(client, site, server.url("/erreur"))
        assert "est une page web, pas un fichier d’export" in refused_address(
            client, site, server.url("/page")
        )
        assert "127.0.0.2" in refused_address(client, site, server.url("/ailleurs"))
        assert "adresse privée, locale ou réservée" in refused_address(
            client, site, server.url("/ailleurs")
        )
        settings.RENCONTRES_IMPORT_MAX_FILE_SIZE = 1024
        assert "dépasse la taille maximale de 1 ko" in refused_address(
            client, site, server.url("/gros")
        )
        closed = server.url("/")
    # The server is gone: nothing listens on its port any more.
    assert "Impossible de télécharger" in refused_address(client, site, closed)


def test_a_private_address_is_refused_without_the_setting(importer, client, site):
    with Receiver() as server:
        message = refused_address(client, site, server.url("/open-data/download"))
    assert "adresse privée, locale ou réservée : la requête est refusée" in message
    assert server.requests == []


def test_the_command_line_says_why_an_address_fails(site, loopback):
    with Receiver() as server:
        server.answer("/absent", Answer(404))
        with pytest.raises(CommandError, match="a répondu 404"):
            call_command("import_decidim", server.url("/absent"), stdout=io.StringIO())
    assert not ImportRecord.objects.exists()


# -- scheduled sync ---------------------------------------------------------------------------


def test_the_scheduled_sync_reimports_idempotently_with_its_report(site, decidim):
    out = io.StringIO()
    call_command("sync_decidim", "--lier", decidim.url(DOWNLOAD), "--maintenant", stdout=out)
    assert "terminé — 5 créées, 0 mises à jour, 0 inchangées, 0 ignorées." in out.getvalue()

    # From cron: the worker's task (run at once by the test's backend).
    out = io.StringIO()
    call_command("sync_decidim", stdout=out)
    assert "import de " + decidim.url(DOWNLOAD) + " confié au worker" in out.getvalue()

    first, second = ImportRun.objects.order_by("pk")
    assert (first.origin, second.origin) == ("sync", "sync")
    assert first.counts["created"] == 5
    assert second.status == ImportRun.Status.DONE
    assert (second.counts["created"], second.counts["unchanged"]) == (0, 5)
    assert RencontrePage.objects.filter(locale=site.locale).count() == 5
    assert DecidimSync.objects.get().last_run == second


def test_a_sync_whose_address_fails_leaves_a_failed_report(site, loopback):
    with Receiver() as server:
        server.answer("/open-data/download", Answer(503))
        out = io.StringIO()
        call_command(
            "sync_decidim", "--lier", server.url("/open-data/download"), "--maintenant", stdout=out
        )
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "a répondu 503" in run.error
    assert "échec" in out.getvalue()
    assert not RencontrePage.objects.exists()
