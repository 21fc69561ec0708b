"""Scheduled sync: an index linked to a Decidim open-data address
(:class:`~rencontres.models.DecidimSync`) is re-imported from it, by
``manage.py sync_decidim`` run from cron (the tasks API has no scheduler).

Each run downloads the file, keeps it and imports it like a confirmed import of the
admin — the same lock, the same idempotent import, the same report on an
:class:`~rencontres.models.ImportRun` (origin « synchronisation programmée »). A
download or a file that fails gives a failed run with the reason; nothing is written.
"""

import logging

from django.db import transaction
from django.utils import timezone

from ..models import DecidimSync, ImportRun
from .decidim import RefusedFile
from .remote import download
from .runs import ImportLocked, discard, execute, start_preview, take_lock

logger = logging.getLogger(__name__)


def link(index, url, user=None):
    """Link ``index`` to ``url`` (replacing its address if it had one); the sync."""
    sync, _created = DecidimSync.objects.update_or_create(
        index=index, defaults={"url": url, "active": True, "created_by": user}
    )
    return sync


def unlink(index):
    DecidimSync.objects.filter(index=index).update(active=False)


def run_sync(sync_id):
    """Download and import the address of sync ``sync_id``; the run, or None when
    another import of the index is under way (the next sync will do it)."""
    sync = DecidimSync.objects.select_related("index", "index__locale").get(pk=sync_id)
    try:
        raw, name = download(sync.url)
        run = start_preview(
            sync.index, raw, name, user=None, url=sync.url, origin=ImportRun.Origin.SYNC
        )
    except RefusedFile as error:
        run = ImportRun.objects.create(
            index=sync.index,
            origin=ImportRun.Origin.SYNC,
            status=ImportRun.Status.FAILED,
            file_name=sync.url[:500],
            source_url=sync.url,
            finished_at=timezone.now(),
            error=str(error),
        )
        _remember(sync, run)
        return run
    try:
        take_lock(run)
    except ImportLocked:
        logger.info("Decidim sync of index %s skipped: an import is running", sync.index_id)
        discard(run)
        return None
    _remember(sync, run)
    return execute(run.pk)


def _remember(sync, run):
    with transaction.atomic():
        DecidimSync.objects.filter(pk=sync.pk).update(last_run=run)
