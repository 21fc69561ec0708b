"""URLs of ``tests.plugin_settings``: the README's lines, in the i18n variant (English
pages under /en/), with Wagtail's admin and pages."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from rencontres.api.urls import api_v2_urls, api_v3_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_v2_urls),
    path("api/v3/", api_v3_urls),
    *i18n_patterns(
        path("", include("rencontres.urls")),
        path("", include(wagtail_urls)),
        prefix_default_language=False,
    ),
]
