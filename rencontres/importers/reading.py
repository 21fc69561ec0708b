"""Reading a Decidim export: which component a file holds, its encoding, its CSV or JSON
rows (refused whole when unreadable: :class:`RefusedFile`)."""

import csv
import io
import json
import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..sanitize import has_lone_surrogate

# The keys the importer reads; the fingerprint of a row covers these only, so that a
# change Decidim makes elsewhere (comments count, followers) is no change here.
READ_KEYS = (
    "id", "url", "title", "description", "scope", "taxonomies", "start_time", "end_time",
    "address", "location", "location_hints", "latitude", "longitude", "type_of_meeting",
    "online_meeting_url", "registration_type", "registration_url", "registrations_enabled",
    "available_slots", "closing_report", "attendees_count", "attendees", "published",
    "withdrawn", "withdrawn_at", "private_meeting", "transparent",
)  # fmt: skip

REQUIRED_KEYS = ("id", "title", "start_time", "end_time")


class RefusedFile(Exception):  # noqa: N818 - reads as what it says to the user
    """A file the import refuses as a whole, with the French message saying why and what
    to do; nothing was read or written."""


class NotADecidimExport(RefusedFile):
    """The file is not an export of Decidim meetings."""


@dataclass
class SourceRow:
    """One meeting as Decidim exported it: nested data and where it starts in the file."""

    line: int
    data: dict


# -- reading -------------------------------------------------------------------------


def parse_export(raw, name="export"):
    """The rows of a Decidim meetings export (CSV or JSON bytes), or :class:`RefusedFile`.

    ``name`` is what the person knows the file by (``export.zip › x-meetings.csv``)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise RefusedFile(_encoding_message(name, _("en UTF-16 (« texte Unicode » d’un tableur)")))
    if b"\x00" in raw[:4096]:
        raise NotADecidimExport(_not_decidim_message(name, _("ce n’est pas un fichier texte")))
    text = decode_text(raw, name)
    stripped = text.lstrip()
    if not stripped:
        raise NotADecidimExport(_not_decidim_message(name, _("le fichier est vide")))
    if stripped[0] in "[{":
        return _json_rows(text, name)
    return _csv_rows(text, name)


# A UTF-8 sequence of two to four bytes: its presence tells a broken UTF-8 file from a
# Latin-1 one (whose accented letters are single bytes).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def decode_text(raw, name):
    """The text of a UTF-8 file (with or without BOM), as Decidim writes its exports;
    a Latin-1 (Windows-1252) file or invalid UTF-8 is refused with a message that says
    which."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        try:
            raw.decode("cp1252")
        except UnicodeDecodeError:
            latin1 = False
        else:
            latin1 = not _UTF8_MULTIBYTE.search(raw)
        if latin1:
            detail = _("en Latin-1 (Windows-1252) dès la ligne %(line)s") % {"line": line}
            raise RefusedFile(_encoding_message(name, detail)) from error
        raise RefusedFile(
            _(
                "« %(name)s » n’est pas du texte UTF-8 valide : octet 0x%(byte)02X à la ligne "
                "%(line)s. Le fichier est sans doute tronqué ou abîmé : téléchargez-le de "
                "nouveau depuis Decidim. Rien n’a été importé."
            )
            % {"name": name, "byte": raw[error.start], "line": line}
        ) from error


def _encoding_message(name, detail):
    return _(
        "« %(name)s » est encodé %(detail)s, pas en UTF-8 comme les exports de Decidim : "
        "il a sans doute été ré-enregistré par un tableur. Importez le fichier tel que "
        "Decidim le fournit, ou enregistrez-le au format « CSV UTF-8 ». Rien n’a été importé."
    ) % {"name": name, "detail": detail}


def _not_decidim_message(name, detail):
    return _(
        "« %(name)s » n’est pas un export de rencontres Decidim (%(detail)s). Exportez les "
        "rencontres depuis Decidim (données ouvertes ou export de la composante "
        "Rencontres) au format CSV ou JSON : il doit contenir au moins les colonnes id, "
        "title/fr, start_time et end_time. Rien n’a été importé."
    ) % {"name": name, "detail": detail}


