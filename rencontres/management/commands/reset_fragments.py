"""``manage.py reset_fragments``: forget the page fragments of every app process.

Publications, saves and deletions through the models do it by themselves
(:mod:`rencontres.fragments`); run this after changing data outside them (SQL,
``QuerySet.update()`` in a shell, a restored backup).
"""

from django.core.management.base import BaseCommand

from rencontres import fragments


class Command(BaseCommand):
    help = "Oublie les fragments de pages gardés jusqu’à la prochaine publication."

    def handle(self, *args, **options):
        fragments.reset()
        self.stdout.write("Fragments oubliés : chaque processus les relira.")
