"""What the API may show: live and public pages of the request's site, in every language.

Stricter than Wagtail's ``get_public_pages_queryset``: a page under any view
restriction is left out even for a signed-in user or a visitor who typed its
password, since public API responses are cached by shared caches. Computed once per
request (a handful of queries, whatever the number of pages).
"""

from django.db.models import Q
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import Page

_CACHE_ATTRIBUTE = "_rencontres_api_public_q"


def public_q(request):
    """A ``Q`` on pages: live, outside any view restriction, under the site's root or
    one of its translations (``?site=`` chooses the site as in Wagtail's API).

    Raises ValueError when ``?site=`` matches several sites.
    """
    http_request = getattr(request, "_request", request)  # DRF wraps Django's request
    cached = getattr(http_request, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    pages = Page.objects.all()
    site = SiteFilterValidator(site=request.GET.get("site"), request=request).site_obj
    if site is None:
        q = Q(pk__in=[])
    else:
        roots = [site.root_page, *site.root_page.get_translations()]
        in_site = Q(pk__in=[])
        for root in roots:
            in_site |= pages.descendant_of_q(root, inclusive=True)
        q = Q(live=True) & in_site & ~pages.private_q()
    setattr(http_request, _CACHE_ATTRIBUTE, q)
    return q


def public_pages(request, model=Page):
    """Pages of ``model`` that anyone may see through the API."""
    return model._default_manager.filter(public_q(request))
