"""Load the demo content: site configuration, home and footer pages, rencontres."""

from django.core.management.base import BaseCommand
from django.db import transaction

from home.demo.rencontres import load_rencontres
from home.demo.site import load_site
from home.demo.translations import load_translations


class Command(BaseCommand):
    help = (
        "Charge le contenu de démonstration (configuration du site, page d’accueil, pages "
        "du pied de page, rencontres). Idempotent : ne crée rien deux fois et ne modifie "
        "pas ce que les éditeurs ont changé."
    )

    def handle(self, *args, **options):
        home = load_site(stdout=self.stdout)
        with transaction.atomic():
            load_rencontres(home, stdout=self.stdout)
        # Outside any transaction: wagtail-localize publishes translations on commit.
        load_translations(home, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Contenu de démonstration chargé."))
