"""Benchmark: « Près de » over 10,000 rencontres against the plain listing, same run.

Creates ``BENCH_RENCONTRES`` (default 10000) published rencontres spread over
metropolitan France (typed points, a fixed random seed; one in ten online), through
the import's bulk writer, and the test list of communes. Then times, over
``BENCH_REQUESTS`` requests each (Django's test client), the plain listing, the
listing near Saint-Étienne within 25 and 100 km, its carte.geojson near Saint-Étienne,
and API v2 with ``near``, one request of each per round. The distance search narrows
the rows on the indexed point columns (a bounding box) before computing any distance:
its median must stay within ``BENCH_MAX_RATIO`` (1.5) times the plain listing's, or the
script fails.

    DATABASE_URL=postgres://… DJANGO_SETTINGS_MODULE=rencontres_site.settings.test \\
        .venv/bin/python bench/near.py
    make bench                                       # every bench/*.py, on PostgreSQL

Everything is written in one transaction rolled back at the end (a database of its own
when the configured one is not migrated). With ``BENCH_RESULTS_DIR`` set the figures
are also written there as ``near.json``.
"""

import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # bench/, when run by runpy
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import measure, run_benchmark, setup_django, write_results  # noqa: E402

setup_django("rencontres_site.settings.test")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

RENCONTRES = int(os.environ.get("BENCH_RENCONTRES", "10000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
MAX_RATIO = float(os.environ.get("BENCH_MAX_RATIO", "1.5"))
# Metropolitan France, roughly: latitudes and longitudes of the points.
SOUTH, NORTH, WEST, EAST = 42.5, 51.0, -4.5, 7.5


def create_rencontres(index, count):
    from rencontres.importers.writer import BulkPageCreator, SlugAllocator
    from rencontres.models import Departement, ImportRecord, RencontrePage

    rng = random.Random(2030)  # noqa: S311 - the same points every run
    loire = Departement.objects.get(code="42")
    creator = BulkPageCreator(index)
    slugs = SlugAllocator([])
    now = timezone.now()
    batch = []
    for n in range(count):
        online = n % 10 == 0
        start = now + dt.timedelta(days=1 + n % 180, hours=n % 9)
        page = RencontrePage(
            title=f"Atelier territorial n°{n}",
            departement=loire,
            start=start,
            end=start + dt.timedelta(hours=3),
            format="en_ligne" if online else "presentiel",
            venue="" if online else "Maison de quartier",
            address="" if online else f"{n} rue de la République",
            postcode="" if online else "42000",
            commune="" if online else "Saint-Étienne",
            online_url="https://visio.example.org/" if online else "",
            latitude=None if online else Decimal(f"{rng.uniform(SOUTH, NORTH):.6f}"),
            longitude=None if online else Decimal(f"{rng.uniform(WEST, EAST):.6f}"),
        )
        page.slug = slugs.allocate(page.title)
        creator.prepare(page)
        batch.append((page, ImportRecord(decidim_id=f"bench-{n}", source_hash="")))
        if len(batch) == 500:
            creator.create(batch)
            batch = []
    creator.create(batch)


def run():
    from tests.factories import build_site
    from tests.places import load_communes

    home, index = build_site()
    load_communes()
    started = time.perf_counter()
    create_rencontres(index, RENCONTRES)
    print(f"{RENCONTRES} rencontres created in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client()
    urls = {
        "listing": index.url,
        "near 25 km": f"{index.url}?pres=Saint-%C3%89tienne&distance=25",
        "near 100 km": f"{index.url}?pres=Saint-%C3%89tienne&distance=100",
        "carte.geojson near 25 km": f"{index.url}carte.geojson?pres=42000&distance=25",
        "API v2 near 25 km": "/api/v2/rencontres/?near=42000&radius_km=25&fields=title",
    }
    # Interleaved (one request of each page per round): a machine busy with other work
    # slows every page alike, so the ratios hold when the times do not.
    queries = {name: measure(client, url, 1).queries for name, url in urls.items()}
    timings = {name: [] for name in urls}
    for _round in range(REQUESTS):
        for name, url in urls.items():
            began = time.perf_counter()
            response = client.get(url)
            timings[name].append(time.perf_counter() - began)
            assert response.status_code == 200, (url, response.status_code)
    results = {}
    print(f"{'page':<26} {'median ms':>10} {'queries':>8} {'ratio':>6}")
    plain = statistics.median(timings["listing"]) * 1000
    for name in urls:
        median = statistics.median(timings[name]) * 1000
        ratio = median / plain
        results[name] = {"median_ms": round(median, 1), "queries": queries[name], "ratio": ratio}
        print(f"{name:<26} {median:>10.1f} {queries[name]:>8} {ratio:>6.2f}")
    write_results("near", {"rencontres": RENCONTRES, "pages": results, "max_ratio": MAX_RATIO})
    for name in ("near 25 km", "near 100 km"):
        ratio = results[name]["ratio"]
        assert ratio <= MAX_RATIO, f"{name}: {ratio:.2f} × the plain listing (> {MAX_RATIO})"
    print(f"near: within {MAX_RATIO} × the plain listing")


if __name__ == "__main__":
    run_benchmark("near", run)
