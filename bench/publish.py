"""Benchmark: « Publier » in the admin, plain against loaded with everything that follows.

Issue #22: a publication with two translations to synchronise, five webhook endpoints
(one dead) and the HTTP cache down must take at most ``BENCH_MAX_RATIO`` (1.2) times a
plain one, because the request only queues that work; the worker does it.

Two rencontres under one index, published in the admin by a logged-in superuser (the
edit form POSTed with ``action-publish``, Django's test client, a new title and start
each time, so that every publication is a real change with a new live revision):

* plain: no translation, no webhook endpoint (none active), no purge URL;
* loaded: an English and a German translation made through wagtail-localize, five
  active webhook endpoints (all events, all languages; one an address on a closed port
  of 127.0.0.1), and ``RENCONTRES_CACHE_PURGE_URLS`` on another closed port (Wagtail's
  own ``frontend_cache`` is not installed: the plugin's purge is the only one).

Tasks are queued in the database (``django_tasks_db.DatabaseBackend`` with the queues
of the settings, as production does), never run: the script counts the tasks each
publication queued, by task, and checks that the translations were not republished
in the request. Publications alternate between the two rencontres (A B, then B A…),
``BENCH_PUBLICATIONS`` (default 20) timed each after 2 untimed; it prints the median,
the 90th percentile, the SQL queries of one more publication and the tasks queued per
publication, then the ratio loaded / plain, and fails above ``BENCH_MAX_RATIO``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/publish.py
    make bench                                       # every bench/*.py, on PostgreSQL

Two translations need three languages: when ``LANGUAGES`` (site/settings/base.py) has
fewer, the script runs itself again in a subprocess with ``en`` and ``de`` added
(``LANGUAGES=fr,en,de``; German gets Django's name) and exits with its status. It works
in a database of its own (``bench_publish_<pid>``), migrated, then destroyed. With
``BENCH_RESULTS_DIR`` set the figures are also written there as ``publish.json``.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # bench/, when run by runpy
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import own_database, setup_django, test_environment, write_results  # noqa: E402

setup_django("rencontres_site.settings.test")

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

PUBLICATIONS = int(os.environ.get("BENCH_PUBLICATIONS", "20"))
WARMUP = 2
MAX_RATIO = float(os.environ.get("BENCH_MAX_RATIO", "1.2"))
SCENARIOS = ("plain", "loaded")


def closed_port():
    """A port of 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def queued_tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.count()


class Scenario:
    """One rencontre and what its publications are published with."""

    def __init__(self, name, page, purge_urls, translations=()):
        self.name = name
        self.page = page
        self.purge_urls = purge_urls
        self.translations = list(translations)
        self.timings = []
        self.tasks = []
        self.queries = None
        self.task_names = Counter()
        self.count = 0

    def form_data(self):
        from tests.factories import rencontre_form_data

        self.count += 1
        minute = self.count % 60
        return {
            **rencontre_form_data(
                title=f"Atelier territorial ({self.name}) n°{self.count}",
                slug=self.page.slug,
                start=f"2030-05-12 14:{minute:02d}",
                end="2030-05-12 17:00",
            ),
            "action-publish": "publish",
        }


def publish(client, scenario, endpoints, count_queries=False):
    """POST the edit form as « Publier »; return (seconds, tasks queued, SQL queries of
    the request when ``count_queries``)."""
    from rencontres.models import RencontrePage

    url = reverse("wagtailadmin_pages:edit", args=[scenario.page.pk])
    data = scenario.form_data()
    before = RencontrePage.objects.get(pk=scenario.page.pk).live_revision_id
    endpoints.update(active=scenario.name == "loaded")
    tasks_before = queued_tasks()
    with (
        override_settings(RENCONTRES_CACHE_PURGE_URLS=scenario.purge_urls),
        CaptureQueriesContext(connection) if count_queries else nullcontext() as captured,
    ):
        began = time.perf_counter()
        response = client.post(url, data)
        seconds = time.perf_counter() - began
    tasks = queued_tasks() - tasks_before
    if response.status_code != 302:
        sys.exit(
            f"publish: {scenario.name}: {response.status_code} instead of a redirect\n"
            f"{response.content.decode(errors='replace')[:2000]}"
        )
    page = RencontrePage.objects.get(pk=scenario.page.pk)
    if page.live_revision_id == before or page.title != data["title"]:
        sys.exit(f"publish: {scenario.name}: the publication did not change the live page")
    return seconds, tasks, len(captured) if count_queries else None


