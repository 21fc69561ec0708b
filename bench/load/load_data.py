"""Content for `make load`: ``LOAD_RENCONTRES`` rencontres imported into the stack's
database from a generated Decidim export (bench/import_decidim.py's generator, the
project's own ``import_decidim``), on top of ``make serve``'s demo content; one of
them published twice more so that its history has versions. Skipped when the index
already holds that many. Then writes the targets of the visitors (locustfile.py) as
JSON to the file named on the command line.

Runs with the stack's environment (production settings, its DATABASE_URL).
"""

import io
import json
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))
from _harness import setup_django  # noqa: E402

setup_django("rencontres_site.settings.production")

import import_decidim  # noqa: E402
from django.core.management import call_command  # noqa: E402


def main(output, count, hosts):
    from rencontres.models import RencontreIndexPage, RencontrePage

    index = RencontreIndexPage.objects.get(slug="rencontres", locale__language_code="fr")
    pages = RencontrePage.objects.live().public().child_of(index)
    if pages.count() < count:
        with tempfile.TemporaryDirectory() as folder:
            export = Path(folder) / "meetings.csv"
            import_decidim.write_export(export, count)
            call_command("import_decidim", str(export), index=str(index.pk), stdout=io.StringIO())
        page = pages.order_by("pk")[count // 2]
        for version in (2, 3):
            page = RencontrePage.objects.get(pk=page.pk)
            page.title = f"{page.title} (version {version})"
            page.save_revision().publish()
    history_page = pages.filter(title__endswith="(version 3)").first() or pages.first()
    sample = list(pages.order_by("?")[:500])
    departements = sorted(
        {code for code in pages.values_list("departement__code", flat=True) if code}
    )
    targets = {
        "hosts": hosts,
        "index": index.url,
        "pages": [page.url for page in sample],
        "ids": [page.pk for page in sample],
        "history_page": history_page.url,
        "departements": departements,
        "words": ["atelier", "quartier", "Loire", "concertation", "jeunes", "mobilité"],
        "rencontres": pages.count(),
    }
    Path(output).write_text(json.dumps(targets), encoding="utf-8")
    print(f"load: {targets['rencontres']} published rencontres, {len(sample)} pages visited")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
