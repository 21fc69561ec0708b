"""Benchmark: the public change history of a rencontre with 200 published revisions.

Prints the median render time (and the SQL query count) of the history list
(« changements/ »), of a version page (« changements/<n>/ », both layouts), of the Atom
feed, of the rencontre's page (« Mis à jour le … ») and of the history in the API, over
30 requests each with Django's test client, in the same run: read from the
publication log (the default), computed from revisions on every request
(``RENCONTRES_HISTORY_SOURCE="revisions"``, ``RENCONTRES_HISTORY_CACHE_TIMEOUT=0``: cold)
and computed with the cache; then the speed-up of the log over the cold computation.

    DJANGO_SETTINGS_MODULE=rencontres_site.settings.dev .venv/bin/python bench/history.py
    make bench                                       # every bench/*.py, on PostgreSQL

The settings are the development ones, but the requests are measured as they are
served: with ``DEBUG = False`` (the harness's test environment sets it, so templates
are not compiled in debug mode and queries are not logged), on both sides alike.

It leaves nothing behind: in a migrated database (PostgreSQL through ``DATABASE_URL``,
or SQLite) it writes in one transaction that it rolls back; otherwise, or with
``BENCH_OWN_DATABASE=1``, it creates a database of its own (``bench_history_<pid>`` on
the PostgreSQL server, in memory on SQLite), migrates it and destroys it at the end.
``BENCH_REQUESTS`` (default 30) and
``BENCH_REVISIONS`` (default 200) change the sizes; with ``BENCH_RESULTS_DIR`` set the
figures are also written there as ``history.json``.
"""

import datetime as dt
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # bench/, when run by runpy
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import run_benchmark, setup_django, write_results  # noqa: E402

setup_django("rencontres_site.settings.dev")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
REVISIONS = int(os.environ.get("BENCH_REVISIONS", "200"))

POURQUOI = [
    "Partager des éléments de diagnostic issus des quartiers populaires concernés",
    "Collecter des avis, préconisations pour le futur contrat de ville",
    "Mobiliser habitants et acteurs pour les Assises de la politique de la ville",
]
POUR_QUI = [
    "Acteurs (sociaux, culturels, économiques) des quartiers populaires",
    "Habitants et associations d’habitants",
]
COMMENT = [
    "Atelier de 3h environ (pauses comprises)",
    "Méthodologies créatives et participatives",
]
VENUES = ["Salle Aristide Briand", "Maison des associations", "Centre social du Crêt de Roch"]


def _item(value):
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def _section(kind, heading, items):
    return {
        "type": kind,
        "value": {"heading": heading, "introduction": "", "items": [_item(i) for i in items]},
        "id": str(uuid.uuid4()),
    }


def build_rencontre():
    """A published rencontre (version 1) under a rencontres index at the site's root."""
    from wagtail.models import Site

    from rencontres.models import (
        Departement,
        Organisation,
        RencontreIndexPage,
        RencontreOrganisation,
        RencontrePage,
    )

    site = Site.objects.get(is_default_site=True)
    index = RencontreIndexPage(title="Les rencontres locales", slug="rencontres-bench")
    site.root_page.add_child(instance=index)
    index.save_revision().publish()
    organisations = [
        Organisation.objects.create(name=name)
        for name in (
            "Kaléido’Scop",
            "Centre social Les Trois Quartiers",
            "Collectif Pouvoir d’agir",
        )
    ]
    start = dt.datetime(2030, 3, 16, 13, 0, tzinfo=dt.UTC)
    page = RencontrePage(
        title="Atelier territorial Vallée du Gier",
        slug="atelier-territorial-vallee-du-gier",
        departement=Departement.objects.get(code="42"),
        start=start,
        end=start + dt.timedelta(hours=3),
        format="presentiel",
        venue=VENUES[0],
        address="Place de la Liberté",
        postcode="42400",
        commune="Saint-Chamond",
        access_notes="Tram T1, arrêt Hôtel de Ville. Salle accessible en fauteuil roulant.",
        description=json.dumps(
            [
                _section("pourquoi", "Pourquoi ?", POURQUOI),
                _section("pour_qui", "Pour et avec qui ?", POUR_QUI),
                _section("comment", "Comment ?", COMMENT),
            ]
        ),
    )
    index.add_child(instance=page)
    RencontreOrganisation.objects.create(page=page, organisation=organisations[0], sort_order=0)
    page = RencontrePage.objects.get(pk=page.pk)
    page.save_revision().publish()
    return RencontrePage.objects.get(pk=page.pk), organisations


