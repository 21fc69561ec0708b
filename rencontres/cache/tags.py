"""Surrogate keys: what a cached response shows, so that a change purges exactly that.

A response the shared cache may keep carries the keys of what it shows in its ``xkey``
header (read by Varnish's xkey vmod, never sent to visitors):

``p<id>``      one page — a rencontre's page and its routes (history, feeds,
               ``agenda.ics``), its API detail and history (every language is a page
               of its own; a purge names every translation);
``list``       anything that lists pages — indexes with their filters, feeds,
               calendars and open data, the home page, the sitemap, API lists and the
               change log;
``api``        every API response; ``feeds``, ``calendars``, ``opendata``,
               ``sitemap``: what their names say;
``all``        every cached response (a setting every page shows).

Views opt in: Wagtail's ``before_serve_page`` hook keys every page it serves
(:func:`tag_page`), the API's cache headers key its responses, and a project keys its
own views with :func:`tagged` (the sitemap). An untagged response is never cached.
"""

from functools import wraps

LIST = "list"
ALL = "all"
API = "api"
FEEDS = "feeds"
CALENDARS = "calendars"
OPENDATA = "opendata"
SITEMAP = "sitemap"
NOT_FOUND = "notfound"

#: Attribute of the request holding its keys (a set), when the response may be shared.
REQUEST_ATTRIBUTE = "rencontres_cache_tags"


def page_tag(page_id):
    return f"p{int(page_id)}"


def add(request, *tags):
    """Key ``request``'s response with ``tags`` (and mark it shareable)."""
    existing = getattr(request, REQUEST_ATTRIBUTE, None)
    if existing is None:
        existing = {ALL}
        setattr(request, REQUEST_ATTRIBUTE, existing)
    existing.update(tags)


def of_request(request):
    """The keys of ``request``'s response, or None when it was not keyed."""
    return getattr(request, REQUEST_ATTRIBUTE, None)


def page_tags(page):
    """Keys of a page served by Wagtail: ``page.cache_tags()`` when its model says what
    it shows, else its own key plus ``list`` (a page may list others: the home page)."""
    own = getattr(page, "cache_tags", None)
    if callable(own):
        return set(own())
    return {page_tag(page.pk), LIST}


def tag_page(page, request, serve_args, serve_kwargs):
    """``before_serve_page`` hook: key the response with what ``page`` shows."""
    add(request, *page_tags(page))


def tagged(*tags):
    """Decorate a view whose anonymous responses may be shared, keyed ``tags``."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            add(request, *tags)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def api_tags(request):
    """Keys of an API response: the page it is about (``pk``/``page_id`` in its route),
    else ``list``."""
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match is not None else {}
    page_id = kwargs.get("pk", kwargs.get("page_id"))
    if page_id is not None and "type" not in kwargs and str(page_id).isdigit():
        return {API, page_tag(page_id)}
    return {API, LIST}
