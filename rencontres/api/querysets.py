"""What the API may show: :func:`rencontres.selectors.published_q` for the request's
site, in every language, kept for the request.

Stricter than Wagtail's ``get_public_pages_queryset``: a page under any view
restriction is left out even for a signed-in user or a visitor who typed its
password, since public API responses are cached by shared caches. Computed once per
request (a handful of queries, whatever the number of pages).
"""

from django.db.models import Q
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import Page

from ..selectors import published_q

_CACHE_ATTRIBUTE = "_rencontres_api_public_q"


def public_q(request):
    """A ``Q`` on pages: published (:func:`rencontres.selectors.published_q`) under the
    site's root or one of its translations (``?site=`` chooses the site as in Wagtail's
    API); nothing when no site answers the request.

    Raises ValueError when ``?site=`` matches several sites.
    """
    http_request = getattr(request, "_request", request)  # DRF wraps Django's request
    cached = getattr(http_request, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    site = SiteFilterValidator(site=request.GET.get("site"), request=request).site_obj
    q = Q(pk__in=[]) if site is None else published_q(site=site)
    setattr(http_request, _CACHE_ATTRIBUTE, q)
    return q


def public_pages(request, model=Page):
    """Pages of ``model`` that anyone may see through the API."""
    return model._default_manager.filter(public_q(request))