def add_publications(page, organisations, count):
    """``count`` publications written in bulk, each an ordinary edit by staff; one in
    seven changes only the SEO title (not a version)."""
    from tests.factories import publish_in_bulk

    content = page.serializable_data()
    blocks = json.loads(content["description"])
    when = page.last_published_at
    contents = []
    for n in range(1, count + 1):
        content = dict(content)
        kind = n % 7
        if kind == 0:
            content["seo_title"] = f"Atelier Vallée du Gier — {n}"
        elif kind == 1:
            blocks = json.loads(json.dumps(blocks))
            blocks[n % 3]["value"]["items"].append(_item(f"Point ajouté lors de la révision {n}"))
            content["description"] = json.dumps(blocks)
        elif kind == 2:
            blocks = json.loads(json.dumps(blocks))
            items = blocks[n % 3]["value"]["items"]
            items[0] = {**items[0], "value": f"{items[0]['value'].split(' (')[0]} (révisé {n})"}
            content["description"] = json.dumps(blocks)
        elif kind == 3:
            content["status"] = "complete" if content["status"] == "prevue" else "prevue"
            content["capacity"] = 40 + n
        elif kind == 4:
            content["venue"] = VENUES[n % len(VENUES)]
        elif kind == 5:
            start = content["start"]
            if isinstance(start, str):
                start = dt.datetime.fromisoformat(start)
            start = start + dt.timedelta(minutes=30)
            content["start"] = start.isoformat()
            content["end"] = (start + dt.timedelta(hours=3)).isoformat()
        else:
            chosen = organisations[: 1 + n % len(organisations)]
            content["organisers"] = [
                {"pk": None, "page": page.pk, "sort_order": i, "organisation": org.pk}
                for i, org in enumerate(chosen)
            ]
        when = when + dt.timedelta(hours=5)
        contents.append((content, when))
    return publish_in_bulk(page, contents)


COMPUTED_COLD = {"RENCONTRES_HISTORY_SOURCE": "revisions", "RENCONTRES_HISTORY_CACHE_TIMEOUT": 0}
COMPUTED_CACHED = {"RENCONTRES_HISTORY_SOURCE": "revisions"}


