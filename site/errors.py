"""The site's answer to an uncaught error (``handler500``).

When the error is the database's (PostgreSQL stopped, restarting, unreachable, or a
query cancelled by ``DATABASE_STATEMENT_TIMEOUT``), visitors get a 503 page in their
language saying the service is momentarily unavailable, with ``Retry-After``; the API
answers the same as ``application/problem+json``. Neither reads the database. The
failure is logged once a minute per cause (:func:`rencontres.faults.log_outage`)
instead of a traceback per request. Any other error gets Django's ``server_error``
(templates/500.html), logged as usual.

Nothing here reconnects: Django opens a new connection for the next request (and
checks a kept one before reusing it, ``CONN_HEALTH_CHECKS``), so the site recovers by
itself when the database is back.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as default_server_error

from rencontres.faults import log_outage

logger = logging.getLogger(__name__)

#: Errors that mean the database cannot answer now (not a bug in a query).
UNAVAILABLE = (OperationalError, InterfaceError)
#: Seconds a client is told to wait before trying again.
RETRY_AFTER = 10


def database_unavailable(error):
    """The database error behind ``error`` (itself or a cause), else ``None``."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


@requires_csrf_token
def server_error(request, template_name="500.html"):
    error = database_unavailable(sys.exc_info()[1])
    if error is None:
        return default_server_error(request, template_name)
    log_outage(
        logger,
        f"database:{type(error).__name__}",
        "database unavailable, answering 503",
        error=error,
    )
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "title": _("Service momentanément indisponible"),
                "status": 503,
                "detail": _("La base de données ne répond pas. Réessayez dans un instant."),
            },
            status=503,
            content_type="application/problem+json",
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    # Logged above, once a minute: not again by Django, once per request.
    response._has_been_logged = True
    return response
