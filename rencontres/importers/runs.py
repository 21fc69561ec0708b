"""Imports that outlive a request: the admin's preview, confirmation, progress and
report, and the scheduled sync — each an :class:`~rencontres.models.ImportRun`.

1. :func:`start_upload` keeps an uploaded file in the shared storage (the default
   storage: the preview and the confirmation may be served by different app processes,
   the import run by a worker on another machine); :func:`start_address` notes an
   address. The worker's :func:`prepare` downloads the address (through
   :mod:`rencontres.outbound`), reads the file and keeps the preview's report — in
   the worker, so that neither a slow Decidim nor a large file holds a request.
   (:func:`start_preview` does both at once, for the scheduled sync, already in the
   worker.)
2. :func:`confirm` takes the index's lock (a partial unique constraint: one waiting or
   running import per index) and enqueues the worker's task
   (:mod:`rencontres.importers.tasks`).
3. :func:`execute`, in the worker, reads the kept file again, imports it and writes its
   progress about once a second, so that the admin's status endpoint shows it; it stops
   between two rows when :func:`cancel` asked it to.
4. The final report stays on the run, for the admin and its CSV download.
"""

import logging
import time
import uuid
from datetime import timedelta

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from ..conf import conf
from ..models import ImportRun
from .decidim import RefusedFile
from .files import read_bytes
from .remote import download
from .report import ImportReport
from .service import DecidimImporter, StopImport, preview_import

logger = logging.getLogger(__name__)

STORAGE_DIR = "rencontres-imports"
#: Seconds between two writes of a running import's progress.
PROGRESS_EVERY = 1.0
#: Days an unconfirmed preview (and its file) is kept.
PREVIEWS_KEPT_DAYS = 2


class ImportLocked(Exception):  # noqa: N818 - reads as what it says to the user
    """Another import into the same index is waiting or running."""

    def __init__(self, run):
        self.run = run
        super().__init__(
            _(
                "Un import dans « %(index)s » est déjà en cours (%(file)s, lancé le "
                "%(date)s) : attendez sa fin ou annulez-le avant d’en lancer un autre."
            )
            % {
                "index": run.index.title,
                "file": run.file_name,
                "date": timezone.localtime(run.created_at).strftime("%d/%m/%Y %H:%M"),
            }
        )


def store_file(raw, name):
    """Keep ``raw`` in the shared storage under an unguessable folder; its path."""
    try:
        safe = get_valid_filename(name.rsplit("/", 1)[-1])[-100:]
    except SuspiciousFileOperation:  # "", ".", ".."
        safe = "import"
    return default_storage.save(f"{STORAGE_DIR}/{uuid.uuid4().hex}/{safe}", ContentFile(raw))


def read_stored(run):
    """The export kept for ``run``, read again (:class:`RefusedFile` if it is gone)."""
    try:
        with default_storage.open(run.stored_file, "rb") as stream:
            raw = stream.read(conf.IMPORT_MAX_FILE_SIZE + 1)
    except (OSError, ValueError) as error:
        raise RefusedFile(
            _(
                "Le fichier « %(name)s » de cet import n’est plus disponible dans le "
                "stockage : importez-le de nouveau. Rien n’a été importé."
            )
            % {"name": run.file_name}
        ) from error
    return read_bytes(raw, run.file_name)


def start_preview(index, raw, name, *, user=None, url="", origin=ImportRun.Origin.ADMIN):
    """Keep the file, read it and preview its import into ``index``: the new
    :class:`ImportRun` (status « aperçu », its report the preview's). Raises
    :class:`RefusedFile` (nothing kept) for a file the import refuses."""
    export = read_bytes(raw, name)
    report = preview_import(index, export, user=user)
    forget_old_previews()
    return ImportRun.objects.create(
        index=index,
        user=user,
        origin=origin,
        file_name=export.label[:500],
        source_url=url,
        stored_file=store_file(raw, name),
        total=report.total,
        counts=report.counts,
        report=report.as_dict(),
    )


def forget_old_previews(days=PREVIEWS_KEPT_DAYS):
    """Discard the previews nobody confirmed for ``days`` days, and their files."""
    old = timezone.now() - timedelta(days=days)
    for run in ImportRun.objects.filter(status=ImportRun.Status.PREVIEW, created_at__lt=old)[:100]:
        discard(run)


def discard(run):
    """Forget a preview never confirmed, and its kept file."""
    if run.stored_file:
        default_storage.delete(run.stored_file)
    run.delete()


def start_upload(index, raw, name, *, user=None):
    """A run for an uploaded file, kept; the worker reads it (:func:`prepare`)."""
    forget_old_previews()
    return ImportRun.objects.create(
        index=index,
        user=user,
        origin=ImportRun.Origin.ADMIN,
        status=ImportRun.Status.READING,
        file_name=name[:500],
        stored_file=store_file(raw, name),
    )


def start_address(index, url, *, user=None):
    """A run for a Decidim address; the worker downloads and reads it (:func:`prepare`)."""
    forget_old_previews()
    return ImportRun.objects.create(
        index=index,
        user=user,
        origin=ImportRun.Origin.ADMIN,
        status=ImportRun.Status.READING,
        file_name=url[:500],
        source_url=url,
    )


