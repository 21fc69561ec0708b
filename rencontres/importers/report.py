"""What an import did or would do: created, updated, unchanged and skipped rows,
conflicts and inferred formats (:class:`ImportReport`), kept as JSON
(:meth:`ImportReport.as_dict`, :meth:`ImportReport.from_dict`) and downloaded as CSV
(:func:`csv_bytes`)."""

import csv
import io
from dataclasses import asdict, dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from ..models import RencontrePage
from .decidim import RowError


def field_label(name):
    """The French label of a page field, "titre (en)" for ``title (en)``."""
    base, _sep, language = name.partition(" (")
    try:
        label = str(RencontrePage._meta.get_field(base).verbose_name)
    except FieldDoesNotExist:
        return name
    return f"{label} ({language}" if language else label


@dataclass
class Change:
    """A created or updated rencontre (``fields``: what changed, ``draft``: saved as a
    draft because the page had unpublished changes)."""

    line: int
    decidim_id: str
    title: str
    fields: list = field(default_factory=list)
    draft: bool = False


@dataclass
class FieldConflict:
    """One conflicting field: its value here (kept) and in Decidim, as readable text."""

    field: str
    label: str
    here: str
    decidim: str


@dataclass
class Conflict:
    """Fields changed both in Decidim and here since the last import: kept as edited here.
    ``fields`` are their names, ``values`` their :class:`FieldConflict`."""

    line: int
    decidim_id: str
    title: str
    language: str
    fields: list
    values: list = field(default_factory=list)


@dataclass
class Inference:
    """The format given to a meeting whose export has no meeting type, and why."""

    line: int
    decidim_id: str
    title: str
    format: str
    label: str
    reason: str


@dataclass
class ImportReport:
    """What an import did, or would do (``dry_run``): the preview and the final report.

    Every row of the file is in exactly one of ``created``, ``updated``, ``unchanged``
    (:class:`Change`) and ``skipped`` (:class:`.decidim.RowError`: line and reasons);
    ``conflicts`` and ``inferred`` add detail to some of them."""

    dry_run: bool = False
    file: str = ""
    total: int = 0
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    inferred: list = field(default_factory=list)
    translated: int = 0
    translation_errors: list = field(default_factory=list)
    #: Stopped by a cancellation: rows past ``stopped_at`` (a line) were not read.
    cancelled: bool = False
    stopped_at: int = 0

    def mark(self):
        """Where the report stands, to forget what a rolled-back page added to it."""
        lists = (self.updated, self.conflicts, self.unchanged, self.inferred)
        return tuple(len(items) for items in lists), self.translated

    def reset(self, mark):
        lengths, self.translated = mark
        lists = (self.updated, self.conflicts, self.unchanged, self.inferred)
        for items, length in zip(lists, lengths, strict=True):
            del items[length:]

    @property
    def counts(self):
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
            "conflicts": len(self.conflicts),
            "inferred": len(self.inferred),
        }

    def as_dict(self):
        """The report as JSON data (to keep it, or hand it to a template or a script)."""
        data = asdict(self)
        data["counts"] = self.counts
        for change in data["updated"]:
            change["labels"] = [field_label(name) for name in change["fields"]]
        for conflict in data["conflicts"]:
            conflict["labels"] = [field_label(name) for name in conflict["fields"]]
        return data

    @classmethod
    def from_dict(cls, data):
        """The report kept by :meth:`as_dict` (an :class:`~rencontres.models.ImportRun`'s)."""

        def items(name, kind, drop=("labels",)):
            return [kind(**{k: v for k, v in item.items() if k not in drop})
                    for item in data.get(name, [])]  # fmt: skip

        conflicts = [
            Conflict(
                **{
                    **{k: v for k, v in item.items() if k != "labels"},
                    "values": [FieldConflict(**value) for value in item.get("values", [])],
                }
            )
            for item in data.get("conflicts", [])
        ]
        return cls(
            dry_run=data.get("dry_run", False),
            file=data.get("file", ""),
            total=data.get("total", 0),
            created=items("created", Change),
            updated=items("updated", Change),
            unchanged=items("unchanged", Change),
            skipped=items("skipped", RowError),
            conflicts=conflicts,
            inferred=items("inferred", Inference),
            translated=data.get("translated", 0),
            translation_errors=items("translation_errors", RowError),
            cancelled=data.get("cancelled", False),
            stopped_at=data.get("stopped_at", 0),
        )

    def rows(self):
        """The report as table rows, one per event, header first (for a CSV download):
        line, Decidim id, title, what happened, detail, field, value here, in Decidim."""
        rows = [
            [_("ligne"), _("id Decidim"), _("titre"), _("résultat"), _("détail"),
             _("champ"), _("valeur ici"), _("valeur Decidim")]
        ]  # fmt: skip
        would = self.dry_run
        events = []
        for change in self.created:
            events.append((change, _("serait créée") if would else _("créée"), ""))
        for change in self.updated:
            detail = ", ".join(field_label(name) for name in change.fields)
            if change.draft:
                detail += " " + _("(en brouillon)")
            events.append((change, _("serait mise à jour") if would else _("mise à jour"), detail))
        for change in self.unchanged:
            events.append((change, _("inchangée"), ""))
        for error in self.skipped:
            reasons = " ; ".join(str(reason) for reason in error.reasons)
            events.append((error, _("serait ignorée") if would else _("ignorée"), reasons))
        for error in self.translation_errors:
            reasons = " ; ".join(str(reason) for reason in error.reasons)
            events.append((error, _("traduction non enregistrée"), reasons))
        for inference in self.inferred:
            detail = f"{inference.label} : {inference.reason}"
            events.append((inference, _("format déduit"), detail))
        for item, outcome, detail in sorted(events, key=lambda event: event[0].line):
            rows.append(
                [item.line, item.decidim_id, getattr(item, "title", ""), outcome, detail,
                 "", "", ""]
            )  # fmt: skip
        for conflict in sorted(self.conflicts, key=lambda conflict: conflict.line):
            for value in conflict.values:
                rows.append(
                    [conflict.line, conflict.decidim_id, conflict.title, _("conflit"),
                     _("valeur d’ici conservée"), value.label, value.here, value.decidim]
                )  # fmt: skip
        return rows


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell a spreadsheet shows as text: a leading ``'`` before ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return (a Decidim title « =HYPERLINK(…) » stays text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(rows):
    """``rows`` as a CSV file spreadsheets open right: UTF-8 with a byte order mark,
    ``;``-separated (French Excel), every cell neutralised (:func:`neutralise`)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
