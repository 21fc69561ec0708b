"""``manage.py sync_decidim``: re-import every index linked to a Decidim address.

For cron (the tasks API has no scheduler), e.g. every night::

    15 3 * * *  cd /srv/rencontres && .venv/bin/python manage.py sync_decidim

Each linked index (« Réimporter cette adresse… » when confirming an import from an
address in the admin, or ``--lier``) is handed to the worker's ``imports`` queue, or
run here with ``--maintenant``. Each run is idempotent and leaves its report in the
admin (« Importer depuis Decidim »).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from rencontres.conf import conf
from rencontres.importers import sync
from rencontres.importers.tasks import sync_index
from rencontres.models import DecidimSync

from .import_decidim import resolve_index


class Command(BaseCommand):
    help = _(
        "Réimporte depuis Decidim chaque index des rencontres lié à une adresse de "
        "données ouvertes (à lancer par cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--index", help=_("Identifiant ou slug d’un seul index à synchroniser.")
        )
        parser.add_argument(
            "--lier",
            metavar="URL",
            help=_("Lie l’index (--index, ou le seul) à cette adresse, puis le synchronise."),
        )
        parser.add_argument(
            "--maintenant",
            action="store_true",
            help=_("Importe ici et maintenant au lieu de confier l’import au worker."),
        )

    def handle(self, *args, **options):
        with translation.override(conf.source_language):
            self._handle(options)

    def _handle(self, options):
        syncs = DecidimSync.objects.filter(active=True).select_related("index")
        if options["lier"]:
            index = resolve_index(options["index"])
            syncs = [sync.link(index, options["lier"])]
        elif options["index"]:
            index = resolve_index(options["index"])
            syncs = list(syncs.filter(index=index))
            if not syncs:
                raise CommandError(
                    _("« %(index)s » n’est lié à aucune adresse Decidim (voir --lier).")
                    % {"index": index.title}
                )
        if not syncs:
            self.stdout.write(_("Aucun index n’est lié à une adresse Decidim."))
            return
        for item in syncs:
            if options["maintenant"]:
                run = sync.run_sync(item.pk)
                self.stdout.write(self._outcome(item, run))
            else:
                sync_index.enqueue(item.pk)
                self.stdout.write(
                    _("« %(index)s » : import de %(url)s confié au worker.")
                    % {"index": item.index.title, "url": item.url}
                )

    def _outcome(self, item, run):
        if run is None:
            return _("« %(index)s » : un import est déjà en cours, rien n’est fait.") % {
                "index": item.index.title
            }
        counts = run.counts or {}
        if run.error:
            return _("« %(index)s » : %(status)s — %(error)s") % {
                "index": item.index.title,
                "status": run.get_status_display(),
                "error": run.error,
            }
        return _(
            "« %(index)s » : %(status)s — %(created)s créées, %(updated)s mises à jour, "
            "%(unchanged)s inchangées, %(skipped)s ignorées."
        ) % {
            "index": item.index.title,
            "status": run.get_status_display(),
            **{key: counts.get(key, 0) for key in ("created", "updated", "unchanged", "skipped")},
        }
