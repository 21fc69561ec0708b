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

import os
import sys
import time
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # bench/, when run by runpy
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import (  # noqa: E402
    measure,
    rolled_back,
    setup_django,
    test_environment,
    write_results,
)

setup_django("rencontres_site.settings.test")

from django.test import Client  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
RENCONTRES = int(os.environ.get("BENCH_RENCONTRES", "200"))


def main():
    from tests.factories import build_site
    from tests.rencontres.public import organisation, rich_rencontre

    results = {}
    with test_environment(debug=None), rolled_back():
        home, index = build_site()
        organisations = [organisation("Kaléido’Scop"), organisation("Centre social")]
        started = time.perf_counter()
        pages = [rich_rencontre(index, n, organisations=organisations) for n in range(RENCONTRES)]
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
            result = measure(client, url, REQUESTS)
            median, count = result.median * 1000, result.queries
            results[name] = {"median_ms": round(median, 1), "queries": count}
            print(f"{name:<22} {median:>10.1f} {count:>8}")
    write_results("public_pages", {"rencontres": RENCONTRES, "pages": results})


if __name__ == "__main__":
    main()
