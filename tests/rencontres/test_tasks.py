"""The retry helper (rencontres.tasks): tasks queued in the database and run by the
real worker (``db_worker --batch``) under a fixed clock, and the immediate backend.

The worker opens and closes database connections as in production, so these tests
commit their data (transactional database).
"""

import datetime as dt
import logging

import pytest
from django.db.models import F
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from rencontres import queues
from rencontres.models import TaskFailure
from rencontres.tasks import PermanentFailure, retry_delay, retrying_task
from tests.factories import RencontrePageFactory, build_site
from tests.worker import DATABASE_BACKEND, run_worker

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
#: Names the tasks below were called with, in order (reset by each test).
CALLS = []


@retrying_task(queue_name=queues.WEBHOOKS, max_attempts=4, delay=10, max_delay=25)
def notify(partner, failures=0):
    """Fails its first ``failures`` calls, like a partner's endpoint that is down."""
    CALLS.append(partner)
    if len(CALLS) <= failures:
        raise ConnectionError(f"{partner} injoignable (appel {len(CALLS)})")
    return f"{partner} prévenu"


@retrying_task(queue_name=queues.IMPORTS)
def import_file(name):
    CALLS.append(name)
    raise PermanentFailure(f"{name} n’est pas un export Decidim")


@retrying_task
def flaky_default(name, failures):
    CALLS.append(name)
    if len(CALLS) <= failures:
        raise TimeoutError(f"{name} : délai dépassé")
    return len(CALLS)


@task(queue_name=queues.WEBHOOKS)
def pruned_while_running(name):
    """Its result row is deleted while it runs, as ``prune_db_task_results`` or an
    administrator may do."""
    CALLS.append(name)
    DBTaskResult.objects.filter(status="RUNNING").delete()
    raise ConnectionError(f"{name} injoignable")


