"""Benchmark: the public pages of rencontres with many rencontres published.

Prints the median render time and the SQL query count of the listing (plain, filtered,
searched, a late page), a rencontre's page, the listing's .ics and RSS feed, and the
home page, over ``BENCH_REQUESTS`` requests each (Django's test client), with
``BENCH_RENCONTRES`` rencontres (default 200), each with an image, a document block
and two organisers.

    DATABASE_URL=postgres://… DJANGO_SETTINGS_MODULE=rencontres_site.settings.test \\
        .venv/bin/python bench/public_pages.py
    make bench                                       # every bench/*.py, on PostgreSQL

Everything is written in one transaction that is rolled back at the end: the database
is left as it was. With ``BENCH_RESULTS_DIR`` set the figures are also written there
as ``public_pages.json``.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencontres_site.settings.test")

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:
    django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
RENCONTRES = int(os.environ.get("BENCH_RENCONTRES", "200"))


class Rollback(Exception):
    pass


def measure(client, url):
    client.get(url)  # warm: renditions, caches
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, len(queries.captured_queries)


def main():
    from tests.factories import build_site
    from tests.rencontres.public import organisation, rich_rencontre

    setup_test_environment()
    results = {}
    try:
        with transaction.atomic():
            home, index = build_site()
            organisations = [organisation("Kaléido’Scop"), organisation("Centre social")]
            started = time.perf_counter()
            pages = [
                rich_rencontre(index, n, organisations=organisations) for n in range(RENCONTRES)
            ]
            print(f"{RENCONTRES} rencontres created in {time.perf_counter() - started:.1f} s")
            client = Client()
            urls = {
                "listing": index.url,
                "listing, filtered": f"{index.url}?region=84&format=presentiel",
                "listing, searched": f"{index.url}?q=atelier+territorial&periode=toutes",
                "listing, last page": f"{index.url}?page=999",
                "rencontre page": pages[len(pages) // 2].url,
                "rencontre .ics": f"{pages[0].url}agenda.ics",
                "listing .ics (all)": f"{index.url}agenda.ics",
                "RSS feed": f"{index.url}flux/",
                "home page": home.url,
            }
            print(f"{'page':<22} {'median ms':>10} {'queries':>8}")
            for name, url in urls.items():
                median, count = measure(client, url)
                results[name] = {"median_ms": round(median, 1), "queries": count}
                print(f"{name:<22} {median:>10.1f} {count:>8}")
            raise Rollback
    except Rollback:
        pass
    finally:
        teardown_test_environment()
    results_dir = os.environ.get("BENCH_RESULTS_DIR")
    if results_dir:
        path = Path(results_dir) / "public_pages.json"
        path.write_text(json.dumps({"rencontres": RENCONTRES, "pages": results}, indent=2))


if __name__ == "__main__":
    main()
