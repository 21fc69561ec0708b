"""The site's APIs: Wagtail API v2 at /api/v2/ and the v3 preview at /api/v3/.

v2: the ``rencontres`` endpoint (every field of a rencontre, filters, history), then
Wagtail's pages, images and documents (pages knows rencontres too; all three refuse
with a 400 what Wagtail would pass to PostgreSQL and answer with a 500). ``rencontres``
comes first: the router links a rencontre to the first endpoint that serves it.

v3: Wagtail's API (pages, schema, sites, whoami; redirects, added by its app), with
the rencontres router. Its typed rencontre schema is registered by the rencontres
app (``RencontresConfig.ready``).

Both are wrapped with the API's cache headers (ETag, Cache-Control, 304); v3 also
with a guard answering 422 where Wagtail 8.0.1 would answer 500 (see
rencontres.api.http).
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v3.urls import api as api_v3

import rencontres.api.v3
from rencontres.api.http import cache_headers, decorate_api_urls, v3_parameter_guard
from rencontres.api.v2 import (
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

api_v3.add_router("/rencontres/", rencontres.api.v3.router)

api_v2_urls = decorate_api_urls(api_router.urls, cache_headers)
api_v3_urls = decorate_api_urls(api_v3.urls, cache_headers, v3_parameter_guard)
