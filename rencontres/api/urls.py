"""The plugin's APIs, ready to include: Wagtail API v2 and the v3 preview.

A host project adds, outside ``i18n_patterns`` (an unknown id must be a 404, never a
redirect to a language prefix)::

    from rencontres.api.urls import api_v2_urls, api_v3_urls

    urlpatterns = [
        path("api/v2/", api_v2_urls),
        path("api/v3/", api_v3_urls),
        ...
    ]

v2: the ``rencontres`` endpoint (every field of a rencontre, filters, history), then
Wagtail's pages, images and documents (pages knows rencontres too; all three refuse
with a 400 what Wagtail would pass to PostgreSQL and answer with a 500). ``rencontres``
comes first: the router links a rencontre to the first endpoint that serves it. A host
with its own ``WagtailAPIRouter`` registers :class:`~rencontres.api.v2.RencontresAPIViewSet`
there instead (without the headers and guards below).

v3: Wagtail's API (pages, schema, sites, whoami; redirects, added by its app), with
the rencontres router. Its typed rencontre schema is registered by the rencontres
app (``RencontresConfig.ready``).

Both are wrapped with the API's cache headers (ETag, Cache-Control, 304); v3 also
with a guard answering 422 where Wagtail 8.0.1 would answer 500, and its rencontres
routes' answers kept until the next publication (see rencontres.api.http).

Security (README « Sécurité »): neither API reads the caller's session (a signed-in
editor or a visitor who typed a private page's password sees what anyone sees);
v2 refuses any credentials and v3 any that is not a valid bearer token (401, never
served as anonymous); v3 redirects need a token, since they may point to private or
unpublished pages and internal addresses.
"""

from functools import wraps

from django.urls import re_path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v3.urls import api as api_v3

from . import v3 as rencontres_v3
from .http import (
    cache_headers,
    decorate_api_urls,
    kept_answers,
    sessionless,
    v2_no_credentials,
    v2_not_found,
    v3_parameter_guard,
    v3_token_only,
    v3_token_required,
)
from .openapi import complete_openapi
from .v2 import (
    DocumentsAPIViewSet,
    ImagesAPIViewSet,
    PagesAPIViewSet,
    RencontresAPIViewSet,
)

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("rencontres", RencontresAPIViewSet)
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)

api_v3.add_router("/rencontres/", rencontres_v3.router)
# Wagtail 8.0.1's document is invalid (a security scheme without `scheme`) and silent
# about client errors: completed on every build (rencontres.api.openapi).
complete_openapi(api_v3)

#: v3 routes closed to anonymous callers (Wagtail lets anyone list every redirect).
V3_TOKEN_ONLY_ROUTES = {"list_redirects", "find_redirect", "detail_redirect"}


def v3_closed_routes(view):
    guarded = v3_token_required(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        match = request.resolver_match
        if match is not None and match.url_name in V3_TOKEN_ONLY_ROUTES:
            return guarded(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


api_v2_urls = decorate_api_urls(api_router.urls, cache_headers, v2_no_credentials, sessionless)
# Last: a JSON 404 for what no v2 route matches (a non-numeric id), never the HTML page.
api_v2_urls = (
    [*api_v2_urls[0], re_path(r"", v2_not_found, name="not_found")],
    *api_v2_urls[1:],
)
api_v3_urls = decorate_api_urls(
    api_v3.urls,
    cache_headers,
    v3_token_only,
    v3_closed_routes,
    sessionless,
    v3_parameter_guard,
    kept_answers,
)
