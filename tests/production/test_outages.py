"""Dependencies that fail degrade the site, never break it (the cache: test_cache.py).

- the database stopped (a PostgreSQL cluster of the test's own, stopped and started
  again under a running gunicorn): visitors get a 503 page in their language, the API a
  problem+json, one log line; when it is back the same processes serve again;
- a query held past ``DATABASE_STATEMENT_TIMEOUT`` (a lock held by someone else) is
  cancelled: a 503, not a worker stuck until gunicorn kills it;
- the media storage unreachable: pages whose image renditions cannot be made answer 200
  without those images;
- the task worker stopped: publishing works, the tasks wait in the database and run
  when a worker comes back.
"""

import io
import signal
import sys
import time
import urllib.error
import urllib.request

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from rencontres import queues
from rencontres.faults import forget_outages
from rencontres.models import RencontrePage
from tests.factories import (
    ImageFactory,
    RencontrePageFactory,
    build_site,
    publish,
    rencontre_form_data,
    superuser,
)
from tests.html import soup, text

from .servers import PostgresCluster, Process, free_port, production_environment, wait_until

TITLE = "Atelier territorial Vallée du Gier"
UNAVAILABLE_FR = "Service momentanément indisponible"


@pytest.fixture(autouse=True)
def quiet_logs():
    forget_outages()
    yield
    forget_outages()


