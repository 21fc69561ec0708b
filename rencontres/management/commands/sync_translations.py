"""``manage.py sync_translations``: push the synchronised fields of source pages to their
translations again, here and now (not in the task worker).

Publishing a source page pushes them in the task worker, which retries a translation it
could not update (:mod:`rencontres.translation`); this command is for what is left after
the retries — the translations whose edit view shows that they could not be updated —
or for every source page after an outage of the worker::

    manage.py sync_translations              # the sources of translations left behind
    manage.py sync_translations --all        # every live source page with translations
    manage.py sync_translations --page 42    # these pages (repeat --page)

It exits with an error when a translation still cannot be updated.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils.translation import gettext as _
from wagtail.models import Page

from rencontres.models import TranslationSyncIssue
from rencontres.translation import push_page


class Command(BaseCommand):
    help = _("Reporte les champs synchronisés des pages sources sur leurs traductions.")

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--all",
            action="store_true",
            help=_("Toutes les pages sources en ligne qui ont des traductions."),
        )
        which.add_argument(
            "--page",
            type=int,
            action="append",
            dest="pages",
            metavar="ID",
            help=_("Cette page source (option à répéter)."),
        )

    def handle(self, *args, all=False, pages=None, **options):  # noqa: A002
        if pages:
            sources = Page.objects.filter(pk__in=pages)
        elif all:
            keys = (
                Page.objects.values("translation_key")
                .annotate(n=Count("pk"))
                .filter(n__gt=1)
                .values("translation_key")
            )
            sources = Page.objects.filter(live=True, translation_key__in=keys)
        else:
            sources = Page.objects.filter(
                pk__in=TranslationSyncIssue.objects.filter(
                    kind=TranslationSyncIssue.Kind.FAILED
                ).values("source_id")
            )
        pushed = failures = 0
        for page in sources.order_by("pk"):
            changed, failed = push_page(page)
            if not changed and not failed:
                continue
            pushed += len(changed)
            failures += len(failed)
            self.stdout.write(
                _("« %(title)s » (page %(pk)s) : %(changed)s traduction(s) mise(s) à jour")
                % {"title": page.title, "pk": page.pk, "changed": len(changed)}
            )
            for translation_id, error in failed:
                self.stdout.write(
                    _("  traduction %(pk)s non mise à jour : %(error)s")
                    % {"pk": translation_id, "error": f"{type(error).__name__}: {error}"}
                )
        if failures:
            raise CommandError(
                _("%(n)s traduction(s) n’ont pas pu être mises à jour.") % {"n": failures}
            )
        self.stdout.write(
            _("%(n)s traduction(s) mise(s) à jour.") % {"n": pushed}
            if pushed
            else _("Toutes les traductions ont déjà les valeurs de leur source.")
        )
