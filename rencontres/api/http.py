"""HTTP around the API's views: cache headers, and a guard for API v3.

:func:`cache_headers`: every successful anonymous GET gets a strong ``ETag`` (a digest
of the body) and ``Cache-Control: public, max-age=N`` (``RENCONTRES_API_CACHE_MAX_AGE``
seconds, default 300); a request whose ``If-None-Match`` matches is answered ``304 Not
Modified`` without a body. Its keys for the shared cache (the page of a detail or
history route, ``list`` for the others: :mod:`rencontres.cache.tags`) let
:mod:`rencontres.cache.middleware` add the shared cache's ``s-maxage`` (the change log's
is ``RENCONTRES_CHANGES_SETTLE_SECONDS``: it lists an event only once it is that old).
A request with an ``Authorization`` header may see more than the public (API v3
tokens) and is marked ``private, no-store``.

:func:`v3_parameter_guard`: Wagtail 8.0.1's v3 routes pass a NUL character, an
offset beyond PostgreSQL's integers or a ``site`` whose port is not a number to the
database and answer 500; this answers them first with Wagtail's own 422
``application/problem+json``.

:func:`sessionless`: API responses never depend on the caller's session. The view sees
an anonymous user and an empty session, so neither a signed-in editor's cookie nor a
private page's password (kept in the session) shows anything more — what a shared
cache stores for one caller is right for all.

:func:`v2_no_credentials` and :func:`v3_token_only`: credentials are refused with 401
rather than ignored: v2 takes none, v3 takes a valid bearer token (an invalid, revoked
or inactive user's token is not served as anonymous). :func:`v3_token_required`
closes a route to anonymous callers (v3 redirects).

:func:`kept_answers`: the anonymous GETs of the v3 rencontres routes answered from
memory until the next visible change, as v2 keeps its representations.

Apply them to URL patterns with :func:`decorate_api_urls`::

    path("api/v2/", decorate_api_urls(api_router.urls, cache_headers)),
"""

import hashlib
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from wagtail.models import APIToken
from wagtail.utils.urlpatterns import decorate_urlpatterns

from .. import fragments
from ..cache import tags as cache_tags
from ..conf import conf

#: The largest ``offset`` or ``limit`` the APIs accept (PostgreSQL's OFFSET is a bigint).
MAX_OFFSET = 10**9


def max_age():
    return conf.API_CACHE_MAX_AGE


def cache_headers(view):
    """Add ETag and Cache-Control to ``view``'s public GET responses; answer 304."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in ("GET", "HEAD") and "Authorization" not in request.headers:
            # Keys for the shared cache (rencontres.cache.middleware adds s-maxage).
            cache_tags.add(request, *cache_tags.api_tags(request))
            match = request.resolver_match
            if match is not None and "changes" in (match.url_name or ""):
                # The change log lists an event once it is CHANGES_SETTLE_SECONDS old.
                request.rencontres_cache_max_age = max(1, conf.CHANGES_SETTLE_SECONDS)
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return response
        patch_vary_headers(response, ("Authorization",))
        if "no-store" in response.get("Cache-Control", ""):
            return response  # the view's own choice (the headless preview)
        if "Authorization" in request.headers:
            patch_cache_control(response, private=True, no_store=True)
            return response
        if response.status_code != 200 or response.streaming:
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=max_age())
        return get_conditional_response(request, etag=etag, response=response)

    return wrapped


def unsafe_parameters(query):
    """``[(name, message)]``: what in a query string the database cannot take."""
    errors = []
    for name, values in query.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            errors.append((name, "null characters are not allowed"))
        elif name in ("offset", "limit"):
            for value in values:
                try:
                    too_big = int(value) > MAX_OFFSET
                except ValueError:
                    continue  # the API's own validation answers it
                if too_big:
                    errors.append((name, f"{name} cannot be higher than {MAX_OFFSET}"))
        elif name == "site":
            # Wagtail filters Site.port with what follows a colon, as it comes.
            for value in values:
                _hostname, colon, port = value.partition(":")
                if colon and not (port.isascii() and port.isdigit() and int(port) <= 65535):
                    errors.append((name, "the port after ':' must be a number up to 65535"))
    return errors


#: Path parameters that name an object by a number, in v3 (v2 routes them with <int:…>).
NUMERIC_PATH_PARAMETERS = frozenset(
    {"page_id", "image_id", "document_id", "site_id", "redirect_id", "revision_id", "number"}
)


def _is_number(value):
    return isinstance(value, int) or (str(value).isascii() and str(value).isdigit())


def v3_parameter_guard(view):
    """422 problem+json for what Wagtail's v3 views would turn into a 500; 404 for an id
    that is not a number (as v2, whose routes do not match it): no such object."""
    from wagtail.api.v3.errors import problem_response

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not all(
            _is_number(value) for name, value in kwargs.items() if name in NUMERIC_PATH_PARAMETERS
        ):
            return problem_response(status=404, detail="Not found")
        errors = unsafe_parameters(request.GET)
        if errors:
            return problem_response(
                status=422,
                detail="Validation failed",
                errors=[
                    {"type": "value_error", "loc": ["query", name], "msg": message}
                    for name, message in errors
                ],
            )
        return view(request, *args, **kwargs)

    return wrapped


#: The v3 routes (Ninja's ``url_name``) whose answers :func:`kept_answers` keeps: the
#: rencontres' lists, details and histories (not the change log, which follows the clock
#: to the second, nor Wagtail's own routes).
KEPT_V3_ROUTES = frozenset(
    {"rencontres_list", "rencontre_detail", "rencontre_history", "rencontre_history_version"}
)


def kept_answers(view):
    """Keep the answers of :data:`KEPT_V3_ROUTES` until the next visible change.

    API v3 validates each rencontre through its Pydantic schema on every request (a list
    of 20: 20 resolvers per item, most of its time). A 200 answered to an anonymous
    ``GET`` is kept, body and headers, by :func:`rencontres.fragments.memo_html`, keyed by
    the route, the path, the query parameters (in any order) and
    :func:`~rencontres.fragments.request_parts` (address, language, minute: ``is_past``
    follows the clock); the same request is answered from it until the next publication.
    Other answers, callers with a token and other routes go to the view every time.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        match = request.resolver_match
        if (
            request.method != "GET"
            or "Authorization" in request.headers
            or match is None
            or match.url_name not in KEPT_V3_ROUTES
        ):
            return view(request, *args, **kwargs)
        parameters = tuple(sorted((name, tuple(values)) for name, values in request.GET.lists()))
        key = (
            "api-v3",
            match.url_name,
            request.path,
            parameters,
            *fragments.request_parts(request),
        )
        fresh = []

        def answer():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            fresh.append(response)
            if response.streaming:
                return response.status_code, b"", {}
            return response.status_code, response.content, dict(response.headers)

        status, content, headers = fragments.memo_html(
            key,
            answer,
            size=lambda value: len(value[1]),
            keep=lambda value: value[0] == 200 and not fresh[0].streaming,
        )
        if fresh:  # answered just now: the view's own response
            return fresh[0]
        return HttpResponse(content, status=status, headers=headers)

    return wrapped


