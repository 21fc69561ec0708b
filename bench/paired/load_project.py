"""Fill the project's benchmark database: the demo site, then ``BENCH_RENCONTRES``
rencontres imported from a generated Decidim export, the way a national deployment
gets them.

Run by ``bench/paired/run.py`` with the benchmark's settings, on a freshly migrated
database. Steps, all through the project's own commands:

1. ``load_demo``: site configuration, home and footer pages, the rencontres index and
   the demo rencontres, their English translations;
2. ``import_decidim`` of an export of ``BENCH_RENCONTRES`` meetings written by
   ``bench/import_decidim.py``'s generator (the bulk importer);
3. the middle meeting published twice more the ordinary way (``save_revision``,
   ``publish``), so that its public history has three versions like the peer's
   event pages.

Writes what the benchmark requests (the index, the rencontre, its API id, the number
of upcoming rencontres) as JSON to the file named on the command line.
"""

import io
import json
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))
from _harness import setup_django  # noqa: E402

setup_django("project_settings")

import import_decidim  # noqa: E402  (bench/import_decidim.py: the export generator)
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402


def main(output, count):
    from rencontres.models import RencontreIndexPage, RencontrePage

    began = time.perf_counter()
    call_command("load_demo", stdout=io.StringIO())
    index = RencontreIndexPage.objects.get(slug="rencontres", locale__language_code="fr")
    demo = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "meetings.csv"
        import_decidim.write_export(export, count)
        call_command("import_decidim", str(export), index=str(index.pk), stdout=io.StringIO())
    imported = time.perf_counter()
    print(
        f"project: demo site in {demo - began:.1f} s, {count} rencontres imported in "
        f"{imported - demo:.1f} s ({count / (imported - demo):.0f}/s)",
        flush=True,
    )

    # The meeting in the middle of the export: its title ends with its number.
    middle = max(1, count // 2)
    page = RencontrePage.objects.filter(title__regex=rf" n°{middle}$").first()
    if page is None:
        sys.exit(f"load_project: meeting {middle} was not imported")
    for version in (2, 3):
        page = RencontrePage.objects.get(pk=page.pk)
        page.title = f"{page.title} (version {version})"
        page.save_revision().publish()

    upcoming = (
        RencontrePage.objects.live().child_of(index).filter(start__gte=timezone.now()).count()
    )
    page = RencontrePage.objects.get(pk=page.pk)
    endpoints = {
        "index": index.url,
        "rencontre": page.url,
        "rencontre_id": page.pk,
        "version": 2,
        "listed": upcoming,
    }
    Path(output).write_text(json.dumps(endpoints))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
