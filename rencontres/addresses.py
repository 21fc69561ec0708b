"""Absolute URLs from the site's configuration, never from the request's Host header.

A page's full URL comes from its Wagtail ``Site`` record (hostname, port, scheme from
the port): :meth:`Page.get_full_url`. Every other absolute URL the plugin writes
(feeds' links and ids, the history feed, open data's source, images in Open Graph
and JSON-LD) is a path joined to it, so a request with a forged or internal Host
header (a proxy, a cache warming script) never changes what the site publishes.
"""

from urllib.parse import urljoin

from wagtail.models import Site


def page_relative(page, url, request=None):
    """``url`` (a path, or already absolute) made absolute on ``page``'s site."""
    return urljoin(page.get_full_url(request) or "", url)


def site_root_url(request=None):
    """The root URL of the Wagtail site serving ``request`` (matched on its Host header
    among the Site records, else the default site): ``http://127.0.0.1:8000``."""
    from rencontres.fragments import memo, site_for_request

    site = None
    if request is not None:
        # Wagtail's per-request cache, else the site memoised until the next change.
        site = getattr(request, "_wagtail_site", None) or site_for_request(request)
    if site is None:
        site = memo(("default-site",), lambda: Site.objects.filter(is_default_site=True).first())
    return site.root_url if site is not None else ""