class Clock:
    """``timezone.now`` for the test: fixed, moved forward by hand."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(START)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture(autouse=True)
def reset_calls():
    CALLS.clear()


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_BACKEND


def results():
    """(status, exception class name, seconds after START it may run) of every task
    result, in the order they were enqueued then run."""
    return [
        (
            result.status,
            result.exception_class_path.rpartition(".")[2],
            round((result.run_after - START).total_seconds())
            if result.run_after.year < 9999
            else None,
        )
        for result in DBTaskResult.objects.order_by(
            "enqueued_at", F("started_at").asc(nulls_last=True)
        )
    ]


def test_retry_delays_double_up_to_the_maximum():
    assert [retry_delay(n, delay=30, max_delay=600) for n in range(1, 8)] == [
        30,
        60,
        120,
        240,
        480,
        600,
        600,
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_task_is_retried_later_with_a_doubling_delay(database_tasks, clock):
    notify.enqueue("Mairie de Saint-Chamond", failures=2)

    run_worker()
    assert CALLS == ["Mairie de Saint-Chamond"]
    assert results() == [("FAILED", "RetryScheduled", None), ("READY", "", 10)]
    first = DBTaskResult.objects.get(status="FAILED")
    assert "Mairie de Saint-Chamond injoignable (appel 1)" in first.traceback
    assert first.queue_name == "webhooks"

    clock.advance(9)
    run_worker()
    assert len(CALLS) == 1, "the retry ran before its time"

    clock.advance(1)
    run_worker()
    assert len(CALLS) == 2
    assert results()[-1] == ("READY", "", 10 + 20)

    clock.advance(20)
    run_worker()
    assert len(CALLS) == 3
    last = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert last.status == "SUCCESSFUL"
    assert last.return_value == "Mairie de Saint-Chamond prévenu"
    assert not TaskFailure.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_failing_every_attempt_is_given_up_logged_and_recorded(
    database_tasks, clock, caplog
):
    notify.enqueue("Métropole de Lyon", failures=99)

    for wait in (0, 10, 20, 25):  # the third wait is capped at max_delay
        clock.advance(wait)
        run_worker()

    assert len(CALLS) == 4
    assert [status for status, _error, _after in results()] == ["FAILED"] * 4
    assert results()[-1] == ("FAILED", "ConnectionError", 55)
    failure = TaskFailure.objects.get()
    assert failure.task_path == "tests.rencontres.test_tasks.notify"
    assert failure.queue_name == "webhooks"
    assert failure.attempts == 4
    assert failure.exception_class == "builtins.ConnectionError"
    assert failure.message == "Métropole de Lyon injoignable (appel 4)"
    assert failure.arguments == {"args": ["Métropole de Lyon"], "kwargs": {"failures": 99}}
    assert failure.first_enqueued_at == START
    assert failure.failed_at == START + dt.timedelta(seconds=55)
    given_up = [r for r in caplog.records if r.name == "rencontres.tasks" and r.levelno >= 40]
    assert [r.getMessage() for r in given_up] == [
        "Task tests.rencontres.test_tasks.notify given up after 4 attempt(s): "
        "ConnectionError: Métropole de Lyon injoignable (appel 4)"
    ]

    clock.advance(3600)
    run_worker()
    assert len(CALLS) == 4, "a task given up is not tried again"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_permanent_failure_is_given_up_at_once(database_tasks, clock):
    import_file.enqueue("rencontres.xlsx")

    run_worker()

    assert CALLS == ["rencontres.xlsx"]
    assert results() == [("FAILED", "PermanentFailure", None)]
    failure = TaskFailure.objects.get()
    assert (failure.attempts, failure.queue_name, failure.message) == (
        1,
        "imports",
        "rencontres.xlsx n’est pas un export Decidim",
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_worker_takes_only_its_queues(database_tasks, clock):
    """The editorial worker runs Wagtail's index updates while a partner's endpoint is
    down and an import waits: neither delays it, and the search finds the new page."""
    _home, index = build_site()
    notify.enqueue("Partenaire en panne", failures=99)
    import_file.enqueue("gros-export.zip")
    rencontre = RencontrePageFactory(parent=index, title="Atelier territorial Vallée du Gier")
    assert not Page.objects.live().search("Vallée du Gier"), "indexed before the worker ran"
    wagtail_tasks = DBTaskResult.objects.filter(queue_name="default")
    assert wagtail_tasks.exists()

    run_worker(",".join(queues.WORKERS["editorial"]))

    assert set(wagtail_tasks.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert CALLS == []
    waiting = DBTaskResult.objects.filter(status="READY")
    assert sorted(waiting.values_list("queue_name", flat=True)) == ["imports", "webhooks"]
    assert [page.pk for page in Page.objects.live().search("Vallée du Gier")] == [rencontre.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_whose_result_was_deleted_while_it_ran_does_not_stop_the_worker(
    database_tasks, clock, caplog
):
    pruned_while_running.enqueue("Partenaire A")
    clock.advance(1)
    notify.enqueue("Partenaire B")

    with caplog.at_level(logging.WARNING, logger="rencontres_site.worker"):
        run_worker(queues.WEBHOOKS)

    assert CALLS == ["Partenaire A", "Partenaire B"]
    assert [(r.status, r.args_kwargs["args"]) for r in DBTaskResult.objects.all()] == [
        ("SUCCESSFUL", ["Partenaire B"])
    ]
    assert "its result was deleted while it ran" in caplog.text


def test_the_immediate_backend_retries_at_once(settings):
    """`make run` and most tests run tasks at once: a retry runs at once too."""
    settings.RENCONTRES_TASK_MAX_ATTEMPTS = 3

    result = flaky_default.enqueue("géocodage", failures=2)

    assert CALLS == ["géocodage"] * 3
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "rencontres.tasks.RetryScheduled"


@pytest.mark.django_db
def test_the_immediate_backend_gives_up_after_the_configured_attempts(settings, caplog):
    settings.RENCONTRES_TASK_MAX_ATTEMPTS = 2
    caplog.set_level(logging.WARNING, logger="rencontres.tasks")

    flaky_default.enqueue("géocodage", failures=5)

    assert CALLS == ["géocodage"] * 2
    failure = TaskFailure.objects.get()
    assert (failure.task_path, failure.attempts, failure.message) == (
        "tests.rencontres.test_tasks.flaky_default",
        2,
        "géocodage : délai dépassé",
    )
    assert [r.levelname for r in caplog.records if r.name == "rencontres.tasks"] == [
        "WARNING",
        "ERROR",
    ]
