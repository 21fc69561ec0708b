"""URL patterns a host project includes inside ``i18n_patterns``, before Wagtail's:
the ``…/agenda.ics``, ``…/donnees.csv|json`` and ``…/carte.geojson`` file names (see
:mod:`rencontres.public.urls`)."""

from .public.urls import calendar_pattern, geojson_pattern, opendata_pattern, urlpatterns

__all__ = ["calendar_pattern", "geojson_pattern", "opendata_pattern", "urlpatterns"]
