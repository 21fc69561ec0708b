"""Benchmark: importing 5,000 Decidim meetings, then importing them again.

Generates a Decidim export (CSV, the newer columns) of ``BENCH_MEETINGS`` meetings
(default 5000: HTML descriptions with the three sections, addresses all over France,
in person / online / hybrid), then prints pages per second for:

* the baseline: ``BENCH_BASELINE`` pages (default 200) created one by one the way
  Wagtail does it (``add_child``, ``save_revision``, ``publish``);
* the first import (``manage.py import_decidim`` machinery: bulk path);
* a re-import of the same file (no change: fingerprints compared, nothing written);
* an import of a newer export where 5 % of the meetings changed (one transaction,
  one revision and one publication per changed page).

It then checks that every imported page has its revision, its ``wagtail.publish`` log
entry and its search-index entry, and that a search by commune finds one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rencontres \\
        .venv/bin/python bench/import_decidim.py
    make bench                                       # every bench/*.py, on PostgreSQL

It works in a PostgreSQL database of its own (``bench_import_decidim_<pid>`` on the
server of ``DATABASE_URL``), migrated, then destroyed. ``BENCH_MEETINGS``,
``BENCH_BASELINE`` and ``BENCH_ENGLISH`` (share of meetings with an English translation,
default 0: wagtail-localize writes translations page by page) change the sizes; with
``BENCH_RESULTS_DIR`` set the figures are also written there as ``import_decidim.json``.
"""

import csv
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # bench/, when run by runpy
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import own_database, setup_django, test_environment, write_results  # noqa: E402

setup_django("rencontres_site.settings.test")

from django.db import connection  # noqa: E402

MEETINGS = int(os.environ.get("BENCH_MEETINGS", "5000"))
BASELINE = int(os.environ.get("BENCH_BASELINE", "200"))
ENGLISH = float(os.environ.get("BENCH_ENGLISH", "0"))

COLUMNS = [
    "id", "participatory_space/id", "scope/id", "scope/name/fr", "component/id", "title/fr",
    "title/en", "description/fr", "description/en", "start_time", "end_time", "attendees",
    "address", "location/fr", "location/en", "reference", "url", "published", "withdrawn",
    "location_hints/fr", "latitude", "longitude", "follows_count", "online_meeting_url",
    "closing_report/fr", "registration_url", "available_slots", "registrations_enabled",
    "type_of_meeting", "registration_type",
]  # fmt: skip
PLACES = [
    ("42", "Loire", "42400", "Saint-Chamond"),
    ("42", "Loire", "42000", "Saint-Étienne"),
    ("69", "Rhône", "69120", "Vaulx-en-Velin"),
    ("93", "Seine-Saint-Denis", "93200", "Saint-Denis"),
    ("13", "Bouches-du-Rhône", "13014", "Marseille"),
    ("59", "Nord", "59100", "Roubaix"),
    ("33", "Gironde", "33300", "Bordeaux"),
    ("67", "Bas-Rhin", "67100", "Strasbourg"),
    ("971", "Guadeloupe", "97110", "Pointe-à-Pitre"),
    ("974", "La Réunion", "97400", "Saint-Denis"),
]
OBJECTIVES = [
    "Partager des éléments de diagnostic issus des quartiers populaires concernés",
    "Collecter des avis, préconisations pour le futur contrat de ville",
    "Mobiliser habitants et acteurs pour les Assises de la politique de la ville",
    "Engager une dynamique de concertation territoriale",
]
AUDIENCES = [
    "Acteurs (sociaux, culturels, économiques) des quartiers populaires",
    "Habitants et associations d’habitants",
    "Agents des collectivités concernés par la politique de la ville",
]
METHODS = [
    "Atelier de 3h environ (pauses comprises)",
    "Méthodologies créatives et participatives",
    "Animation par une coopérative experte de la participation",
]
KINDS = ["Atelier territorial", "Balade urbaine", "Rencontre des conseils citoyens", "Forum"]


