"""Rencontres on maps: the listing's ``carte.geojson`` and what the map templates need.

``…/carte.geojson`` (the index's ``carte/geojson/`` route) answers the listing's query
string with the matching published rencontres that have a point, as an RFC 7946
FeatureCollection (coordinates ``[longitude, latitude]``, WGS 84), in a constant
number of queries. The map script (``static/rencontres/map.js``) reads it; partners
may too. The list of the page stays the accessible equivalent of the map.
"""

import json

from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _

from ..cache import tags as cache_tags
from ..conf import conf
from ..dates import date_range_text
from .urls import GEOJSON_FILE

GEOJSON_CONTENT_TYPE = "application/geo+json"
#: Decimal places of the coordinates: about 11 cm, the precision stored.
PRECISION = 6


def feature(page, request):
    """One rencontre as a GeoJSON Feature (a Point, longitude first)."""
    latitude, longitude = page.map_point
    properties = {
        "id": page.pk,
        "title": page.title,
        # Absolute, on the host that was asked (partners read it from elsewhere).
        "url": request.build_absolute_uri(page.get_url(request)),
        "start": page.local_start.isoformat() if page.start else None,
        "end": page.local_end.isoformat() if page.end else None,
        "dates": date_range_text(page.local_start, page.local_end),
        "format": page.format,
        "format_label": str(page.get_format_display()),
        "status": page.status,
        "status_label": str(page.get_status_display()),
        "place": page.place_text,
        "departement": page.departement.code if page.departement_id else None,
        "point": page.map_point_source,
    }
    distance = getattr(page, "distance_km", None)
    if distance is not None:
        properties["distance_km"] = round(distance, 1)
    return {
        "type": "Feature",
        "id": page.pk,
        "geometry": {
            "type": "Point",
            "coordinates": [round(longitude, PRECISION), round(latitude, PRECISION)],
        },
        "properties": properties,
    }


def feature_collection(pages, request):
    return {"type": "FeatureCollection", "features": [feature(page, request) for page in pages]}


def geojson_response(pages, request):
    # Kept by the HTTP cache with the listings, purged with them (rencontres.cache).
    cache_tags.add(request, cache_tags.LIST)
    body = json.dumps(feature_collection(pages, request), ensure_ascii=False)
    response = HttpResponse(body, content_type=f"{GEOJSON_CONTENT_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{GEOJSON_FILE}"'
    return response


#: The maps' style sheets: Leaflet and its marker cluster (npm, vendored), ours.
MAP_STYLES = (
    "rencontres/vendor/leaflet/leaflet.css",
    "rencontres/vendor/leaflet.markercluster/MarkerCluster.css",
    "rencontres/vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "rencontres/css/map.css",
)


def map_settings():
    """The data attributes every map element carries (tiles, attribution, icons)."""
    return {
        "tiles": conf.MAP_TILES_URL,
        "attribution": conf.MAP_TILES_ATTRIBUTION,
        "max_zoom": conf.MAP_MAX_ZOOM,
        "icon": static("rencontres/vendor/leaflet/images/marker-icon.png"),
        "icon_retina": static("rencontres/vendor/leaflet/images/marker-icon-2x.png"),
        "shadow": static("rencontres/vendor/leaflet/images/marker-shadow.png"),
        # Added by map.js when it draws a map (rencontres/includes/map.html).
        "styles": " ".join(static(path) for path in MAP_STYLES),
        "labels": json.dumps(
            {
                "zoom_in": _("Zoomer"),
                "zoom_out": _("Dézoomer"),
                "loading": _("Chargement de la carte…"),
                "failed": _(
                    "La carte n’a pas pu être chargée : la liste présente les mêmes rencontres."
                ),
                "count": _("%(count)s rencontres sur la carte"),
                "one": _("1 rencontre sur la carte"),
                "none": _("Aucune rencontre de cette liste n’a de lieu à placer sur la carte."),
                "cluster": _("%(count)s rencontres : zoomer sur ce groupe"),
            },
            ensure_ascii=False,
        ),
    }


def enabled():
    """Maps are shown when a tile server is configured."""
    return bool(conf.MAP_TILES_URL)


def open_url(page):
    """The link opening the rencontre's place in a map service, or ""."""
    point = page.map_point
    if point is None or not conf.MAP_OPEN_URL:
        return ""
    latitude, longitude = (f"{value:.6f}" for value in point)
    return conf.MAP_OPEN_URL.format(lat=latitude, lon=longitude)


def point_of(page):
    """What the small map of a rencontre's page shows, or None."""
    point = page.map_point
    if point is None:
        return None
    return {"latitude": point[0], "longitude": point[1], "title": page.title}