def get(url):
    """(status, headers, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback)
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def booted_workers(app):
    return app.log.read_text(errors="replace").count("Booting worker")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_down_gives_a_503_page_and_the_site_recovers_by_itself(
    settings, start_apps, redis_url, production_static, tmp_path
):
    _home, index = build_site()
    page = publish(RencontrePageFactory(parent=index, title=TITLE))
    cluster = PostgresCluster()
    worker = None
    try:
        cluster.copy_database(settings.DATABASES["default"], "rencontres")
        # Connections kept a minute: the stopped server leaves them broken.
        (app,) = start_apps(1, DATABASE_URL=cluster.url("rencontres"), CONN_MAX_AGE=60)
        environment = production_environment(
            cluster.database("rencontres"), redis_url, production_static
        )
        worker = Process(
            [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval",
             "0.2", "--worker-id", "test-outage"],
            log=tmp_path / "worker.log", env=environment,
        )  # fmt: skip
        status, _, body = get(app.url + page.url)
        assert status == 200 and TITLE in body
        workers = booted_workers(app)

        cluster.stop()
        answers = [get(app.url + page.url) for _ in range(4)]
        english = get(f"{app.url}/en/")
        api = get(f"{app.url}/api/v2/rencontres/")

        for status, headers, body in answers:
            assert status == 503
            assert headers["Retry-After"] == "10"
            assert "Traceback" not in body and "OperationalError" not in body
        html = soup_of(answers[0][2])
        assert html.find("html")["lang"] == "fr"
        assert text(html.find("h1")) == UNAVAILABLE_FR
        assert "Il revient de lui-même dans quelques instants." in text(html.find("main"))
        assert english[0] == 503
        assert text(soup_of(english[2]).find("h1")) == "Service temporarily unavailable"
        assert api[0] == 503 and api[1]["Content-Type"] == "application/problem+json"
        assert '"status": 503' in api[2]

        wait_until(
            lambda: "the worker waits for it" in worker.log.read_text(), 30, "the worker's report"
        )
        cluster.start()
        status, _, body = get(app.url + page.url)
        assert status == 200 and TITLE in body
        assert get(f"{app.url}/api/v2/rencontres/")[0] == 200
        # The same processes: no worker restarted, the app recovered by itself.
        assert app.process.poll() is None
        assert booted_workers(app) == workers
        # Six failed requests, one log line.
        log = app.log.read_text(errors="replace")
        assert log.count("database unavailable") == 1
        assert "Traceback" not in log
        # The worker waited for the database instead of exiting, and works again.
        assert worker.process.poll() is None
        time.sleep(1)
        assert worker.process.poll() is None
        assert worker.log.read_text().count("the worker waits for it") == 1
    finally:
        if worker is not None:
            worker.stop()
        cluster.destroy()


def soup_of(body):
    from bs4 import BeautifulSoup

    return BeautifulSoup(body, "html.parser")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_query_held_past_the_statement_timeout_is_cancelled(settings, start_apps):
    # The suite's own connections have the default bound too (base.py: 30 s).
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"
    _home, index = build_site()
    page = publish(RencontrePageFactory(parent=index, title=TITLE))
    (app,) = start_apps(1, DATABASE_STATEMENT_TIMEOUT="0.5")
    assert get(app.url + page.url)[0] == 200

    database = settings.DATABASES["default"]
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        password=database["PASSWORD"] or None,
        dbname=database["NAME"],
    ) as holder:
        # Someone holds the pages' table (a long migration, a stuck transaction).
        holder.execute("LOCK TABLE wagtailcore_page IN ACCESS EXCLUSIVE MODE")
        status, _, body = get(app.url + page.url)
        holder.rollback()

    assert status == 503
    assert UNAVAILABLE_FR in body
    assert get(app.url + page.url)[0] == 200
    assert "canceling statement due to statement timeout" in app.log.read_text()


@pytest.mark.django_db
def test_pages_go_without_their_images_while_the_media_storage_is_unreachable(
    client, settings, s3_server, bucket, caplog
):
    def storage(endpoint):
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "rencontres_site.storage.MediaStorage",
                "OPTIONS": {**s3_server.storage_options(bucket), "endpoint_url": endpoint},
            },
        }

    storage(s3_server.endpoint)
    photo = ImageFactory(title="Salle Jean Jaurès")  # in the bucket, no rendition yet
    _home, index = build_site()
    description = [("image", {"image": photo, "alt_text": "La salle", "caption": "La salle"})]
    page = publish(
        RencontrePageFactory(parent=index, title=TITLE, image=photo, description=description)
    )

    storage(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    listing, detail = client.get(index.url), client.get(page.url)

    assert (listing.status_code, detail.status_code) == (200, 200)
    assert TITLE in text(soup(listing).find("main"))
    assert TITLE in text(soup(detail).find("h1"))
    assert soup(listing).select("main img") == []
    assert soup(detail).select("main img") == []
    assert "La salle" in text(soup(detail).find("figcaption"))
    assert not soup(detail).select('meta[property="og:image"]')
    storage_logs = [r for r in caplog.records if r.name == "rencontres_site.storage"]
    assert len(storage_logs) == 1  # several renditions failed, one line

    # The storage back, the same pages show their images (renditions made now).
    storage(s3_server.endpoint)
    listing, detail = client.get(index.url), client.get(page.url)
    assert len(soup(listing).select("main .fr-card__img img")) == 1
    assert soup(detail).select_one("main figure img")["alt"] == "La salle"
    assert soup(detail).select('meta[property="og:image"]')


def run_worker():
    """A worker coming back: ``manage.py db_worker --batch`` runs what is due, then
    exits (its signal handlers are the test process's again afterwards)."""
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    handlers = {number: signal.getsignal(number) for number in signals}
    try:
        call_command(
            "db_worker", batch=True, queue_name="*", interval=0, startup_delay=False,
            reload=False, stdout=io.StringIO(),
        )  # fmt: skip
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_works_while_the_worker_is_stopped(client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": queues.QUEUES}
    }
    _home, index = build_site()
    client.force_login(superuser())
    add = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", index.pk])

    response = client.post(add, {**rencontre_form_data(), "action-publish": "publish"})

    assert response.status_code == 302
    page = RencontrePage.objects.get(slug="atelier-territorial-saint-etienne-montreynaud")
    assert page.live and Page.objects.get(pk=page.pk).live
    client.logout()
    assert client.get(page.url).status_code == 200
    # Its search index update waits for the worker: the search does not find it yet.
    due = DBTaskResult.objects.ready()
    assert due.filter(queue_name=queues.DEFAULT).exists()
    searched = client.get(f"{index.url}?q=Montreynaud")
    assert page.title not in text(soup(searched).find("main"))

    run_worker()

    assert not DBTaskResult.objects.ready().exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    searched = client.get(f"{index.url}?q=Montreynaud")
    assert page.title in text(soup(searched).find("main"))
