"""The file names of the rencontres' calendars and open data.

Wagtail serves pages only on paths made of ``[\\w-]`` segments ending with a slash, so
a page route can never be ``…/agenda.ics`` or ``…/donnees.csv``. These patterns map
``<page path>agenda.ics`` to the page's ``agenda/`` route and
``<index path>donnees.csv|json`` to the index's ``donnees/csv|json/`` routes and
``<index path>carte.geojson`` to its ``carte/geojson/`` route, through
Wagtail's own ``serve`` view (privacy restrictions, ``before_serve_page`` hooks and
languages apply as for any page). A project adds them inside ``i18n_patterns``,
before Wagtail's URLs (``rencontres.urls``)::

    urlpatterns += i18n_patterns(
        path("", include("rencontres.urls")), path("", include(wagtail_urls)), …
    )
"""

from django.urls import re_path
from wagtail.views import serve

from .. import fragments

CALENDAR_FILE = "agenda.ics"
CALENDAR_ROUTE = "agenda/"
CSV_ROUTE = "donnees/csv/"
JSON_ROUTE = "donnees/json/"
GEOJSON_FILE = "carte.geojson"
GEOJSON_ROUTE = "carte/geojson/"


def _serve_route(request, path):
    """Wagtail's ``serve`` of ``path``, its page and route found as for a page's own
    address (:func:`rencontres.fragments.route_for_request`: memoised until the next
    publication, the page read in one query)."""
    fragments.route_for_request(request, path)
    return serve(request, path)


def serve_calendar(request, path):
    return _serve_route(request, f"{path}{CALENDAR_ROUTE}")


def serve_opendata(request, path, extension):
    """``<index path>donnees.csv`` → the index's ``donnees/csv/`` route."""
    route = CSV_ROUTE if extension == "csv" else JSON_ROUTE
    return _serve_route(request, f"{path}{route}")


def serve_geojson(request, path):
    """``<index path>carte.geojson`` → the index's ``carte/geojson/`` route."""
    return _serve_route(request, f"{path}{GEOJSON_ROUTE}")


calendar_pattern = re_path(
    r"^(?P<path>(?:[\w\-]+/)*)agenda\.ics$", serve_calendar, name="rencontres_calendar"
)
opendata_pattern = re_path(
    r"^(?P<path>(?:[\w\-]+/)*)donnees\.(?P<extension>csv|json)$",
    serve_opendata,
    name="rencontres_opendata",
)

geojson_pattern = re_path(
    r"^(?P<path>(?:[\w\-]+/)*)carte\.geojson$", serve_geojson, name="rencontres_geojson"
)

urlpatterns = [calendar_pattern, opendata_pattern, geojson_pattern]
