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

Without ``type_of_meeting`` the format is inferred (:func:`infer_format`). A file that
is not UTF-8, nests JSON too deep or is the export of another component is refused
whole (:class:`RefusedFile`); a numeric field holding ``NaN``, an infinity or a number
out of bounds skips its row with the reason (:func:`read_number`). Containers (the
open-data ZIP) and size limits are :mod:`.files`'s job.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from html import unescape
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


@dataclass
class Meeting:
    """A meeting mapped to rencontre fields, ready to compare and write."""

    line: int
    decidim_id: str
    decidim_url: str
    source_hash: str
    fields: dict
    translations: dict = field(default_factory=dict)  # language → {field: value}
    inferred_format: "InferredFormat | None" = None  # when the export has no meeting type

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


def _csv_rows(text, name):
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
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


class BadNumber(ValueError):
    """A numeric field holding no usable number; its message is the reason (French)."""


# Bounds of the numbers the importer reads: beyond, the value is refused with a reason
# rather than stored wrong (a latitude of 500) or refused by the database mid-batch.
MAX_COUNT = 2_147_483_647
NUMBER_BOUNDS = {
    "latitude": (-90, 90),
    "longitude": (-180, 180),
    "available_slots": (0, MAX_COUNT),
    "attendees_count": (0, MAX_COUNT),
    "attendees": (0, MAX_COUNT),
}
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def read_number(data, key):
    """The number in ``data[key]`` as a Decimal, None when empty; :class:`BadNumber` for
    text that is no number, ``NaN``, an infinity (``Infinity``, ``1e400``) or a number out
    of :data:`NUMBER_BOUNDS`."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, (bool, dict, list)):
        raise BadNumber(_("%(column)s : pas un nombre") % {"column": key})
    text = repr(value) if isinstance(value, float) else str(value).strip()
    if not text:
        return None
    values = {"column": key, "value": text if len(text) <= 40 else text[:40] + "…"}
    if not _NUMBER_RE.fullmatch(text):
        if text.lstrip("+-").lower() in ("nan", "inf", "infinity"):
            raise BadNumber(_("%(column)s : « %(value)s » n’est pas un nombre fini") % values)
        raise BadNumber(_("%(column)s : « %(value)s » n’est pas un nombre") % values)
    low, high = NUMBER_BOUNDS.get(key, (-MAX_COUNT, MAX_COUNT))
    values.update(low=low, high=high)
    number = Decimal(text.replace(",", ".")) if len(text) <= 40 else None
    if number is None or not low <= number <= high:
        raise BadNumber(
            _("%(column)s : « %(value)s » hors limites (de %(low)s à %(high)s)") % values
        )
    return number


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


def _count(number):
    """A count of people from a read number: None unless positive."""
    return int(number) if number is not None and number > 0 else None


def _coordinate(number):
    return None if number is None else number.quantize(Decimal("0.000001"))


# -- format of a meeting without a meeting type (0.27 exports) ------------------------

# What a venue reads like when the meeting is online: « En ligne », « Visio », « Zoom »…
ONLINE_HINT_RE = re.compile(
    r"\b(?:en[ -]ligne|visio\w*|webinai?res?|webinars?|web-?conf\w*|distanciel|"
    r"[àa] distance|online|zoom|teams|jitsi|google meet|bigbluebutton)\b",
    re.I,
)
_URL_RE = re.compile(r"https?://[^\s<>\"'()]+", re.I)
# Hosts of video-conference services, and words that name one in a host.
CONFERENCE_DOMAINS = (
    "zoom.us", "meet.google.com", "teams.microsoft.com", "teams.live.com", "meet.jit.si",
    "whereby.com", "webex.com", "gotomeeting.com", "livestorm.co", "rendez-vous.renater.fr",
)  # fmt: skip
CONFERENCE_HOST_WORDS = re.compile(r"(?:^|[.-])(?:visio|jitsi|bbb|webconf|webinaire)(?:[.-]|$)")


def conference_link(*texts):
    """The first link to a video-conference service in ``texts``, or ""."""
    for text in texts:
        for url in _URL_RE.findall(unescape(text or "")):
            host = urlsplit(url.rstrip(".,;:")).hostname or ""
            if CONFERENCE_HOST_WORDS.search(host) or any(
                host == domain or host.endswith("." + domain) for domain in CONFERENCE_DOMAINS
            ):
                return url.rstrip(".,;:")
    return ""


@dataclass
class InferredFormat:
    """The format given to a meeting whose export says none, and why (for the report)."""

    format: str
    online_url: str
    reason: str


def infer_format(address, location, location_hints, online_url):
    """The format of a meeting without ``type_of_meeting`` (Decidim 0.27 and older):
    an address and a link: hybride; an address: présentiel; a link, no venue or a
    venue that says « en ligne », « visio »… and no address: en ligne (Decidim shows
    the link to registered participants only, so it is often absent). A venue without
    address that is no online hint stays présentiel (and needs its commune).

    ``location`` and ``location_hints`` may be HTML: links are looked for in it."""
    link = online_url or conference_link(location, location_hints)
    location, location_hints = (
        html_mapping.plain_text(location),
        html_mapping.plain_text(location_hints),
    )
    if address:
        if link:
            return InferredFormat(
                RencontreFormat.HYBRIDE, link, _("une adresse et un lien de connexion")
            )
        return InferredFormat(RencontreFormat.PRESENTIEL, "", _("une adresse"))
    if link:
        return InferredFormat(
            RencontreFormat.EN_LIGNE, link, _("un lien de connexion, pas d’adresse")
        )
    if not location:
        return InferredFormat(RencontreFormat.EN_LIGNE, "", _("ni adresse ni lieu"))
    if ONLINE_HINT_RE.search(location) or ONLINE_HINT_RE.search(location_hints):
        return InferredFormat(
            RencontreFormat.EN_LIGNE,
            "",
            _("pas d’adresse, lieu « %(location)s »") % {"location": location},
        )
    return InferredFormat(
        RencontreFormat.PRESENTIEL,
        "",
        _("pas d’adresse, lieu « %(location)s » (pas une rencontre en ligne)")
        % {"location": location},
    )


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
        inferred = None
        if meeting_type:
            format_ = MEETING_TYPES.get(meeting_type)
            if format_ is None:
                reasons.append(
                    _("type de rencontre inconnu : « %(value)s »") % {"value": meeting_type}
                )
        else:
            inferred = infer_format(
                address_text,
                _translated(data, "location", source),
                _translated(data, "location_hints", source),
                online_url,
            )
            format_, online_url = inferred.format, inferred.online_url

        numbers = {}
        attendees_key = "attendees_count" if "attendees_count" in data else "attendees"
        for key in ("latitude", "longitude", "available_slots", attendees_key):
            try:
                numbers[key] = read_number(data, key)
            except BadNumber as error:
                reasons.append(str(error))

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
        slots = _count(numbers["available_slots"])
        attendance = _count(numbers[attendees_key])
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
            "latitude": _coordinate(numbers["latitude"]),
            "longitude": _coordinate(numbers["longitude"]),
            "access_notes": html_mapping.plain_text(_translated(data, "location_hints", source)),
            "online_url": online_url,
            "registration_mode": mode,
            "registration_url": link,
            "capacity": slots,
            "report": html_mapping.report_blocks(_translated(data, "closing_report", source)),
            "attendance": attendance,
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
            inferred_format=inferred,
        )
