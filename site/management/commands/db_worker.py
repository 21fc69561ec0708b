"""``manage.py db_worker``: django-tasks-db's worker, which waits for the database.

django-tasks-db's worker exits on the first database error that is not a lock: a
PostgreSQL restart would stop every worker (and ``make serve`` with them). This one
logs the outage once a minute (:func:`rencontres.faults.log_outage`), drops its broken
connections and tries again every ``RETRY_SECONDS``, until the database answers or it
is told to stop. A task whose result row was deleted while it ran (``prune_db_task_results``,
an administrator) is logged and left, where django-tasks-db's worker would exit on
recording its outcome. Everything else is django-tasks-db's (this app comes first in
``INSTALLED_APPS``, so its command wins).
"""

import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker as upstream
from django_tasks_db.models import DBTaskResult

from rencontres.faults import log_outage

logger = logging.getLogger("rencontres_site.worker")

#: Seconds between two attempts while the database does not answer.
RETRY_SECONDS = 1


class Worker(upstream.Worker):
    def run(self):
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not self.running:
                    return None
                log_outage(
                    logger,
                    f"worker-database:{type(error).__name__}",
                    "database unavailable, the worker waits for it",
                    error=error,
                )
                connections.close_all()
                time.sleep(RETRY_SECONDS)

    def run_task(self, db_task_result):
        try:
            return super().run_task(db_task_result)
        except DatabaseError:
            if isinstance(db_task_result, DBTaskResult) and self._vanished(db_task_result):
                logger.warning(
                    "Task id=%s path=%s: its result was deleted while it ran; "
                    "its outcome is not recorded",
                    db_task_result.id,
                    db_task_result.task_path,
                )
                return None
            raise

    @staticmethod
    def _vanished(db_task_result):
        try:
            return not DBTaskResult.objects.filter(pk=db_task_result.pk).exists()
        except DatabaseError:
            return False


class Command(upstream.Command):
    help = f"{upstream.Command.help}, waiting for the database when it does not answer."

    def handle(self, **options):
        # django-tasks-db's handle() builds the worker from its module's ``Worker``:
        # this one, for the time of the command.
        original, upstream.Worker = upstream.Worker, Worker
        try:
            return super().handle(**options)
        finally:
            upstream.Worker = original
