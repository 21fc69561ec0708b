"""``manage.py import_decidim FILE``: bring Decidim's meetings in as rencontres.

Reads Decidim's export of meetings (CSV or JSON, see :mod:`rencontres.importers.decidim`),
or its open-data ZIP as Decidim serves it (:mod:`rencontres.importers.files`), and
creates or updates one rencontre page per meeting under a rencontres index. Running
it again with the same file changes nothing; with a newer export it updates what changed
in Decidim, except what editors changed here (reported as conflicts).
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.models import Locale

from rencontres.conf import conf
from rencontres.importers.decidim import RefusedFile
from rencontres.importers.files import read_path
from rencontres.importers.remote import read_url
from rencontres.importers.report import field_label
from rencontres.importers.service import perform_import, preview_import
from rencontres.models import RencontreFormat, RencontreIndexPage

RESUME = gettext_lazy(
    "Les rencontres déjà enregistrées le restent et aucune n’est à moitié écrite : "
    "relancez la même commande pour terminer."
)


class ProgressBar:
    """A one-line progress bar, drawn only on a terminal."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.enabled = hasattr(stream, "isatty") and stream.isatty()
        self.last = None

    def __call__(self, phase, done, total):
        if not self.enabled or not total:
            return
        filled = self.WIDTH * done // total
        label = _("Rencontres") if phase == "rows" else _("Traductions")
        line = f"\r{label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}"
        if line != self.last:
            self.stream.write(line)
            self.stream.flush()
            self.last = line
        if done == total:
            self.stream.write("\n")
            self.last = None


def resolve_index(value):
    """The rencontres index named by ``--index`` (id or slug), or the only one."""
    indexes = RencontreIndexPage.objects.select_related("locale")
    if value:
        found = indexes.filter(pk=int(value)) if value.isdigit() else indexes.filter(slug=value)
        found = list(found)
        if not found:
            raise CommandError(
                _("Aucun index des rencontres n’a l’identifiant ou le slug « %(value)s ».")
                % {"value": value}
            )
    else:
        found = list(indexes.filter(locale=Locale.get_default()))
        if not found:
            raise CommandError(
                _("Aucun index des rencontres : créez d’abord la page « Les rencontres locales ».")
            )
    if len(found) > 1:
        choices = ", ".join(f"{page.pk} ({page.slug})" for page in found)
        raise CommandError(
            _("Plusieurs index des rencontres : précisez --index parmi %(choices)s.")
            % {"choices": choices}
        )
    return found[0]