# -- which Decidim export a file holds ------------------------------------------------

# Decidim's open-data ZIP names each file "<host>-open-data-<export>.csv", <export> being
# the name of a component's export ("meetings", "meeting_comments", "proposals"…).
OPEN_DATA_NAME_RE = re.compile(r"(?:^|[-_.])open-data-([a-z_]+)\.(?:csv|json)$", re.I)
MEETINGS_EXPORT = "meetings"

OTHER_EXPORTS = {
    "meeting_comments": gettext_lazy("les commentaires des rencontres"),
    "proposals": gettext_lazy("les propositions"),
    "proposal_comments": gettext_lazy("les commentaires des propositions"),
    "results": gettext_lazy("les résultats (suivi des réalisations)"),
    "result_comments": gettext_lazy("les commentaires des résultats"),
    "debates": gettext_lazy("les débats"),
    "debate_comments": gettext_lazy("les commentaires des débats"),
    "projects": gettext_lazy("les projets (budgets participatifs)"),
    "project_comments": gettext_lazy("les commentaires des projets"),
    "budgets": gettext_lazy("les budgets"),
    "comments": gettext_lazy("des commentaires"),
    "participatory_processes": gettext_lazy("les processus participatifs"),
    "assemblies": gettext_lazy("les assemblées"),
}


def export_of_name(name):
    """The export a Decidim open-data file name says it holds (``"meetings"``…), or None."""
    match = OPEN_DATA_NAME_RE.search(name.rsplit("/", 1)[-1])
    return match.group(1).lower() if match else None


def _export_of_keys(keys):
    """The other export a file's columns betray (a renamed file), or None."""
    keys = set(keys)
    if {"commentable_id", "commentable_type"} <= keys:
        return "comments"
    if "instructions" in keys or "information_updates" in keys:
        return "debates"  # a debate has a title, a start and an end too
    if "body" in keys and ({"state", "answer"} & keys):
        return "proposals"
    if "progress" in keys and "start_date" in keys:
        return "results"
    if "budget_amount" in keys:
        return "projects"
    return None


def wrong_export_message(name, export):
    what = OTHER_EXPORTS.get(export) or _("l’export « %(export)s »") % {"export": export}
    return _(
        "« %(name)s » contient %(what)s de Decidim, pas ses rencontres. Importez le fichier "
        "des rencontres (« …-open-data-meetings.csv ») ou l’archive ZIP des données "
        "ouvertes telle que Decidim la fournit. Rien n’a été importé."
    ) % {"name": name, "what": what}


def _check_export(name, keys):
    """Refuse the file of another component, by its name or its columns; then the file
    without the columns every meetings export has."""
    export = export_of_name(name)
    if export in (None, MEETINGS_EXPORT):
        export = _export_of_keys(keys) or export
    if export not in (None, MEETINGS_EXPORT):
        raise NotADecidimExport(wrong_export_message(name, export))
    missing = [f"{key}/fr" if key == "title" else key for key in REQUIRED_KEYS if key not in keys]
    if missing:
        raise NotADecidimExport(
            _not_decidim_message(
                name, _("colonnes manquantes : %(columns)s") % {"columns": ", ".join(missing)}
            )
        )


# -- CSV -------------------------------------------------------------------------------


#: The longest cell the CSV reader accepts: the whole file (whose size is bounded
#: before it is read). Python's default, 128 KB, refused a file whole for one long
#: description (Decidim keeps pasted images in it) with « CSV illisible ».
CSV_FIELD_SIZE_LIMIT = 2**31 - 1


def _csv_rows(text, name):
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    if csv.field_size_limit() < CSV_FIELD_SIZE_LIMIT:
        csv.field_size_limit(CSV_FIELD_SIZE_LIMIT)  # process-wide; never lowered here
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise NotADecidimExport(_not_decidim_message(name, _("CSV illisible"))) from error
    header = [column.strip() for column in header]
    if any(column.count("/") >= MAX_JSON_DEPTH for column in header):
        raise _too_deep(name, 1)  # "a/b/c/…": as deep once unflattened
    _check_export(name, {column.split("/", 1)[0] for column in header})
    rows = []
    line = reader.line_num + 1
    try:
        for values in reader:
            if any(value.strip() for value in values):
                rows.append(SourceRow(line, _unflatten(header, values)))
            line = reader.line_num + 1
    except csv.Error as error:
        raise NotADecidimExport(
            _not_decidim_message(name, _("CSV illisible à la ligne %(line)s") % {"line": line})
        ) from error
    return rows


