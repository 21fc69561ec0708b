"""Distances on the Earth, in Python and in SQL (PostgreSQL and SQLite alike).

Great-circle distances (haversine) on a sphere of the Earth's mean radius: within a
few hundred metres of the geodesic over the radii « Près de » offers, which is all a
visitor deciding where to go needs. No PostGIS: the quick start runs on SQLite.
"""

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


def haversine_km(lat1, lon1, lat2, lon2):
    """The great-circle distance in km between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Place:
    """A point to measure distances from, and how to name it to the visitor."""

    label: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class BoundingBox:
    """Every point within ``radius_km`` of the centre lies inside (a few more too)."""

    south: float
    north: float
    west: float
    east: float

    @classmethod
    def around(cls, latitude, longitude, radius_km):
        dlat = radius_km / KM_PER_DEGREE
        south, north = max(-90.0, latitude - dlat), min(90.0, latitude + dlat)
        # Meridians converge: the box widens with latitude, to the whole world at a pole.
        widest = max(abs(south), abs(north))
        cosine = math.cos(math.radians(widest))
        if cosine < 1e-6 or radius_km / (KM_PER_DEGREE * cosine) >= 180:
            return cls(south, north, -180.0, 180.0)
        dlon = radius_km / (KM_PER_DEGREE * cosine)
        return cls(south, north, longitude - dlon, longitude + dlon)

    def q(self, latitude_field, longitude_field):
        """A ``Q`` keeping the rows inside, on two indexed columns (longitudes across
        the antimeridian, e.g. around Wallis-et-Futuna, as two ranges)."""
        places = 6
        q = Q(
            **{
                f"{latitude_field}__gte": round(self.south, places),
                f"{latitude_field}__lte": round(self.north, places),
            }
        )
        west, east = self.west, self.east
        if west < -180:
            lon = Q(**{f"{longitude_field}__gte": round(west + 360, places)}) | Q(
                **{f"{longitude_field}__lte": round(east, places)}
            )
        elif east > 180:
            lon = Q(**{f"{longitude_field}__gte": round(west, places)}) | Q(
                **{f"{longitude_field}__lte": round(east - 360, places)}
            )
        else:
            lon = Q(
                **{
                    f"{longitude_field}__gte": round(west, places),
                    f"{longitude_field}__lte": round(east, places),
                }
            )
        return q & lon


def distance_expression(latitude, longitude, latitude_field, longitude_field):
    """The haversine distance in km from a point to the row's columns, as SQL."""
    lat = Radians(Cast(F(latitude_field), FloatField()))
    lon = Radians(Cast(F(longitude_field), FloatField()))
    lat0 = math.radians(latitude)
    lon0 = math.radians(longitude)
    a = Power(Sin((lat - Value(lat0)) / Value(2.0)), 2) + Value(math.cos(lat0)) * Cos(lat) * Power(
        Sin((lon - Value(lon0)) / Value(2.0)), 2
    )
    # Rounding may push the root just past 1 for antipodes, where asin() is undefined.
    root = Least(Sqrt(a), Value(1.0), output_field=FloatField())
    return Value(2 * EARTH_RADIUS_KM) * ASin(root, output_field=FloatField())