def _bullets(items):
    return "<br>".join(f"•{item}" for item in items)


def meeting_row(number, rng, changed=False):
    code, name, postcode, commune = rng.choice(PLACES)
    kind = rng.choice(KINDS)
    meeting_type = rng.choices(["in_person", "online", "hybrid"], [6, 2, 2])[0]
    offset = "-0400" if code == "971" else "+0400" if code == "974" else "+0200"
    day = dt.date(2030, 1, 1) + dt.timedelta(days=number % 365)
    hour = 14 + (1 if changed else 0)
    description = (
        f"<p>Une rencontre organisée à {commune}.</p>"
        f"<p><strong>Pourquoi ?</strong></p><p>{_bullets(rng.sample(OBJECTIVES, 3))}</p>"
        f"<p><strong>Pour et avec qui ?</strong></p><ul>"
        + "".join(f"<li>{item}</li>" for item in rng.sample(AUDIENCES, 2))
        + "</ul><p><strong>Comment ?</strong></p>"
        f"<p>{_bullets(rng.sample(METHODS, 2))}</p>"
    )
    english = rng.random() < ENGLISH
    return {
        "id": str(number),
        "participatory_space/id": "3",
        "scope/id": code,
        "scope/name/fr": f"{code} - {name}",
        "component/id": "12",
        "title/fr": f"{kind} {commune} n°{number}" + (" (nouvelle date)" if changed else ""),
        "title/en": f"Meeting {commune} #{number}" if english else "",
        "description/fr": description,
        "description/en": "<p>A local meeting.</p>" if english else "",
        "start_time": f"{day} {hour}:00:00 {offset}",
        "end_time": f"{day} {hour + 3}:00:00 {offset}",
        "attendees": "0",
        "address": f"{number % 200 + 1} rue de la République, {postcode} {commune}",
        "location/fr": "Maison de quartier",
        "location/en": "Community centre" if english else "",
        "reference": f"Q2030-MEET-{number}",
        "url": f"https://concertation.example.gouv.fr/processes/q2030/f/12/meetings/{number}",
        "published": "true",
        "withdrawn": "false",
        "location_hints/fr": "Accessible en fauteuil roulant.",
        "latitude": "45.4752",
        "longitude": "4.5146",
        "follows_count": str(rng.randint(0, 30)),
        "online_meeting_url": (
            f"https://visio.example.org/rencontre-{number}" if meeting_type != "in_person" else ""
        ),
        "closing_report/fr": "",
        "registration_url": "",
        "available_slots": str(rng.choice([0, 30, 50])),
        "registrations_enabled": "false",
        "type_of_meeting": meeting_type,
        "registration_type": "registration_disabled",
    }


def write_export(path, count, changed=frozenset()):
    rng = random.Random(2030)  # the same meetings every time
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS, delimiter=";")
        writer.writeheader()
        for number in range(1, count + 1):
            writer.writerow(meeting_row(number, rng, changed=number in changed))


def build_index():
    from wagtail.models import Locale, Page, Site

    from home.models import HomePage
    from rencontres.models import RencontreIndexPage

    root = Page.get_first_root_node()
    home = HomePage(title="Construisons ensemble Quartiers 2030", slug="bench-accueil")
    home.locale = Locale.get_default()
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    index = RencontreIndexPage(title="Les rencontres locales", slug="rencontres")
    home.add_child(instance=index)
    index.save_revision().publish()
    return home


