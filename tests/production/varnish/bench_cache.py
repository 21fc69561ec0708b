"""Measures of the HTTP cache (``make bench-cache``; figures in the README « HTTP cache »).

Not part of the suite (no ``test_`` file name): run through ``scripts/bench-cache``. On
the stack of the tests (Varnish in front of two gunicorn processes, the task worker
polling its queues every second as ``make serve``'s does), with BENCH_CACHE_RENCONTRES
rencontres (60):

1. the hit ratio of Varnish during a mixed anonymous load: wrk requests, in turn, the
   rencontres' pages, their history and calendars, the listing with 12 filter variants,
   its feeds, calendar and open data, the home page, the sitemap and the API lists and
   details, for BENCH_CACHE_DURATION (30s) — from varnishstat's counters;
2. the time from « Publier » (the admin's POST, through Varnish) to the new title served
   through the cache on the rencontre's page, the listing and the API, for 20
   publications: median and worst.
"""

import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from wagtail.test.utils.form_data import inline_formset

from tests.factories import RencontrePageFactory, publish, rencontre_form_data

from .test_cache import signed_in_editor
from .world import build_world

pytestmark = [
    pytest.mark.varnish,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RENCONTRES = int(os.environ.get("BENCH_CACHE_RENCONTRES", "60"))
DURATION = os.environ.get("BENCH_CACHE_DURATION", "30s")
PUBLICATIONS = 20

FILTERS = [
    "", "?departement=42", "?format=presentiel", "?format=en_ligne", "?statut=prevue",
    "?periode=a_venir", "?periode=passees", "?q=atelier", "?q=gier", "?page=2",
    "?departement=42&format=presentiel", "?region=84",
]  # fmt: skip


def varnish_counters(stack):
    binary = shutil.which("varnishstat") or "/usr/bin/varnishstat"
    work = str(stack.varnish.directory / "work")
    output = subprocess.run(  # noqa: S603 (fixed program, our arguments)
        [binary, "-n", work, "-1", "-j"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    counters = json.loads(output)
    counters = counters.get("counters", counters)
    return {
        name: counters[f"MAIN.{name}"]["value"]
        for name in ("cache_hit", "cache_hitpass", "cache_hitmiss", "cache_miss", "s_pass")
    }


def wrk_script(paths):
    quoted = ", ".join(json.dumps(path) for path in paths)
    return (
        f"local paths = {{{quoted}}}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  return wrk.format('GET', paths[(n % #paths) + 1])\n"
        "end\n"
    )


def test_measure_hit_ratio_and_time_to_fresh(through_cache, stack, settings, capsys):
    world = build_world()
    pages = [world.page]
    for number in range(RENCONTRES - 1):
        pages.append(publish(RencontrePageFactory(parent=world.index, title=f"Atelier n°{number}")))
    paths = ["/", "/sitemap.xml", "/rencontres/flux/", "/rencontres/agenda.ics",
             "/rencontres/donnees.json", "/rencontres/donnees.csv", "/api/v2/rencontres/",
             "/api/v3/rencontres/", *(f"/rencontres/{query}" for query in FILTERS)]  # fmt: skip
    for page in pages:
        url = page.get_url()
        paths += [url, f"{url}changements/", f"{url}agenda.ics", f"/api/v2/rencontres/{page.pk}/"]

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(paths))
    before = varnish_counters(stack)
    binary = shutil.which("wrk") or "/usr/bin/wrk"
    wrk = subprocess.run(  # noqa: S603 (fixed program, our arguments)
        [binary, "-t2", "-c16", f"-d{DURATION}", "--timeout", "30s", "-s", script.name,
         stack.varnish.url + "/"],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    Path(script.name).unlink()
    after = varnish_counters(stack)
    delta = {name: after[name] - before[name] for name in after}
    lookups = sum(delta.values())
    hit_ratio = delta["cache_hit"] / lookups if lookups else 0.0

    # The app processes finish the misses still queued behind the load.
    through_cache.timeout = 300
    editor = signed_in_editor(stack, settings)
    organisers = inline_formset([{"organisation": str(world.organisation.pk)}])
    pk = world.page.pk
    watched = [world.page.get_url(), "/rencontres/", f"/api/v2/rencontres/{pk}/"]
    # Its dates as they are (the form's default would move it to the listing's last page).
    start = world.page.local_start.strftime("%Y-%m-%d %H:%M")
    end = world.page.local_end.strftime("%Y-%m-%d %H:%M")
    delays, posts = [], []
    for number in range(PUBLICATIONS):
        through_cache.warm(watched)
        title = f"Atelier territorial Vallée du Gier, version {number + 2}"
        data = rencontre_form_data(
            title=title, slug=world.page.slug, organisers=organisers, start=start, end=end
        )
        data["action-publish"] = "action-publish"
        started = time.monotonic()
        status, _, _ = editor.post(f"{stack.varnish.url}/admin/pages/{pk}/edit/", data)
        assert status == 302
        posts.append(time.monotonic() - started)
        delays.append(
            through_cache.wait_until_fresh(
                {path: (lambda r, title=title: title in r.text) for path in watched},
                since=started,
                within=60,
            )
        )

    with capsys.disabled():
        print()
        print(f"machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}")
        print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        print(f"mixed anonymous load: {len(paths)} addresses, {RENCONTRES} rencontres")
        print(wrk.stdout.strip())
        print(f"varnish counters during the load: {delta}")
        print(f"hit ratio: {hit_ratio:.1%}")
        print(
            f"« Publier » → fresh through the cache ({PUBLICATIONS} publications): "
            f"median {statistics.median(delays):.2f} s, worst {max(delays):.2f} s "
            f"(the admin's POST alone: median {statistics.median(posts):.2f} s, "
            f"worst {max(posts):.2f} s)"
        )
        print(f"machine load: {os.getloadavg()}")
