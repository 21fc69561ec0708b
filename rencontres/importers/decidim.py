"""Reading Decidim's export of meetings and mapping each meeting to a rencontre.

Decidim (decidim-meetings) exports meetings through its ``MeetingSerializer``, as
open data or from the admin, in CSV (``;``-separated, nested keys flattened with
``/``: ``title/fr``, ``scope/name/fr``…) or JSON (the same keys, nested). Both eras
are read:

* 0.27: ``id``, ``category``, ``scope/name/<lang>``, ``title/<lang>``,
  ``description/<lang>``, ``start_time`` / ``end_time`` as ``2023-05-10 12:00:00``
  (Rails' ``:db`` format, in UTC), ``address``, ``location/<lang>``, ``attendees``,
  ``organizations``, ``url``, ``published``…
* newer (0.28+): times with their offset (``2023-05-10T14:00:00.000+02:00`` in JSON,
  ``2023-05-10 14:00:00 +0200`` in CSV), ``location_hints``, ``latitude``,
  ``longitude``, ``type_of_meeting`` (``in_person`` / ``online`` / ``hybrid``),
  ``online_meeting_url``, ``registration_type``, ``registration_url``,
  ``registrations_enabled``, ``available_slots``, ``closing_report``, ``withdrawn``;
  0.30 replaces scopes with ``taxonomies``.

Unknown columns are ignored. Translated values may come as ``title/machine_translations/en``
when Decidim translated them automatically: used when no human translation exists.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from ..models.pages import POSTCODE_RE, RegistrationMode, RencontreFormat, RencontreStatus
from . import html as html_mapping

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

# Page fields that hold text in a language (the others are the same in every language).
TRANSLATED_FIELDS = ("title", "description", "venue", "access_notes", "report")

MEETING_TYPES = {
    "in_person": RencontreFormat.PRESENTIEL,
    "online": RencontreFormat.EN_LIGNE,
    "hybrid": RencontreFormat.HYBRIDE,
}

_TRUE = {"true", "1", "yes", "oui", "t"}


class NotADecidimExport(Exception):  # noqa: N818 - reads as what it says to the user
    """The file is not an export of Decidim meetings; nothing was read or written."""


@dataclass
class SourceRow:
    """One meeting as Decidim exported it: nested data and where it starts in the file."""

    line: int
    data: dict


@dataclass
class Meeting:
    """A meeting mapped to rencontre fields, ready to compare and write."""

    line: int
    decidim_id: str
    decidim_url: str
    source_hash: str
    fields: dict
    translations: dict = field(default_factory=dict)  # language → {field: value}

    @property
    def title(self):
        return self.fields["title"]


@dataclass
class RowError:
    """A row that cannot be imported, and why (French, for the summary)."""

    line: int
    decidim_id: str
    reasons: list


# -- reading -------------------------------------------------------------------------


def read_export(path):
    """The rows of a Decidim export (CSV or JSON), or :class:`NotADecidimExport`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise NotADecidimExport(
            _("Impossible de lire « %(name)s » : %(error)s.")
            % {"name": path.name, "error": error.strerror or error}
        ) from error
    return parse_export(raw, name=path.name)


def parse_export(raw, name="export"):
    if b"\x00" in raw[:4096]:
        raise NotADecidimExport(_not_decidim_message(name, _("ce n’est pas un fichier texte")))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    stripped = text.lstrip()
    if not stripped:
        raise NotADecidimExport(_not_decidim_message(name, _("le fichier est vide")))
    if stripped[0] in "[{":
        return _json_rows(text, name)
    return _csv_rows(text, name)


def _not_decidim_message(name, detail):
    return _(
        "« %(name)s » n’est pas un export de rencontres Decidim (%(detail)s). Exportez les "
        "rencontres depuis Decidim (données ouvertes ou export de la composante "
        "Rencontres) au format CSV ou JSON : il doit contenir au moins les colonnes id, "
        "title/fr, start_time et end_time. Rien n’a été importé."
    ) % {"name": name, "detail": detail}


def _missing_keys(keys):
    return [f"{key}/fr" if key == "title" else key for key in REQUIRED_KEYS if key not in keys]


def _csv_rows(text, name):
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise NotADecidimExport(_not_decidim_message(name, _("CSV illisible"))) from error
    header = [column.strip() for column in header]
    top_keys = {column.split("/", 1)[0] for column in header}
    missing = _missing_keys(top_keys)
    if missing:
        raise NotADecidimExport(
            _not_decidim_message(
                name, _("colonnes manquantes : %(columns)s") % {"columns": ", ".join(missing)}
            )
        )
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


def _json_rows(text, name):
    decoder = json.JSONDecoder()
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
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise NotADecidimExport(
                _not_decidim_message(
                    name, _("JSON illisible à la ligne %(line)s") % {"line": error.lineno}
                )
            ) from error
        if not isinstance(item, dict):
            raise NotADecidimExport(
                _not_decidim_message(
                    name,
                    _("élément qui n’est pas une rencontre à la ligne %(line)s") % {"line": line},
                )
            )
        rows.append(SourceRow(line, item))
        position = _skip_space(text, position)
        if position < length and text[position] == ",":
            position += 1
    return _check_json_rows(rows, name)