def build(client):
    """The two rencontres (created through the admin), translations and endpoints."""
    from wagtail.models import Locale

    from rencontres.models import RencontrePage, WebhookEndpoint
    from tests.factories import build_site, rencontre_form_data
    from tests.localisation.helpers import translate

    home, index = build_site()
    add = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", index.pk])
    pages = {}
    for name in SCENARIOS:
        slug = f"atelier-territorial-{name}"
        data = rencontre_form_data(title=f"Atelier territorial ({name})", slug=slug)
        response = client.post(add, {**data, "action-publish": "publish"})
        assert response.status_code == 302, (name, response.status_code)
        pages[name] = RencontrePage.objects.get(slug=slug)

    translations = []
    for code, _name in settings.LANGUAGES[1:3]:
        locale = Locale.objects.get_or_create(language_code=code)[0]

        def prefixed(text, code=code):
            return f"{code.upper()}: {text}"

        translate(home, locale, prefixed)
        translate(index, locale, prefixed)
        translated, _translation = translate(pages["loaded"], locale, prefixed)
        assert translated.live, (code, translated)
        translations.append(translated)

    port = closed_port()
    for n in range(4):
        WebhookEndpoint.objects.create(
            name=f"Partenaire {n + 1}", url=f"https://partenaire-{n + 1}.example.org/webhooks"
        )
    WebhookEndpoint.objects.create(name="Partenaire disparu", url=f"http://127.0.0.1:{port}/")
    cache_down = [f"http://127.0.0.1:{closed_port()}/"]
    return [
        Scenario("plain", pages["plain"], []),
        Scenario("loaded", pages["loaded"], cache_down, translations),
    ]


def run():
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import Page

    from rencontres.models import WebhookEndpoint
    from tests.factories import superuser

    client = Client()
    client.force_login(superuser())
    scenarios = build(client)
    endpoints = WebhookEndpoint.objects.all()
    watched = {page.pk: page.live_revision_id for page in scenarios[1].translations}
    print(
        f"publish: {len(scenarios[1].translations)} translations "
        f"({', '.join(p.locale.language_code for p in scenarios[1].translations)}), "
        f"{endpoints.count()} webhook endpoints (one dead), purge to "
        f"{scenarios[1].purge_urls[0]} (closed)"
    )
    for scenario in scenarios:
        for _ in range(WARMUP):
            publish(client, scenario, endpoints)
    for round_ in range(PUBLICATIONS):
        for scenario in scenarios if round_ % 2 == 0 else scenarios[::-1]:
            seconds, tasks, _queries = publish(client, scenario, endpoints)
            scenario.timings.append(seconds)
            scenario.tasks.append(tasks)
    for scenario in scenarios:
        known = set(DBTaskResult.objects.values_list("pk", flat=True))
        _seconds, _tasks, scenario.queries = publish(client, scenario, endpoints, True)
        for task in DBTaskResult.objects.exclude(pk__in=known):
            scenario.task_names[f"{task.queue_name}: {task.task_path}"] += 1

    republished = [
        page.pk
        for page in Page.objects.filter(pk__in=watched)
        if page.live_revision_id != watched[page.pk]
    ]
    not_queued = DBTaskResult.objects.exclude(status=TaskResultStatus.READY).count()
    assert not republished, f"translations republished in the request: {republished}"
    assert not not_queued, f"{not_queued} tasks ran in the request instead of being queued"

    results, medians = {}, {}
    print(f"{'scenario':<8} {'median ms':>10} {'p90 ms':>8} {'queries':>8} {'tasks':>6}")
    for scenario in scenarios:
        median = medians[scenario.name] = statistics.median(scenario.timings) * 1000
        p90 = statistics.quantiles(scenario.timings, n=10)[-1] * 1000
        tasks = statistics.median(scenario.tasks)
        results[scenario.name] = {
            "median_ms": round(median, 1),
            "p90_ms": round(p90, 1),
            "queries": scenario.queries,
            "tasks_per_publication": tasks,
            "tasks": dict(scenario.task_names),
        }
        print(f"{scenario.name:<8} {median:>10.1f} {p90:>8.1f} {scenario.queries:>8} {tasks:>6g}")
    for scenario in scenarios:
        queued = ", ".join(
            f"{name} ×{count}" for name, count in sorted(scenario.task_names.items())
        )
        print(f"  {scenario.name} queues: {queued or 'nothing'}")
    ratio = medians["loaded"] / medians["plain"]
    print(
        f"loaded / plain: {ratio:.2f} "
        f"{'OK' if ratio <= MAX_RATIO else f'ABOVE {MAX_RATIO}×'} "
        f"(translations untouched by the request, every task still queued)"
    )
    write_results(
        "publish",
        {
            "publications": PUBLICATIONS,
            "scenarios": results,
            "ratio": round(ratio, 3),
            "max_ratio": MAX_RATIO,
        },
    )
    return ratio


def with_three_languages():
    """Run this script again with a third language, and exit with its status."""
    codes = [code for code, _name in settings.LANGUAGES]
    for code in ("en", "de"):
        if len(codes) < 3 and code not in codes:
            codes.append(code)
    env = {**os.environ, "LANGUAGES": ",".join(codes)}
    print(f"publish: {len(settings.LANGUAGES)} languages; again with LANGUAGES={env['LANGUAGES']}")
    sys.stdout.flush()
    script = [sys.executable, str(Path(__file__).resolve())]
    completed = subprocess.run(script, env=env, check=False)  # noqa: S603 - this very script
    sys.exit(completed.returncode)


def main():
    if connection.vendor != "postgresql":
        sys.exit("publish: needs PostgreSQL (DATABASE_URL=postgres://…).")
    if len(settings.LANGUAGES) < 3:
        with_three_languages()
    queues = settings.TASKS["default"].get("QUEUES")
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": queues}}
    with test_environment(), own_database("publish"), override_settings(TASKS=tasks):
        ratio = run()
    if ratio > MAX_RATIO:
        sys.exit(f"publish: loaded / plain {ratio:.2f} > {MAX_RATIO}")


if __name__ == "__main__":
    main()
