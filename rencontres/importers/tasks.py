"""The worker's side of the Decidim import (queue ``imports``): reading a file (or an
address) for the admin's preview, a confirmed import, and the scheduled sync of an
index linked to a Decidim address."""

from .. import queues
from ..tasks import retrying_task
from . import runs, sync


# One attempt: a run that fails keeps its error for the admin; running it again is a
# new import (idempotent), started by a person or by the next sync.
@retrying_task(queue_name=queues.IMPORTS, max_attempts=1)
def run_import(run_id):
    """Run the confirmed :class:`~rencontres.models.ImportRun` ``run_id``."""
    return runs.execute(run_id).status


@retrying_task(queue_name=queues.IMPORTS, max_attempts=1)
def preview(run_id):
    """Download (an address) and read the file of ``run_id``, and preview its import."""
    return runs.prepare(run_id).status


@retrying_task(queue_name=queues.IMPORTS, max_attempts=1)
def sync_index(sync_id):
    """Re-import the Decidim address of :class:`~rencontres.models.DecidimSync` ``sync_id``."""
    run = sync.run_sync(sync_id)
    return run.status if run is not None else "skipped"


def enqueue_import(run_id):
    return run_import.enqueue(run_id)


def enqueue_preview(run_id):
    return preview.enqueue(run_id)