def _check_json_rows(rows, name):
    if not rows:
        raise NotADecidimExport(_not_decidim_message(name, _("aucune rencontre")))
    missing = _missing_keys(rows[0].data.keys())
    if missing:
        raise NotADecidimExport(
            _not_decidim_message(
                name, _("champs manquants : %(columns)s") % {"columns": ", ".join(missing)}
            )
        )
    return rows


def _skip_space(text, position):
    length = len(text)
    while position < length and text[position] in " \t\r\n":
        position += 1
    return position


# -- mapping -------------------------------------------------------------------------


def source_hash(data):
    """Fingerprint of what the importer reads in a row."""
    subset = {key: data.get(key) for key in READ_KEYS if key in data}
    payload = json.dumps(subset, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _text(value):
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _translated(data, key, language):
    """A translated value: Decidim's ``{"fr": …, "machine_translations": {"en": …}}``."""
    value = data.get(key)
    if isinstance(value, dict):
        text = _text(value.get(language))
        if not text:
            machine = value.get("machine_translations")
            if isinstance(machine, dict):
                text = _text(machine.get(language))
        return text
    return _text(value) if language is None else ""


def _bool(value):
    if isinstance(value, bool):
        return value
    return _text(value).lower() in _TRUE


def _int(value):
    text = _text(value) if not isinstance(value, (int, float)) else str(int(value))
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


_DATETIME_RE = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|UTC|[+-]\d{2}:?\d{2})?"
)


def parse_datetime(value):
    """An aware datetime from Decidim's formats; a time without offset is UTC (Rails'
    ``:db`` format of 0.27 exports). Raises ValueError when unreadable."""
    text = _text(value)
    match = _DATETIME_RE.fullmatch(text)
    if not match:
        raise ValueError(text)
    date, time, zone = match.groups()
    if zone in (None, "Z", "UTC"):
        tzinfo = dt.UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        tzinfo = dt.timezone(sign * offset)
    return dt.datetime.fromisoformat(f"{date}T{time}").replace(tzinfo=tzinfo)


def _decimal(value):
    text = _text(value) if not isinstance(value, (int, float)) else repr(value)
    if not text:
        return None
    try:
        return Decimal(text).quantize(Decimal("0.000001"))
    except InvalidOperation:
        return None


_COUNTRY_RE = re.compile(r",?\s*France\s*$", re.I)
_POSTCODE_COMMUNE_RE = re.compile(r"(?:^|[\s,])(\d{5})\s+([^\d,][^,]*?)\s*(?:,|$)")
_COMMUNE_POSTCODE_RE = re.compile(r"(?:^|,)\s*([^\d,][^,(]*?)\s*\((\d{5})\)\s*(?:,|$)")


def parse_address(value):
    """(street address, postcode, commune) from "12 rue X, 42000 Saint-Étienne, France"."""
    text = _COUNTRY_RE.sub("", _text(value).replace("\n", ", ")).strip(" ,")
    for regex, order in ((_POSTCODE_COMMUNE_RE, (1, 2)), (_COMMUNE_POSTCODE_RE, (2, 1))):
        matches = list(regex.finditer(text))
        if matches:
            match = matches[-1]
            postcode, commune = match.group(order[0]), match.group(order[1]).strip()
            if POSTCODE_RE.match(postcode):
                street = (text[: match.start()] + " " + text[match.end() :]).strip(" ,")
                return street, postcode, commune
    return text, "", ""


