"""Reading one value of a Decidim row: texts, translations, numbers (bounded), dates,
addresses and départements."""

import datetime as dt
import hashlib
import json
import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _

from ..models.bounds import MAX_YEAR, MIN_YEAR, is_within
from ..models.choices import POSTCODE_RE
from ..models.geography import zone_of
from ..sanitize import clean_lines
from .reading import READ_KEYS

_TRUE = {"true", "1", "yes", "oui", "t"}


# -- mapping -------------------------------------------------------------------------


def source_hash(data):
    """Fingerprint of what the importer reads in a row."""
    subset = {key: data.get(key) for key in READ_KEYS if key in data}
    payload = json.dumps(subset, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def clean_text(value):
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return ""
    # No control character (a NUL cannot even be stored), line breaks as "\n".
    return clean_lines(str(value)).strip()


def translated(data, key, language):
    """A translated value: Decidim's ``{"fr": …, "machine_translations": {"en": …}}``."""
    value = data.get(key)
    if isinstance(value, dict):
        text = clean_text(value.get(language))
        if not text:
            machine = value.get("machine_translations")
            if isinstance(machine, dict):
                text = clean_text(machine.get(language))
        return text
    return clean_text(value) if language is None else ""


def read_bool(value):
    if isinstance(value, bool):
        return value
    return clean_text(value).lower() in _TRUE


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
    text = clean_text(value)
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


# Linear in the length of the address whatever it holds (100,000 spaces, thousands of
# commas): possessive quantifiers (*+, ++) never give back what they took, and a part
# runs greedily to the next comma; the spaces around a commune are stripped in Python
# rather than matched by a lazy group followed by \s* (which is quadratic).
_POSTCODE_COMMUNE_RE = re.compile(r"(?:^|[\s,])(\d{5})\s++([^\d,\s][^,]*+)(?:,|$)")
_COMMUNE_POSTCODE_RE = re.compile(r"(?:^|,)\s*+([^\d,\s(][^,(]*+)\((\d{5})\)\s*+(?:,|$)")


def _without_country(text):
    """``text`` without a final « France » (any case) and what separates it."""
    stripped = text.rstrip()
    if stripped[-6:].lower() == "france":
        return stripped[:-6].rstrip()
    return text


def parse_address(value):
    """(street address, postcode, commune) from "12 rue X, 42000 Saint-Étienne, France"."""
    text = _without_country(clean_text(value).replace("\n", ", ")).strip(" ,")
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
        label = clean_text(label)
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
        return bool(_DEPARTEMENT_RE.match(clean_text(label)))


def scope_labels(data, language):
    """Labels that may name the département: the scope (0.27) or taxonomies (0.30)."""
    labels = []
    scope = data.get("scope")
    if isinstance(scope, dict):
        name = scope.get("name")
        labels.append(("scope", translated(scope, "name", language) if isinstance(name, dict)
                       else clean_text(name)))  # fmt: skip
    elif scope:
        labels.append(("scope", clean_text(scope)))
    taxonomies = data.get("taxonomies")
    if isinstance(taxonomies, dict):
        for key, value in taxonomies.items():
            if key != "ids" and isinstance(value, dict):
                labels.append(("taxonomy", translated({"v": value}, "v", language)))
    return [(kind, label) for kind, label in labels if label]


def count_value(number):
    """A count of people from a read number: None unless positive."""
    return int(number) if number is not None and number > 0 else None


def coordinate_value(number):
    return None if number is None else number.quantize(Decimal("0.000001"))


def dates_out_of_bounds(data, dates, departement):
    """Reasons to refuse a row whose dates fall outside the years a rencontre may take
    place in, in the zone of its département (:mod:`rencontres.models.bounds`).

    ``dates``: ``(key, label, parsed value or None)`` of each date of the row."""
    zone = zone_of(departement)
    return [
        _("date de %(what)s hors des années %(min)s à %(max)s : « %(value)s »")
        % {"what": label, "min": MIN_YEAR, "max": MAX_YEAR, "value": clean_text(data.get(key))}
        for key, label, value in dates
        if value is not None and not is_within(value, zone)
    ]