class _EmptySession(SessionBase):
    """A session with nothing in it, never loaded nor saved."""

    def load(self):
        return {}

    def exists(self, session_key):
        return False

    def create(self):
        pass

    def save(self, must_create=False):
        pass

    def delete(self, session_key=None):
        pass


def sessionless(view):
    """Run ``view`` as an anonymous caller without a session (see the module's text)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        saved = request.__dict__.get("session"), request.__dict__.get("user")
        request.session = _EmptySession()
        request.user = AnonymousUser()
        try:
            return view(request, *args, **kwargs)
        finally:
            # The session middleware must find the caller's own session untouched.
            for name, value in zip(("session", "user"), saved, strict=True):
                if value is None:
                    request.__dict__.pop(name, None)
                else:
                    setattr(request, name, value)

    return wrapped


def _unauthorized(detail):
    from wagtail.api.v3.errors import problem_response

    response = problem_response(status=401, detail=detail)
    response["WWW-Authenticate"] = "Bearer"
    return response


def bearer_token(request):
    """The token of an ``Authorization: Bearer …`` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def valid_token(token):
    return APIToken.objects.filter(
        key_hash__in=APIToken.candidate_key_hashes(token),
        revoked_at__isnull=True,
        user__is_active=True,
    ).exists()


def v2_no_credentials(view):
    """401 for any ``Authorization`` header: API v2 is anonymous and public only."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if "Authorization" in request.headers:
            return _unauthorized("API v2 takes no credentials: it serves public content only.")
        return view(request, *args, **kwargs)

    return wrapped


def v3_token_only(view):
    """401 for an ``Authorization`` header that is not a valid bearer token."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if "Authorization" in request.headers:
            token = bearer_token(request)
            if token is None or not valid_token(token):
                return _unauthorized("Invalid, revoked or unknown token.")
        return view(request, *args, **kwargs)

    return wrapped


def v3_token_required(view):
    """401 unless the request carries a valid bearer token."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token = bearer_token(request)
        if token is None or not valid_token(token):
            return _unauthorized("Authentication required")
        return view(request, *args, **kwargs)

    return wrapped


def v2_not_found(request, *args, **kwargs):
    """JSON 404 for any path under /api/v2/ that no route matches (a non-numeric id,
    a typo), like the API's own 404s: never the site's HTML page."""
    return JsonResponse({"message": "not found"}, status=404)


def decorate_api_urls(urls, *decorators):
    """``urls`` (a list of patterns, or an ``include()``-style tuple) with every view
    wrapped in ``decorators`` (the first one outermost)."""

    def decorator(view):
        for decorate in reversed(decorators):
            view = decorate(view)
        return view

    if isinstance(urls, tuple):
        patterns, *rest = urls
        return (decorate_urlpatterns(list(patterns), decorator), *rest)
    return decorate_urlpatterns(list(urls), decorator)