def _normalise_name(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_DEPARTEMENT_RE = re.compile(r"^\s*(2A|2B|9[78]\d|\d{2})\s*[-–—:]\s*(.+)$", re.I)


class DepartementLookup:
    """Départements by code and by name, loaded once per import."""

    def __init__(self, departements):
        self.by_code = {d.code.upper(): d for d in departements}
        self.by_name = {_normalise_name(d.name): d for d in departements}

    def find(self, label):
        """The département a scope or taxonomy names, None if none, KeyError if unknown."""
        label = _text(label)
        if not label:
            return None
        match = _DEPARTEMENT_RE.match(label)
        if match:
            found = self.by_code.get(match.group(1).upper())
            if found is None:
                raise KeyError(label)
            return found
        found = self.by_name.get(_normalise_name(label))
        if found is None:
            raise KeyError(label)
        return found

    def looks_like_departement(self, label):
        return bool(_DEPARTEMENT_RE.match(_text(label)))


def _scope_labels(data, language):
    """Labels that may name the département: the scope (0.27) or taxonomies (0.30)."""
    labels = []
    scope = data.get("scope")
    if isinstance(scope, dict):
        name = scope.get("name")
        labels.append(("scope", _translated(scope, "name", language) if isinstance(name, dict)
                       else _text(name)))  # fmt: skip
    elif scope:
        labels.append(("scope", _text(scope)))
    taxonomies = data.get("taxonomies")
    if isinstance(taxonomies, dict):
        for key, value in taxonomies.items():
            if key != "ids" and isinstance(value, dict):
                labels.append(("taxonomy", _translated({"v": value}, "v", language)))
    return [(kind, label) for kind, label in labels if label]


class MeetingMapper:
    """Maps a Decidim row to the fields of a rencontre, or to a :class:`RowError`."""

    def __init__(self, departements, source_language, languages):
        self.departements = departements
        self.source_language = source_language
        self.languages = [code for code in languages if code != source_language]

    def map(self, row):
        data = row.data
        reasons = []
        decidim_id = _text(data.get("id"))
        if not decidim_id:
            reasons.append(_("identifiant Decidim manquant"))
        source = self.source_language
        title = _translated(data, "title", source)
        if not title:
            reasons.append(_("titre manquant (title/%(language)s)") % {"language": source})

        if "published" in data and not _bool(data.get("published")):
            return RowError(row.line, decidim_id, [_("rencontre non publiée sur Decidim")])
        if _bool(data.get("private_meeting")) and not _bool(data.get("transparent", True)):
            return RowError(row.line, decidim_id, [_("rencontre privée sur Decidim")])

        start = end = None
        for key, label in (("start_time", _("début")), ("end_time", _("fin"))):
            value = data.get(key)
            try:
                parsed = parse_datetime(value)
            except ValueError:
                if _text(value):
                    reasons.append(
                        _("date de %(what)s illisible : « %(value)s »")
                        % {"what": label, "value": _text(value)}
                    )
                else:
                    reasons.append(_("date de %(what)s manquante") % {"what": label})
                continue
            if key == "start_time":
                start = parsed
            else:
                end = parsed
        if start and end and end <= start:
            reasons.append(
                _("la fin (%(end)s) n’est pas après le début (%(start)s)")
                % {"end": _text(data.get("end_time")), "start": _text(data.get("start_time"))}
            )

        departement = None
        for kind, label in _scope_labels(data, source):
            if kind == "taxonomy" and not self.departements.looks_like_departement(label):
                continue  # a theme, not a place
            try:
                departement = self.departements.find(label)
            except KeyError:
                reasons.append(_("département inconnu : « %(label)s »") % {"label": label})
            break

        meeting_type = _text(data.get("type_of_meeting"))
        address_text = _text(data.get("address"))
        online_url = _text(data.get("online_meeting_url"))
        if meeting_type:
            format_ = MEETING_TYPES.get(meeting_type)
            if format_ is None:
                reasons.append(
                    _("type de rencontre inconnu : « %(value)s »") % {"value": meeting_type}
                )
        elif online_url and not address_text:
            format_ = RencontreFormat.EN_LIGNE
        else:
            format_ = RencontreFormat.PRESENTIEL

        if reasons:
            return RowError(row.line, decidim_id, reasons)

        address, postcode, commune = parse_address(address_text)
        decidim_url = _text(data.get("url"))
        registration_type = _text(data.get("registration_type"))
        registration_url = _text(data.get("registration_url"))
        mode, link = RegistrationMode.NONE, ""
        if registration_type == "on_different_platform" and registration_url:
            mode, link = RegistrationMode.LINK, registration_url
        elif registration_type in ("on_this_platform", "") and _bool(
            data.get("registrations_enabled")
        ):
            # Registrations stay on Decidim: the link leads to the meeting there.
            mode, link = RegistrationMode.LINK, registration_url or decidim_url
        slots = _int(data.get("available_slots"))
        attendance = _int(data.get("attendees_count", data.get("attendees")))
        withdrawn = _bool(data.get("withdrawn")) or bool(_text(data.get("withdrawn_at")))

        fields = {
            "title": title,
            "description": html_mapping.description_blocks(
                _translated(data, "description", source)
            ),
            "departement": departement,
            "start": start,
            "end": end,
            "format": format_,
            "status": RencontreStatus.ANNULEE if withdrawn else RencontreStatus.PREVUE,
            "venue": html_mapping.plain_text(_translated(data, "location", source)),
            "address": address,
            "postcode": postcode,
            "commune": commune,
            "latitude": _decimal(data.get("latitude")),
            "longitude": _decimal(data.get("longitude")),
            "access_notes": html_mapping.plain_text(_translated(data, "location_hints", source)),
            "online_url": online_url,
            "registration_mode": mode,
            "registration_url": link,
            "capacity": slots if slots and slots > 0 else None,
            "report": html_mapping.report_blocks(_translated(data, "closing_report", source)),
            "attendance": attendance if attendance and attendance > 0 else None,
        }
        translations = {}
        for language in self.languages:
            values = {
                "title": _translated(data, "title", language),
                "description": html_mapping.description_blocks(
                    _translated(data, "description", language)
                ),
                "venue": html_mapping.plain_text(_translated(data, "location", language)),
                "access_notes": html_mapping.plain_text(
                    _translated(data, "location_hints", language)
                ),
                "report": html_mapping.report_blocks(_translated(data, "closing_report", language)),
            }
            if values["title"]:  # no title, no translation worth a page
                translations[language] = values
        return Meeting(
            line=row.line,
            decidim_id=decidim_id,
            decidim_url=decidim_url,
            source_hash=source_hash(data),
            fields=fields,
            translations=translations,
        )