def baseline(home, count):
    """Pages created one by one through Wagtail: add_child, save_revision, publish."""
    from rencontres.models import Departement, RencontreIndexPage, RencontrePage

    parent = RencontreIndexPage(title="Référence", slug="reference")
    home.add_child(instance=parent)
    parent.save_revision().publish()
    loire = Departement.objects.get(code="42")
    start = dt.datetime(2030, 5, 16, 14, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    began = time.perf_counter()
    for number in range(count):
        page = RencontrePage(
            title=f"Atelier territorial de référence n°{number}",
            departement=loire,
            start=start,
            end=start + dt.timedelta(hours=3),
            address="12 rue de la République",
            postcode="42400",
            commune="Saint-Chamond",
            description=[
                ("pourquoi", {"heading": "Pourquoi ?", "introduction": "", "items": OBJECTIVES}),
                (
                    "pour_qui",
                    {"heading": "Pour et avec qui ?", "introduction": "", "items": AUDIENCES},
                ),  # fmt: skip
            ],
        )
        parent.add_child(instance=page)
        page.save_revision().publish()
    return time.perf_counter() - began


def timed_import(path, index):
    from rencontres.importers.files import read_path
    from rencontres.importers.service import DecidimImporter

    began = time.perf_counter()
    report = DecidimImporter(index).run(read_path(path).rows)
    return time.perf_counter() - began, report


def check(index):
    from wagtail.models import PageLogEntry, Revision
    from wagtail.search.models import IndexEntry

    from rencontres.models import RencontrePage

    pages = RencontrePage.objects.child_of(index)
    ids = [str(pk) for pk in pages.values_list("pk", flat=True)]
    revisions = Revision.page_revisions.filter(object_id__in=ids).values("object_id").distinct()
    published = PageLogEntry.objects.filter(page__in=pages, action="wagtail.publish")
    entries = IndexEntry.objects.filter(object_id__in=ids)
    found = RencontrePage.objects.live().search("Vaulx-en-Velin")
    return {
        "pages": len(ids),
        "pages_with_revision": revisions.count(),
        "pages_with_publish_log_entry": published.values("page_id").distinct().count(),
        "pages_with_search_entry": entries.values("object_id").distinct().count(),
        "search_vaulx_en_velin": len(list(found[:10])),
        "tree_problems": sum(len(problems) for problems in pages.model.find_problems()),
    }


def run():
    from rencontres.models import RencontreIndexPage

    home = build_index()
    index = RencontreIndexPage.objects.get(slug="rencontres")
    results = {"meetings": MEETINGS, "english_share": ENGLISH}
    with tempfile.TemporaryDirectory() as folder:
        first = Path(folder) / "meetings.csv"
        newer = Path(folder) / "meetings-newer.csv"
        write_export(first, MEETINGS)
        changed = frozenset(range(1, MEETINGS + 1, 20))
        write_export(newer, MEETINGS, changed=changed)

        seconds = baseline(home, BASELINE)
        rate = BASELINE / seconds
        results["baseline"] = {"pages": BASELINE, "seconds": seconds, "per_second": rate}
        print(f"baseline, one by one through Wagtail: {BASELINE / seconds:8.1f} pages/s "
              f"({BASELINE} pages in {seconds:.1f} s)")  # fmt: skip

        for label, path in (
            ("first import", first),
            ("re-import, no change", first),
            (f"newer export, {len(changed)} changed", newer),
        ):
            seconds, report = timed_import(path, index)
            rate = MEETINGS / seconds
            results[label] = {
                "seconds": seconds,
                "rows_per_second": rate,
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": len(report.unchanged),
                "skipped": len(report.skipped),
            }
            print(f"{label:37}: {rate:8.1f} rows/s ({MEETINGS} rows in {seconds:.1f} s: "
                  f"{len(report.created)} created, {len(report.updated)} updated, "
                  f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped)")  # fmt: skip
        first_rate = results["first import"]["rows_per_second"]
        print(f"first import vs baseline: x{first_rate / results['baseline']['per_second']:.1f}")
    results["check"] = check(index)
    print("check:", ", ".join(f"{key}={value}" for key, value in results["check"].items()))
    write_results("import_decidim", results)


def main():
    if connection.vendor != "postgresql":
        sys.exit("import_decidim: needs PostgreSQL (DATABASE_URL=postgres://…).")
    with test_environment(), own_database("import_decidim"):
        run()


if __name__ == "__main__":
    main()
