"""``manage.py export_rencontres``: the rencontres as a spreadsheet (CSV) or JSON.

Columns: :mod:`rencontres.exports` (every public field, one column per language for
translated fields), the same as the admin listing's export and the open data. By
default the published rencontres only, as partners may see them; ``--tout`` adds the
unpublished and private ones (their last saved values), for staff.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Locale

from rencontres.conf import conf
from rencontres.models import RencontrePage
from rencontres.public.opendata import csv_lines, json_document
from rencontres.selectors import source_rencontres

# A spreadsheet opened by a double click (Excel, in French) wants a BOM to read UTF-8
# and a semicolon between columns; the open data CSV keeps RFC 4180's comma.
SPREADSHEET_DELIMITER = ";"
BOM = "\ufeff"


class Command(BaseCommand):
    help = _(
        "Exporte les rencontres en CSV (pour un tableur) ou en JSON : tous les champs "
        "publics, une colonne par langue pour les champs traduits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", choices=["csv", "json"], default="csv", help=_("csv (défaut) ou json.")
        )
        parser.add_argument(
            "--output", "-o", help=_("Fichier à écrire (par défaut : la sortie standard).")
        )
        parser.add_argument(
            "--tout",
            action="store_true",
            dest="everything",
            help=_("Inclure les rencontres non publiées ou privées (pour l’équipe)."),
        )

    def handle(self, *args, **options):
        with translation.override(conf.source_language):
            if options["everything"]:
                rencontres = RencontrePage.objects.filter(locale=Locale.get_default()).order_by(
                    "start", "pk"
                )
            else:
                rencontres = source_rencontres()
            published_only = not options["everything"]
            if options["format"] == "json":
                document = json_document(rencontres, published_only=published_only)
                text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
                chunks = [text + "\n"]
                count = document["count"]
            else:
                chunks = list(
                    csv_lines(
                        rencontres, delimiter=SPREADSHEET_DELIMITER, published_only=published_only
                    )
                )
                count = len(chunks) - 1  # the header line
                if options["output"]:
                    chunks.insert(0, BOM)  # a file for a spreadsheet; stdout stays plain
            self._write(chunks, options["output"])
            if options["output"]:
                self.stderr.write(
                    _("%(n)s rencontre(s) exportée(s) dans « %(file)s ».")
                    % {"n": count, "file": options["output"]}
                )

    def _write(self, chunks, output):
        if not output:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(chunks)
        except OSError as error:
            raise CommandError(
                _("Impossible d’écrire « %(file)s » : %(error)s.")
                % {"file": output, "error": error.strerror or error}
            ) from error