def _unflatten(header, values):
    data = {}
    for key, value in zip(header, values, strict=False):
        parts = key.split("/")
        node = data
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        if not isinstance(node.get(parts[-1]), dict):
            node[parts[-1]] = value
    return data


# -- JSON ------------------------------------------------------------------------------

# Decidim nests a meeting three or four levels deep (title → machine_translations → en);
# far more is no export but a file made to exhaust the reader.
MAX_JSON_DEPTH = 16


def _finite_float(text):
    # 1e400 reads as infinity: kept as its text, which the mapping refuses with a reason.
    value = float(text)
    return value if math.isfinite(value) else text


def _bounded_int(text):
    # Python refuses to read integers of more than 4300 digits (ValueError): a number
    # that long is no count of places; kept as its text, refused by the mapping.
    return int(text) if len(text) <= 30 else text


# NaN, Infinity and -Infinity (accepted by Python, not JSON) are kept as their text too.
_DECODER = json.JSONDecoder(parse_float=_finite_float, parse_int=_bounded_int, parse_constant=str)


def _has_lone_surrogate(value):
    """Whether a string of ``value`` (keys included) holds half of a UTF-16 pair: JSON
    may write one (``"\\ud800"``), no UTF-8 text holds it, and the database refuses it."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and has_lone_surrogate(item):
            return True
    return False


def _lone_surrogate(name, line):
    return RefusedFile(
        _(
            "« %(name)s » contient à la ligne %(line)s un caractère invalide (une moitié de "
            "caractère Unicode, écrite « \\ud800 » à « \\udfff ») qu’aucun texte ne peut "
            "contenir. Le fichier est sans doute abîmé : téléchargez-le de nouveau depuis "
            "Decidim. Rien n’a été importé."
        )
        % {"name": name, "line": line}
    )


def _depth(value):
    """How deep ``value`` nests (1 for a flat object); stops counting past the limit."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep(name, line):
    return NotADecidimExport(
        _not_decidim_message(
            name,
            _("données imbriquées sur plus de %(depth)s niveaux à la ligne %(line)s")
            % {"depth": MAX_JSON_DEPTH, "line": line},
        )
    )


def _json_rows(text, name):
    length = len(text)
    position = _skip_space(text, 0)
    if text[position] != "[":
        raise NotADecidimExport(_not_decidim_message(name, _("pas une liste de rencontres")))
    rows = []
    position += 1  # "["
    line, counted_to = 1, 0
    while True:
        position = _skip_space(text, position)
        if position >= length:
            raise NotADecidimExport(_not_decidim_message(name, _("JSON incomplet")))
        if text[position] == "]":
            break
        line += text.count("\n", counted_to, position)
        counted_to = position
        try:
            item, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise NotADecidimExport(
                _not_decidim_message(
                    name, _("JSON illisible à la ligne %(line)s") % {"line": error.lineno}
                )
            ) from error
        except RecursionError as error:
            raise _too_deep(name, line) from error
        if not isinstance(item, dict):
            raise NotADecidimExport(
                _not_decidim_message(
                    name,
                    _("élément qui n’est pas une rencontre à la ligne %(line)s") % {"line": line},
                )
            )
        if _depth(item) > MAX_JSON_DEPTH:
            raise _too_deep(name, line)
        if _has_lone_surrogate(item):
            raise _lone_surrogate(name, line)
        if not rows:
            _check_export(name, item.keys())
        rows.append(SourceRow(line, item))
        position = _skip_space(text, position)
        if position < length and text[position] == ",":
            position += 1
    if not rows:
        raise NotADecidimExport(_not_decidim_message(name, _("aucune rencontre")))
    return rows


def _skip_space(text, position):
    length = len(text)
    while position < length and text[position] in " \t\r\n":
        position += 1
    return position