class Command(BaseCommand):
    help = _(
        "Importe les rencontres d’un export Decidim (CSV, JSON, l’archive ZIP de ses "
        "données ouvertes ou l’adresse de leur téléchargement). Relancer l’import du "
        "même fichier ne change rien ; un export plus récent met à jour ce qui a changé "
        "dans Decidim, sauf ce que les éditeurs ont modifié ici (signalé comme conflit)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help=_(
                "Export Decidim des rencontres (.csv ou .json), archive .zip de ses "
                "données ouvertes, ou adresse https://… de leur téléchargement."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Affiche ce qui changerait, sans rien enregistrer."),
        )
        parser.add_argument(
            "--index",
            help=_("Identifiant ou slug de l’index des rencontres (s’il y en a plusieurs)."),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=250,
            help=_("Nombre de rencontres créées par transaction (250 par défaut)."),
        )

    def handle(self, *args, **options):
        # Staff read the report in the site's language (French), whatever was active.
        with translation.override(conf.source_language):
            self._handle(options)

    def _handle(self, options):
        self.verbosity = options["verbosity"]
        index = resolve_index(options["index"])
        source = options["file"]
        try:
            if source.lower().startswith(("http://", "https://")):
                export = read_url(source)
            else:
                export = read_path(source)
        except RefusedFile as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        try:
            if options["dry_run"]:
                report = preview_import(index, export)
            else:
                report = perform_import(
                    index,
                    export,
                    batch_size=max(1, options["batch_size"]),
                    progress=ProgressBar(self.stdout),
                )
        except KeyboardInterrupt:
            self.stderr.write("\n" + _("Import interrompu.") + " " + RESUME)
            sys.exit(130)
        except DatabaseError as error:
            raise CommandError(
                _("Import interrompu par une erreur de la base de données : %(error)s.")
                % {"error": str(error).strip()}
                + " "
                + RESUME
            ) from error
        self.write_report(report, index, time.perf_counter() - started)

    def write_report(self, report, index, seconds):
        out = self.stdout
        if report.dry_run:
            out.write(self.style.WARNING(_("Simulation (--dry-run) : rien n’a été enregistré.")))
        out.write(
            ngettext(
                "Import de « %(file)s » dans « %(index)s » : %(n)s rencontre lue en %(s).1f s.",
                "Import de « %(file)s » dans « %(index)s » : %(n)s rencontres lues en %(s).1f s.",
                report.total,
            )
            % {"file": report.file, "index": index.title, "n": report.total, "s": seconds}
        )
        if report.dry_run:
            labels = (_("seraient créées"), _("seraient mises à jour"), _("inchangées"),
                      _("seraient ignorées"))  # fmt: skip
        else:
            labels = (_("créées"), _("mises à jour"), _("inchangées"), _("ignorées"))
        counts = (
            len(report.created),
            len(report.updated),
            len(report.unchanged),
            len(report.skipped),
        )
        for label, count in zip(labels, counts, strict=True):
            out.write(f"  {label} : {count}")
        # _() outside the f-strings: xgettext does not read inside them.
        if report.conflicts:
            label = _("conflits")
            out.write(f"  {label} : {len(report.conflicts)}")
        if report.translated:
            label = _("traductions écrites")
            out.write(f"  {label} : {report.translated}")

        if self.verbosity >= 2 and report.created:
            out.write(_("Créées :"))
            for change in report.created:
                out.write(self._line(change))
        if report.updated:
            out.write(_("Mises à jour :"))
            for change in report.updated:
                detail = ", ".join(field_label(name) for name in change.fields)
                if change.draft:
                    detail += " " + _("(en brouillon : la page a des modifications non publiées)")
                out.write(f"{self._line(change)} : {detail}")
        if report.conflicts:
            out.write(
                self.style.WARNING(
                    _(
                        "Conflits : modifié dans Decidim et ici depuis le dernier import, "
                        "la valeur d’ici est conservée :"
                    )
                )
            )
            for conflict in report.conflicts:
                fields = ", ".join(field_label(name) for name in conflict.fields)
                out.write(f"{self._line(conflict)} [{conflict.language}] : {fields}")
                if self.verbosity >= 2:
                    for value in conflict.values:
                        out.write(
                            _("    %(field)s — ici : « %(here)s » ; Decidim : « %(decidim)s »")
                            % {
                                "field": value.label,
                                "here": _short(value.here),
                                "decidim": _short(value.decidim),
                            }
                        )
        if report.inferred:
            self.write_inferred(report)
        if report.translation_errors:
            out.write(
                self.style.WARNING(
                    _(
                        "Traductions non enregistrées (la rencontre est créée ; sa traduction "
                        "sera retentée au prochain import) :"
                    )
                )
            )
            for error in report.translation_errors:
                where = _("  ligne %(line)s (Decidim %(id)s)") % {
                    "line": error.line,
                    "id": error.decidim_id,
                }
                out.write(f"{where} : {' ; '.join(error.reasons)}")
        if report.skipped:
            out.write(self.style.WARNING(_("Ignorées :")))
            for error in report.skipped:
                where = _("  ligne %(line)s (Decidim %(id)s)") % {
                    "line": error.line,
                    "id": error.decidim_id or "?",
                }
                out.write(f"{where} : {' ; '.join(error.reasons)}")

    def write_inferred(self, report):
        """Formats deduced for lack of a meeting type (0.27 exports): online and hybrid
        ones line by line, in-person ones counted (listed with -v 2)."""
        out = self.stdout
        out.write(
            _("Format déduit (l’export ne donne pas le type de rencontre) : %(n)s")
            % {"n": len(report.inferred)}
        )
        in_person = [i for i in report.inferred if i.format == RencontreFormat.PRESENTIEL]
        for inference in report.inferred:
            if inference in in_person and self.verbosity < 2:
                continue
            out.write(f"{self._line(inference)} : {inference.label} ({inference.reason})")
        if in_person and self.verbosity < 2:
            out.write(
                ngettext(
                    "  %(n)s rencontre en présentiel ; -v 2 pour la liste",
                    "  %(n)s rencontres en présentiel ; -v 2 pour la liste",
                    len(in_person),
                )
                % {"n": len(in_person)}
            )

    def _line(self, item):
        return _("  ligne %(line)s, « %(title)s » (Decidim %(id)s)") % {
            "line": item.line,
            "title": item.title,
            "id": item.decidim_id,
        }


def _short(text, length=120):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
