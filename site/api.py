"""The site's APIs at /api/v2/ and /api/v3/: the plugin's, as any host includes them
(:mod:`rencontres.api.urls`, where they are described)."""

from rencontres.api.urls import V3_TOKEN_ONLY_ROUTES, api_router, api_v2_urls, api_v3_urls

__all__ = ["V3_TOKEN_ONLY_ROUTES", "api_router", "api_v2_urls", "api_v3_urls"]