def prepare(run_id):
    """The worker's side of the preview: download the address if any, read the file and
    preview its import. A refused file or address ends the run failed with its message
    (its file deleted); nothing is written either way."""
    run = ImportRun.objects.select_related("index", "index__locale", "user").get(pk=run_id)
    if run.status != ImportRun.Status.READING:
        return run
    try:
        if not run.stored_file:
            raw, name = download(run.source_url)
            run.stored_file = store_file(raw, name)
            run.file_name = name[:500]
        export = read_stored(run)
        report = preview_import(run.index, export, user=run.user)
    except RefusedFile as error:
        _drop_file(run)
        return finish(run, ImportRun.Status.FAILED, error=str(error))
    except Exception:
        logger.exception("Decidim import preview %s failed", run.pk)
        _drop_file(run)
        finish(
            run,
            ImportRun.Status.FAILED,
            error=_(
                "Ce fichier n’a pas pu être lu (erreur inattendue, signalée aux "
                "administrateurs du site). Rien n’a été importé."
            ),
        )
        raise
    run.status = ImportRun.Status.PREVIEW
    run.file_name = export.label[:500]
    run.total = report.total
    run.counts = report.counts
    run.report = report.as_dict()
    run.save()
    return run


def _drop_file(run):
    if run.stored_file:
        default_storage.delete(run.stored_file)
        run.stored_file = ""


def take_lock(run):
    """Mark ``run`` waiting for the worker, or raise :class:`ImportLocked`. A running
    import silent for ``IMPORT_STALE_AFTER`` seconds (its worker died) is marked failed
    first, so that a crash never blocks an index for good."""
    stale = timezone.now() - timedelta(seconds=conf.IMPORT_STALE_AFTER)
    ImportRun.objects.filter(
        index_id=run.index_id, status=ImportRun.Status.RUNNING, updated_at__lt=stale
    ).update(
        status=ImportRun.Status.FAILED,
        finished_at=timezone.now(),
        error=_("Import interrompu : le processus qui le faisait s’est arrêté."),
    )
    try:
        with transaction.atomic():
            updated = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEW).update(
                status=ImportRun.Status.QUEUED, cancel_requested=False
            )
    except IntegrityError:
        active = ImportRun.objects.active().filter(index_id=run.index_id).first()
        raise ImportLocked(active or run) from None
    run.refresh_from_db()
    return bool(updated)


def confirm(run, enqueue):
    """Take the index's lock and hand ``run`` to the worker (``enqueue(run.pk)``, the
    task's). Returns False when the run was already confirmed (a second click)."""
    if not take_lock(run):
        return False
    enqueue(run.pk)
    return True


def cancel(run):
    """Cancel ``run``: at once if the worker has not started it (or died running it),
    else between two rows of the running import. Returns the run, refreshed."""
    stale = timezone.now() - timedelta(seconds=conf.IMPORT_STALE_AFTER)
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.CANCELLED, finished_at=now
    )
    ImportRun.objects.filter(
        pk=run.pk, status=ImportRun.Status.RUNNING, updated_at__lt=stale
    ).update(status=ImportRun.Status.CANCELLED, finished_at=now)
    ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
        cancel_requested=True
    )
    run.refresh_from_db()
    return run


class Progress:
    """The ``progress`` callback of a running import: writes where it stands about once
    a second (the status endpoint reads it) and stops it when a cancellation came."""

    def __init__(self, run):
        self.run = run
        self.last = 0.0

    def __call__(self, phase, done, total):
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY and done != total:
            return
        self.last = now
        ImportRun.objects.filter(pk=self.run.pk).update(
            phase=phase, done=done, total=total, updated_at=timezone.now()
        )
        if ImportRun.objects.filter(pk=self.run.pk, cancel_requested=True).exists():
            raise StopImport


def execute(run_id):
    """Run the confirmed import ``run_id`` (the worker's task). Returns the run.

    A run no longer waiting (cancelled before the worker took it) is left alone. A file
    the import refuses ends the run failed with the reason; any other error too (then
    raised, for the task's failure record)."""
    started = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now(), done=0
    )
    run = ImportRun.objects.select_related("index", "index__locale", "user").get(pk=run_id)
    if not started:
        return run
    try:
        export = read_stored(run)
        importer = DecidimImporter(run.index, user=run.user, progress=Progress(run))
        importer.report.file = export.label
        report = importer.run(export.rows)
    except RefusedFile as error:
        return finish(run, ImportRun.Status.FAILED, error=str(error))
    except Exception as error:
        # Batches and pages written so far stay whole; a new import finishes the job.
        finish(
            run,
            ImportRun.Status.FAILED,
            error=_(
                "Import interrompu par une erreur (%(error)s). Les rencontres déjà "
                "importées le restent et aucune n’est à moitié écrite : relancez l’import "
                "pour terminer."
            )
            % {"error": type(error).__name__},
        )
        raise
    status = ImportRun.Status.CANCELLED if report.cancelled else ImportRun.Status.DONE
    return finish(run, status, report=report)


def finish(run, status, *, report=None, error=""):
    """End ``run`` with ``status``, its report or error, and release the lock."""
    run.status = status
    run.finished_at = timezone.now()
    run.error = error
    run.cancel_requested = False
    if report is not None:
        run.report = report.as_dict()
        run.counts = report.counts
        run.total = report.total
        counts = report.counts
        run.done = sum(counts[key] for key in ("created", "updated", "unchanged", "skipped"))
    run.save()
    logger.info("Decidim import %s into index %s: %s", run.pk, run.index_id, status)
    return run


def report_of(run):
    """The :class:`ImportReport` kept on ``run`` (the preview's until it has run)."""
    return ImportReport.from_dict(run.report or {})


def csv_name(run):
    """« import-decidim-12-2026-11-30.csv »: the report's download name."""
    day = timezone.localtime(run.finished_at or run.created_at).date().isoformat()
    return f"import-decidim-{run.pk}-{day}.csv"
