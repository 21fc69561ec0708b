"""What a visitor or a consumer types in « Près de » (``near``), resolved to a point.

:func:`resolve` accepts a commune's name (« Saint-Étienne », « st etienne », « Paris
11e », « Saint-Pierre (974) »), a postcode (« 42000 »), both (« 42000 Saint-Étienne »)
or coordinates (« 45.43,4.39 »). Names are looked up offline in the list of communes
(:class:`~rencontres.models.Commune`), accents, case, hyphens and « St » ignored; a
name several communes bear gives the candidates to choose from; a name the list does
not know is asked to the geocoder when one is configured (its answers kept), else it
gets a message.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import Commune, CommuneKind, CommunePostcode, GeocodedAddress, GeocodingStatus
from ..models.places import normalise, query_key
from ..models.reference import DEPARTEMENTS
from . import geocoder
from .distance import Place
from .tasks import record

#: At most this many candidates are offered for an ambiguous name.
MAX_CANDIDATES = 10

_COORDINATES = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,;]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_POSTCODE = re.compile(r"^\d{5}$")
_QUALIFIED = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<code>\d{5}|\d[\dAB]\d?)\s*\)$", re.I)
_ARRONDISSEMENT = re.compile(
    r"^(?P<city>paris|lyon|marseille)\s+(?P<n>\d{1,2})\s*(?:er|e|eme|em)?(?:\s+arrondissement)?$"
)
_DEPARTEMENT_NAMES = {code: name for code, name, *_rest in DEPARTEMENTS}


@dataclass(frozen=True)
class Candidate:
    """One of the communes an ambiguous name may mean: ``value`` typed back in « Près
    de » resolves to it alone."""

    value: str
    label: str


@dataclass
class Resolution:
    place: Place | None = None
    candidates: list = field(default_factory=list)
    error: str = ""


def _place_of(commune, label=None):
    if not commune.has_point:
        return None
    return Place(
        label=label or commune.name,
        latitude=float(commune.latitude),
        longitude=float(commune.longitude),
    )


def _ranked(communes):
    return sorted(communes, key=lambda c: (-(c.population or 0), c.code))


def _without_parents(communes):
    """A city with municipal arrondissements among them stands back for them."""
    parents = {c.parent_code for c in communes if c.kind == CommuneKind.ARRONDISSEMENT}
    return [c for c in communes if c.code not in parents]


def _departement_label(code):
    name = _DEPARTEMENT_NAMES.get(code)
    return f"{code} - {name}" if name else code


def _candidates(communes):
    communes = _ranked(communes)[:MAX_CANDIDATES]
    per_departement = {}
    for commune in communes:
        per_departement.setdefault((commune.search_name, commune.departement_code), []).append(
            commune
        )
    candidates = []
    for commune in communes:
        twins = per_departement[(commune.search_name, commune.departement_code)]
        if len(twins) > 1:
            postcode = commune.postcodes.values_list("postcode", flat=True).first() or commune.code
            value = f"{commune.name} ({postcode})"
        else:
            value = f"{commune.name} ({commune.departement_code})"
        label = _("%(name)s (%(departement)s)") % {
            "name": commune.name,
            "departement": _departement_label(commune.departement_code),
        }
        candidates.append(Candidate(value=value, label=label))
    return candidates


def _by_postcode(postcode, key=""):
    communes = list(
        Commune.objects.filter(
            pk__in=CommunePostcode.objects.filter(postcode=postcode).values("commune_id")
        )
    )
    if not communes:
        return Resolution(
            error=_("Aucune commune connue n’a le code postal %(postcode)s.")
            % {"postcode": postcode}
        )
    named = [c for c in communes if c.search_name == key] if key else []
    chosen = _ranked(_without_parents(named or communes) or communes)[0]
    label = (
        chosen.name
        if named
        else _("%(postcode)s (%(name)s)") % {"postcode": postcode, "name": chosen.name}
    )
    place = _place_of(chosen, label)
    if place is None:
        return Resolution(
            error=_("La position de %(name)s n’est pas connue.") % {"name": chosen.name}
        )
    return Resolution(place=place)


def _canonical_name(key):
    """« paris 11 », « paris 11eme » → « paris 11e arrondissement » (INSEE's name)."""
    match = _ARRONDISSEMENT.match(key)
    if not match:
        return key
    number = int(match["n"])
    return f"{match['city']} {number}{'er' if number == 1 else 'e'} arrondissement"


def _geocoded_place(text):
    """A commune found by the geocoder (kept for the next visitor), or None."""
    if not geocoder.enabled():
        return None
    key = query_key(GeocodedAddress.PLACE, text)
    answer = GeocodedAddress.objects.filter(key=key).first()
    if answer is None:
        try:
            matches = geocoder.search(text, kind="municipality")
        except geocoder.GeocoderError:
            return None  # not kept: asked again next time
        status = GeocodingStatus.OK if matches else GeocodingStatus.NOT_FOUND
        answer = record(
            text,
            status,
            matches[0] if matches else None,
            kind=GeocodedAddress.PLACE,
        )
    if not answer.found:
        return None
    return Place(
        label=answer.label or text,
        latitude=float(answer.latitude),
        longitude=float(answer.longitude),
    )


def resolve(text):
    """The :class:`Resolution` of what was typed: a place, candidates, or an error."""
    text = " ".join((text or "").split())[:200]
    if not text:
        return Resolution()

    coordinates = _COORDINATES.match(text)
    if coordinates:
        latitude, longitude = float(coordinates[1]), float(coordinates[2])
        if -90 <= latitude <= 90 and -180 <= longitude <= 180:
            return Resolution(place=Place(f"{latitude}, {longitude}", latitude, longitude))
        return Resolution(error=_("Ces coordonnées sont hors des limites de la Terre."))

    if _POSTCODE.match(text):
        return _by_postcode(text)

    code = ""
    qualified = _QUALIFIED.match(text)
    if qualified:
        text, code = qualified["name"], qualified["code"].upper()
    words = text.split()
    postcodes = [word for word in words if _POSTCODE.match(word)]
    if postcodes and not code:
        code = postcodes[0]
        text = " ".join(word for word in words if word != code)
    key = _canonical_name(normalise(text))
    if code and _POSTCODE.match(code):
        return _by_postcode(code, key)
    if not key:
        return Resolution(error=_("Saisissez le nom d’une commune ou un code postal."))

    communes = list(Commune.objects.filter(search_name=key))
    if code:
        communes = [c for c in communes if c.departement_code == code]
    current = [c for c in communes if c.kind in (CommuneKind.COMMUNE, CommuneKind.ARRONDISSEMENT)]
    communes = current or communes
    if len(communes) == 1:
        place = _place_of(communes[0])
        if place is not None:
            return Resolution(place=place)
        return Resolution(
            error=_("La position de %(name)s n’est pas connue.") % {"name": communes[0].name}
        )
    if len(communes) > 1:
        return Resolution(candidates=_candidates(communes))

    place = _geocoded_place(text)
    if place is not None:
        return Resolution(place=place)

    similar = list(Commune.objects.filter(search_name__startswith=key)[: MAX_CANDIDATES * 5])
    if similar:
        return Resolution(candidates=_candidates(similar))
    return Resolution(
        error=_(
            "Nous ne connaissons pas de commune « %(name)s » : vérifiez son orthographe ou "
            "saisissez son code postal."
        )
        % {"name": text}
    )
