"""``manage.py publication_log ACTION``: the publication log of the rencontres.

* ``remplir``: write the log of the rencontres published before it existed, from their
  revisions (the same versions as the history computed from revisions); does nothing
  for rencontres already in the log, so it can run at every deployment (``make run``
  runs it).
* ``reparer``: recompute, from revisions, the versions of the rencontres whose public
  content could not be computed at publication (``--page`` for others).
* ``comparer``: check that the log gives the same versions as the revisions (every
  rencontre, or ``--page``); fails with the differences.
* ``purger``: delete the events older than ``RENCONTRES_CHANGES_RETENTION_DAYS`` that
  are not versions of a history (each rencontre's latest event is kept).
* ``retirer``: erase a value from the public history of rencontres (``--valeur``,
  ``--motif``, ``--page``, ``--champ``, ``--utilisateur``), logged with its reason.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from rencontres.conf import conf
from rencontres.history import backfill, comparison, redaction
from rencontres.models import PublicationEvent, RencontrePage


class Command(BaseCommand):
    help = _(
        "Journal des publications des rencontres : remplir (depuis les révisions), "
        "reparer, comparer (au calcul depuis les révisions), purger (au-delà de la durée "
        "de conservation), retirer (une valeur de l’historique public)."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser(
            "remplir", help=_("Écrire le journal des rencontres publiées avant lui.")
        )
        repair = actions.add_parser(
            "reparer", help=_("Recalculer les versions incomplètes depuis les révisions.")
        )
        repair.add_argument("--page", type=int, action="append", help=_("Identifiant de page."))
        compare = actions.add_parser(
            "comparer", help=_("Comparer le journal aux versions calculées depuis les révisions.")
        )
        compare.add_argument("--page", type=int, action="append", help=_("Identifiant de page."))
        actions.add_parser(
            "purger", help=_("Supprimer les événements anciens qui ne sont pas des versions.")
        )
        redact = actions.add_parser(
            "retirer", help=_("Retirer une valeur de l’historique public des rencontres.")
        )
        redact.add_argument("--valeur", required=True, help=_("Le texte à retirer."))
        redact.add_argument("--motif", required=True, help=_("La raison du retrait."))
        redact.add_argument(
            "--page",
            type=int,
            action="append",
            help=_("Identifiant de page (plusieurs possibles ; aucun : toutes)."),
        )
        redact.add_argument("--champ", default="", help=_("Seulement dans ce champ public."))
        redact.add_argument("--utilisateur", help=_("Identifiant de l’administrateur."))

    def handle(self, *args, action, **options):
        getattr(self, "handle_" + action)(**options)

    def _pages(self, ids):
        pages = RencontrePage.objects.select_related("locale").order_by("path")
        return pages.filter(pk__in=ids) if ids else pages

    def handle_remplir(self, **options):
        done, written = backfill.backfill()
        self.stdout.write(
            _("Journal des publications : %(pages)s rencontres remplies, %(events)s versions.")
            % {"pages": done, "events": written}
        )

    def handle_reparer(self, page=None, **options):
        pages = self._pages(page) if page else backfill.pages_to_repair()
        updated = added = 0
        for rencontre in pages:
            counts = backfill.rebuild_page(rencontre)
            updated += counts[0]
            added += counts[1]
        self.stdout.write(
            _("Journal des publications : %(updated)s événements recalculés, %(added)s ajoutés.")
            % {"updated": updated, "added": added}
        )

    def handle_comparer(self, page=None, **options):
        found = []
        count = 0
        for rencontre in self._pages(page).iterator(chunk_size=100):
            found += comparison.differences(rencontre)
            count += 1
        for line in found:
            self.stderr.write(line)
        if found:
            raise CommandError(
                _("%(n)s différences entre le journal et les révisions.") % {"n": len(found)}
            )
        self.stdout.write(
            _("Le journal et les révisions donnent les mêmes versions (%(n)s rencontres).")
            % {"n": count}
        )

    def handle_purger(self, **options):
        horizon = timezone.now() - dt.timedelta(days=conf.CHANGES_RETENTION_DAYS)
        latest = (
            PublicationEvent.objects.filter(page_id=OuterRef("page_id"))
            .order_by("-time", "-pk")
            .values("pk")[:1]
        )
        old = (
            PublicationEvent.objects.filter(time__lt=horizon, is_version=False)
            .annotate(latest=Subquery(latest))
            .values_list("pk", "latest")
        )
        ids = [pk for pk, latest_pk in old if pk != latest_pk]
        deleted = 0
        for start in range(0, len(ids), 1000):
            deleted += PublicationEvent.objects.filter(pk__in=ids[start : start + 1000]).delete()[0]
        self.stdout.write(
            _("Journal des publications : %(n)s événements anciens supprimés.") % {"n": deleted}
        )

    def handle_retirer(self, valeur, motif, page=None, champ="", utilisateur=None, **options):
        user = None
        if utilisateur:
            user = get_user_model()._default_manager.filter(username=utilisateur).first()
            if user is None:
                raise CommandError(_("Utilisateur inconnu : %(name)s.") % {"name": utilisateur})
        try:
            done = redaction.redact(valeur, motif, user=user, page_ids=page, field=champ)
        except redaction.RedactionRefused as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            _("Valeur retirée de %(n)s événements du journal (motif : %(reason)s).")
            % {"n": done.events_changed, "reason": done.reason}
        )
