from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from rencontres.cache import tags as cache_tags

from .api import api_v2_urls, api_v3_urls
from .health import ReadinessView, healthz
from .robots import RobotsView
from .security.csp import csp_report
from .security.logins import authenticate_with_password
from .sitemaps import MultilingualSitemap

# A database that does not answer: a 503 page in the visitor's language, not a 500.
handler500 = "rencontres_site.errors.server_error"

# Outside i18n_patterns: the health checks, the admin, the API (an unknown id must be a
# 404, never a redirect to a language prefix), documents and the sitemap.
urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("readyz/", ReadinessView.as_view(), name="readyz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_v2_urls),
    path("api/v3/", api_v3_urls),
    path("csp-report/", csp_report, name="csp_report"),
    # Kept by the shared cache, purged with every listing (rencontres.cache).
    path(
        "sitemap.xml",
        cache_tags.tagged(cache_tags.LIST, cache_tags.SITEMAP)(sitemap),
        {"sitemaps": {"pages": MultilingualSitemap}},
    ),
    path(
        "robots.txt",
        cache_tags.tagged()(RobotsView.as_view()),
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# French, the default language, has no prefix; English lives under /en/.
urlpatterns += i18n_patterns(
    # Wagtail's password form of private pages, throttled (same route, found first).
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        authenticate_with_password,
    ),
    # …/agenda.ics of rencontre pages, …/donnees.csv|json of indexes (Wagtail's page
    # URLs have no dots).
    path("", include("rencontres.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
