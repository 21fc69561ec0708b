"""URL patterns a project adds for the rencontres' calendars.

Wagtail serves pages only on paths made of ``[\\w-]`` segments ending with a slash, so
a page route can never be ``…/agenda.ics``. This pattern maps ``<page path>agenda.ics``
to the page's ``agenda/`` route through Wagtail's own ``serve`` view (privacy
restrictions, ``before_serve_page`` hooks and languages apply as for any page). Add it
inside ``i18n_patterns``, before Wagtail's URLs::

    from rencontres.urls import calendar_pattern
    urlpatterns += i18n_patterns(calendar_pattern, path("", include(wagtail_urls)), …)
"""

from django.urls import re_path
from wagtail.views import serve

CALENDAR_FILE = "agenda.ics"
CALENDAR_ROUTE = "agenda/"


def serve_calendar(request, path):
    return serve(request, f"{path}{CALENDAR_ROUTE}")


calendar_pattern = re_path(
    r"^(?P<path>(?:[\w\-]+/)*)agenda\.ics$", serve_calendar, name="rencontres_calendar"
)
