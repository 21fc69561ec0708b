"""/healthz/ and /readyz/: what a load balancer reads, with real services down."""

import datetime as dt

import pytest
from botocore.config import Config
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import task
from wagtail.models import Page, Site

from rencontres import queues

from .servers import free_port, silent_server

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@task(queue_name=queues.IMPORTS)
def import_later(name):
    return name


@task(queue_name=queues.WEBHOOKS)
def notify_later(name):
    return name


def redis_cache(url):
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }


def readiness(client):
    response = client.get("/readyz/")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def test_healthz_answers_without_reading_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_each_check(client):
    status, report = readiness(client)

    assert status == 200
    assert report["status"] == "ready"
    assert list(report["checks"]) == ["database", "storage", "tasks", "cache"]
    assert {check["status"] for check in report["checks"].values()} == {"ok"}
    assert report["checks"]["tasks"]["backend"] == "ImmediateBackend"


def test_readyz_reads_neither_pages_nor_sites(client, settings):
    """It answers without a page tree, and its queries read only the task table."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": queues.QUEUES}
    }
    Site.objects.all().delete()
    Page.objects.filter(depth__gt=1).delete()

    with CaptureQueriesContext(connection) as queries:
        status, report = readiness(client)

    assert (status, report["status"]) == (200, "ready")
    assert queries.captured_queries
    assert all("django_tasks_database_dbtaskresult" in q["sql"] for q in queries)


@pytest.mark.parametrize("redis", ["refused", "silent"])
def test_a_cache_down_is_degraded_not_unready(client, settings, redis):
    """Connection refused (Redis stopped) or no answer (Redis hung): the process keeps
    its place behind the load balancer."""
    if redis == "refused":
        settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
        status, report = readiness(client)
    else:
        with silent_server() as url:
            settings.CACHES = redis_cache(url)
            status, report = readiness(client)

    assert (status, report["status"]) == (200, "degraded")
    assert report["checks"]["cache"]["status"] == "degraded"
    assert report["checks"]["cache"]["error"].startswith("Unavailable: Cache key")
    assert report["checks"]["database"]["status"] == "ok"


def test_a_storage_down_makes_the_process_unready(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "rencontres_site.storage.MediaStorage",
            "OPTIONS": {
                "bucket_name": "rencontres-media",
                "endpoint_url": f"http://127.0.0.1:{free_port()}",
                "access_key": "cle",
                "secret_key": "secret",
                "region_name": "eu-west-3",
                "client_config": Config(connect_timeout=1, retries={"max_attempts": 1}),
            },
        },
    }

    status, report = readiness(client)

    assert (status, report["status"]) == (503, "unready")
    assert report["checks"]["storage"]["status"] == "unavailable"
    assert report["checks"]["database"]["status"] == "ok"


def test_readyz_reports_the_task_backlog_and_a_stalled_worker(client, settings, monkeypatch):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": queues.QUEUES}
    }
    settings.HEALTH_TASK_MAX_WAIT = 600
    now = START
    monkeypatch.setattr(timezone, "now", lambda: now)
    import_later.enqueue("export.zip")
    import_later.enqueue("export-2.zip")
    notify_later.using(run_after=START + dt.timedelta(minutes=2)).enqueue("partenaire")

    now = START + dt.timedelta(minutes=5)
    status, report = readiness(client)
    assert (status, report["status"]) == (200, "ready")
    assert report["checks"]["tasks"]["due"] == {"imports": 2, "webhooks": 1}
    assert report["checks"]["tasks"]["longest_wait_seconds"] == 300

    now = START + dt.timedelta(minutes=11)
    status, report = readiness(client)
    assert (status, report["status"]) == (200, "degraded")
    assert report["checks"]["tasks"]["status"] == "degraded"
    assert report["checks"]["tasks"]["error"] == (
        "Warning: a task has been due for 660s: is the worker (db_worker) running?"
    )
