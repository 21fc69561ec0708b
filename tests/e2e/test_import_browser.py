"""« Importer depuis Decidim » in Chromium: upload the open-data ZIP, wait for the worker
to read it, read the preview, confirm, watch the progress bar follow the worker (its script a
static file, under the admin's policy and even the strict one), and land on the report.

The task backend here keeps tasks without running them (django-tasks' dummy backend),
so the import waits like it would for a busy worker; the test then runs it, as the
worker would, while the page polls."""

import re

import pytest
from playwright.sync_api import expect

from rencontres.importers import runs
from rencontres.models import ImportRun, RencontrePage
from tests.factories import build_site, superuser
from tests.importers.conftest import HOST, open_data_zip

from .test_security_browser import Violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def waiting_worker(settings):
    """Tasks are enqueued and kept, not run: the worker is busy elsewhere."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": settings.TASKS["default"]["QUEUES"],
        }
    }


def test_upload_preview_confirm_progress_and_report(live_server, page, tmp_path, waiting_worker):
    _home, index = build_site()
    user = superuser()
    archive = open_data_zip(tmp_path / "decidim-open-data.zip")
    violations = Violations(page)
    sign_in(page, user.username, "mot-de-passe")

    # The menu entry leads to the form.
    page.get_by_role("link", name="Importer depuis Decidim").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Importer depuis Decidim")
    page.get_by_label("Fichier").set_input_files(str(archive))
    page.get_by_role("button", name="Lire le fichier et voir l’aperçu").click()

    # The worker reads the file while the page waits for it.
    expect(page.locator("[data-import-progress-text]")).to_have_text("Lecture du fichier…")
    runs.prepare(ImportRun.objects.get().pk)

    # The preview (the page came by itself): nothing written yet.
    expect(
        page.get_by_text("Aperçu : 5 rencontres lues, rien n’a encore été enregistré.")
    ).to_be_visible()
    created = page.locator('[data-import-list="created"] tbody tr')
    expect(created).to_have_count(5)
    expect(created.first).to_contain_text("Atelier territorial Vallée du Gier")
    assert not RencontrePage.objects.exists()

    page.get_by_role("button", name="Confirmer l’import").click()
    expect(page.locator("[data-import-progress-text]")).to_have_text(
        "En attente du traitement en arrière-plan…"
    )
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.QUEUED
    url = page.url

    # The worker takes it: the bar moves, then the page shows the report by itself.
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, phase="rows", done=2, total=5
    )
    expect(page.locator("[data-import-progress-text]")).to_have_text("Rencontres : 2 sur 5")
    expect(page.locator("progress")).to_have_attribute("value", "2")
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED)
    runs.execute(run.pk)
    expect(page.get_by_role("heading", name="Ce qu’a fait l’import")).to_be_visible(timeout=15_000)
    assert page.url == url
    expect(page.get_by_text("5 créées")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger le rapport (CSV)")).to_be_visible()
    assert RencontrePage.objects.filter(locale=index.locale).count() == 5

    # No script of the import's pages is refused, even by the strict report-only policy.
    events = [item for item in page.evaluate("window.__csp") if "import-progress" in str(item)]
    assert events == [] and violations.console == []

    # The report stays in the list of imports.
    page.get_by_role("link", name="Retour aux imports").click()
    expect(page.locator(".rencontres-import-runs tbody tr")).to_contain_text(
        re.compile(
            rf"decidim-open-data\.zip › {re.escape(HOST)}-open-data-meetings\.csv.*terminé", re.S
        )
    )
