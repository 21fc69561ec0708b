"""The national address base's geocoder (its HTTP interface), and only that.

``RENCONTRES_GEOCODER_URL`` is the service's root (``https://api-adresse.data.gouv.fr``
for the public one, or a copy run locally — the tests run one on the loopback): its
``/search/`` answers one query with a GeoJSON FeatureCollection (features'
``geometry.coordinates`` are ``[longitude, latitude]``, their ``properties`` give
``score``, ``label``, ``citycode``, ``postcode``); its ``/search/csv/`` geocodes a
whole CSV at once (imports). Empty, the default: nothing is ever sent.

Callers are tasks (:mod:`.tasks`) and the place resolver (:mod:`.resolve`, behind a
cache); a failure raises :class:`GeocoderError` with a message for editors.
"""

import csv
import io
from dataclasses import dataclass

import requests
from django.utils.translation import gettext as _

from ..conf import conf

USER_AGENT = "rencontres (Wagtail)"


class GeocoderError(Exception):
    """The geocoder could not answer (down, slow, refused, unreadable answer)."""


@dataclass(frozen=True)
class Match:
    """The geocoder's best answer for one query."""

    latitude: float
    longitude: float
    score: float
    label: str = ""
    citycode: str = ""
    postcode: str = ""


def enabled():
    return bool(conf.GEOCODER_URL)


def covers(postcode, departement_code=""):
    """Whether the address base covers a place: not the overseas collectivities of
    ``RENCONTRES_GEOCODER_UNCOVERED`` (by postcode or département code)."""
    prefixes = tuple(conf.GEOCODER_UNCOVERED)
    for code in (postcode or "", departement_code or ""):
        if code and code.startswith(prefixes):
            return False
    return True


def _url(path):
    return conf.GEOCODER_URL.rstrip("/") + path


def _request(method, path, **kwargs):
    try:
        response = requests.request(
            method,
            _url(path),
            timeout=conf.GEOCODER_TIMEOUT,
            headers={"User-Agent": USER_AGENT},
            **kwargs,
        )
    except requests.RequestException as error:
        raise GeocoderError(
            _("le géocodeur n’a pas répondu (%(error)s)") % {"error": type(error).__name__}
        ) from error
    if response.status_code != 200:
        raise GeocoderError(
            _("le géocodeur a répondu par une erreur %(status)s") % {"status": response.status_code}
        )
    return response


def _match(feature):
    try:
        longitude, latitude = feature["geometry"]["coordinates"][:2]
        properties = feature.get("properties") or {}
        return Match(
            latitude=float(latitude),
            longitude=float(longitude),
            score=float(properties.get("score") or 0),
            label=str(properties.get("label") or "")[:600],
            citycode=str(properties.get("citycode") or "")[:5],
            postcode=str(properties.get("postcode") or "")[:5],
        )
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def search(query, *, postcode="", kind=None, limit=1):
    """The matches of ``query``, best first, those under ``RENCONTRES_GEOCODER_MIN_SCORE``
    left out. ``postcode`` narrows the search; ``kind`` is the geocoder's ``type``
    (``municipality`` for communes). Raises :class:`GeocoderError`."""
    params = {"q": query[:200], "limit": limit}
    if postcode:
        params["postcode"] = postcode
    if kind:
        params["type"] = kind
    response = _request("GET", "/search/", params=params)
    try:
        features = response.json()["features"]
    except (ValueError, KeyError, TypeError) as error:
        raise GeocoderError(_("la réponse du géocodeur est illisible")) from error
    matches = [m for m in map(_match, features or []) if m is not None]
    return [m for m in matches if m.score >= conf.GEOCODER_MIN_SCORE]


def search_many(queries):
    """``{query: Match or None}`` for many addresses in one request to the batch endpoint
    (``/search/csv/``: a CSV with a column ``q`` sent, the same CSV with ``latitude``,
    ``longitude``, ``result_score``, ``result_label``, ``result_citycode`` returned).
    Raises :class:`GeocoderError`."""
    queries = list(dict.fromkeys(queries))
    if not queries:
        return {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["q"])
    writer.writerows([query[:200]] for query in queries)
    response = _request(
        "POST",
        "/search/csv/",
        files={"data": ("adresses.csv", out.getvalue().encode(), "text/csv")},
        data={"columns": "q"},
    )
    try:
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as error:
        raise GeocoderError(_("la réponse du géocodeur est illisible")) from error
    if len(rows) != len(queries):
        raise GeocoderError(_("la réponse du géocodeur est incomplète"))
    results = {}
    for query, row in zip(queries, rows, strict=True):
        try:
            match = Match(
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                score=float(row.get("result_score") or 0),
                label=(row.get("result_label") or "")[:600],
                citycode=(row.get("result_citycode") or "")[:5],
                postcode=(row.get("result_postcode") or "")[:5],
            )
        except (KeyError, TypeError, ValueError):
            match = None
        if match is not None and match.score < conf.GEOCODER_MIN_SCORE:
            match = None
        results[query] = match
    return results