def interleaved(client, url):
    """Median milliseconds of ``url`` read from the log, computed cold and computed
    cached, one request of each in turn (a busy machine slows the three alike), and the
    query counts of the first two."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get(settings):
        with override_settings(**settings):
            began = time.perf_counter()
            response = client.get(url)
            took = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return took

    for settings in ({}, COMPUTED_COLD):
        get(settings)  # warm-up (and a site's first request creates its settings' rows)
    counts = []
    for settings in ({}, COMPUTED_COLD):
        with CaptureQueriesContext(connection) as captured:
            get(settings)
        counts.append(len(captured))
    get(COMPUTED_CACHED)
    timings = {"log": [], "computed": [], "cached": []}
    for _ in range(REQUESTS):
        timings["log"].append(get({}))
        timings["computed"].append(get(COMPUTED_COLD))
        timings["cached"].append(get(COMPUTED_CACHED))
    medians = {name: statistics.median(values) for name, values in timings.items()}
    return medians["log"], counts[0], medians["computed"], counts[1], medians["cached"]


def run():
    from rencontres.history.computed import ComputedHistory
    from rencontres.history.logged import LoggedHistory
    from rencontres.history.versions import PageHistory

    page, organisations = build_rencontre()
    page = add_publications(page, organisations, REVISIONS - 1)
    versions = PageHistory(page).versions
    total = len(versions)
    middle = versions[total // 2].number
    base = page.url + "changements/"
    client = Client()
    rows = [
        ("history list", base),
        (f"version {middle} (unified)", f"{base}{middle}/"),
        (f"version {middle} (side by side)", f"{base}{middle}/?affichage=cote-a-cote"),
        (f"version {total} (latest)", f"{base}{total}/"),
        ("Atom feed", f"{base}feed/"),
        ("rencontre page", page.url),
        ("API v2 history", f"/api/v2/rencontres/{page.pk}/history/"),
        (f"API v3 version {middle}", f"/api/v3/rencontres/{page.pk}/history/{middle}/"),
    ]
    engine = connection.vendor
    print(
        f"history: rencontre with {REVISIONS} published revisions → {total} versions "
        f"({engine}, median of {REQUESTS} requests)\n"
        "  log = read from the publication log (the default); computed = recomputed from "
        "revisions, cold (no cache); cached = computed, then kept in the cache"
    )
    print(
        f"  {'':<32} {'log':>10} {'queries':>8} {'computed':>10} {'queries':>8} "
        f"{'cached':>10} {'speed-up':>9}"
    )
    results = {}
    for label, url in rows:
        log, log_queries, computed, computed_queries, cached = interleaved(client, url)
        results[label] = {
            "url": url,
            "log_ms": round(log, 1),
            "log_queries": log_queries,
            "computed_ms": round(computed, 1),
            "computed_queries": computed_queries,
            "cached_ms": round(cached, 1),
            "speedup": round(computed / log, 1),
        }
        print(
            f"  {label:<32} {log:7.1f} ms {log_queries:8d} {computed:7.1f} ms "
            f"{computed_queries:8d} {cached:7.1f} ms {computed / log:8.1f}×"
        )
    engines = {"log": [], "computed": []}
    with override_settings(RENCONTRES_HISTORY_CACHE_TIMEOUT=0):
        for _ in range(REQUESTS):
            for name, reader in (("log", LoggedHistory), ("computed", ComputedHistory)):
                begin = time.perf_counter()
                reader(page).version(middle).changes  # noqa: B018 - the list and one version
                engines[name].append((time.perf_counter() - begin) * 1000)
    engines = {name: statistics.median(values) for name, values in engines.items()}
    results["engine alone"] = {
        "log_ms": round(engines["log"], 1),
        "computed_ms": round(engines["computed"], 1),
        "speedup": round(engines["computed"] / engines["log"], 1),
    }
    print(
        f"  {'engine alone (list + 1 version)':<32} {engines['log']:7.1f} ms {'':8} "
        f"{engines['computed']:7.1f} ms {'':8} {'':10} "
        f"{engines['computed'] / engines['log']:8.1f}×"
    )
    slowest = min(results[label]["speedup"] for label, _url in rows if label != "rencontre page")
    print(f"  the log is at least {slowest:.1f}× faster than the computed history, cold")
    if os.environ.get("BENCH_PROFILE") == "1":
        import cProfile
        import pstats

        with override_settings(RENCONTRES_HISTORY_CACHE_TIMEOUT=0):
            profile = cProfile.Profile()
            profile.runcall(lambda: ComputedHistory(page).versions)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    write_results(
        "history", {"revisions": REVISIONS, "versions": total, "database": engine, **results}
    )
    return results


def main():
    # A migrated database (``make bench`` migrates it): one transaction, rolled back;
    # not migrated (or asked): a database of our own, migrated, then destroyed.
    run_benchmark("history", run)


if __name__ == "__main__":
    main()
