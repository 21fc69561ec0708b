"""The task worker in tests: tasks queued in the database (django-tasks-db) and run by
the real ``db_worker`` command, as in production."""

import io
import signal

from django.core.management import call_command

from rencontres import queues

DATABASE_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": queues.QUEUES}
}

WORKER_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


def run_worker(queue_names="*"):
    """``manage.py db_worker --batch``: every task due now, then exit.

    The worker installs its own SIGINT and SIGTERM handlers; the test process gets
    its own back."""
    handlers = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
    try:
        call_command(
            "db_worker",
            batch=True,
            queue_name=queue_names,
            interval=0,
            startup_delay=False,
            reload=False,
            stdout=io.StringIO(),
        )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
