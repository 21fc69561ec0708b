"""Cache headers of the responses a shared cache may keep, ``private`` on the others.

Add it to ``MIDDLEWARE`` outside the session, locale and CSRF middleware (it must see
their cookies and ``Vary``), e.g. right after Django's ``SecurityMiddleware``::

    "rencontres.cache.middleware.SharedCacheMiddleware",

A GET or HEAD answered 200 or 404 whose view keyed it (:mod:`rencontres.cache.tags`)
is shared when nothing in it depends on who asks: no signed-in user, nothing in the
session, no CSRF token rendered, no cookie set, no ``Cache-Control`` of the view
saying otherwise. It gets ``Cache-Control: public, max-age=RENCONTRES_CACHE_MAX_AGE,
s-maxage=RENCONTRES_CACHE_SHARED_MAX_AGE``, its keys in ``xkey``, a strong ``ETag``
(and a ``Last-Modified`` on feeds, calendars, open data and the sitemap), and a
conditional request is answered 304. Pages whose language is in their path lose
``Vary: Accept-Language`` (an unprefixed URL is French whatever the browser asks).

A response to a signed-in user is marked ``private, no-cache``: neither Varnish nor a
proxy keeps what an editor sees.
"""

import hashlib

from django.http import StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from .. import fragments
from ..conf import conf
from ..models import PublicationEvent
from . import tags as cache_tags

#: 304: the answer to Varnish revalidating an object keeps its headers.
SHAREABLE_STATUS = {200, 304, 404}
#: Header names Varnish reads (and removes before delivery).
XKEY = "xkey"


def _user_is_authenticated(request):
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _session_has_data(request):
    session = getattr(request, "session", None)
    if session is None:
        return False
    # A session cookie the visitor sent, or data put in the session by this request.
    return bool(session.session_key) or (session.accessed and not session.is_empty())


def depends_on_caller(request, response):
    """Whether ``response`` could differ for another visitor (never shared then)."""
    if response.cookies or response.has_header("Set-Cookie"):
        return True
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return True
    if _user_is_authenticated(request) or _session_has_data(request):
        return True
    control = response.get("Cache-Control", "").lower()
    return any(word in control for word in ("private", "no-store", "no-cache"))


def categories(response):
    """Keys from what the response is: feeds, calendars (the open-data views key
    themselves)."""
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    found = set()
    if content_type in ("application/rss+xml", "application/atom+xml"):
        found.add(cache_tags.FEEDS)
    elif content_type == "text/calendar":
        found.add(cache_tags.CALENDARS)
    elif content_type == "text/csv":
        found.add(cache_tags.OPENDATA)
    return found


def etag_of(body):
    """The strong ETag of a response's ``body`` (bytes)."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def _remove_vary(response, header):
    if not response.has_header("Vary"):
        return
    kept = [
        value.strip()
        for value in response["Vary"].split(",")
        if value.strip() and value.strip().lower() != header.lower()
    ]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]


def _materialise(response):
    """``(body, response)``: a streaming response read once and streamed again from
    memory (Varnish stores the whole body anyway), so that its ETag can be computed."""
    body = b"".join(response.streaming_content)
    again = StreamingHttpResponse([body], status=response.status_code)
    for name, value in response.items():
        again[name] = value
    return body, again


def _latest_event_time():
    return PublicationEvent.objects.order_by("-time").values_list("time", flat=True).first()


class SharedCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        return self.process(request, response)

    def process(self, request, response):
        if request.method not in ("GET", "HEAD"):
            return response
        keys = cache_tags.of_request(request)
        match = request.resolver_match
        if (
            keys is None
            and response.status_code == 404
            and match is not None
            and match.url_name == "wagtail_serve"  # no page at this path (yet)
        ):
            keys = {cache_tags.ALL, cache_tags.NOT_FOUND}
        if _user_is_authenticated(request):
            patch_cache_control(response, private=True, no_cache=True)
            return response
        if (
            keys is None
            or response.status_code not in SHAREABLE_STATUS
            or depends_on_caller(request, response)
            or conf.CACHE_SHARED_MAX_AGE <= 0
        ):
            return response
        if match is not None and cache_tags.API not in keys:
            # A page served through i18n_patterns: the path decides its language.
            _remove_vary(response, "Accept-Language")
        keys = keys | categories(response)
        shared_max_age = conf.CACHE_SHARED_MAX_AGE
        if getattr(request, "rencontres_cache_max_age", None) is not None:
            shared_max_age = min(shared_max_age, request.rencontres_cache_max_age)
        directives = {"public": True, "s_maxage": shared_max_age}
        if "max-age" not in response.get("Cache-Control", ""):  # the API states its own
            directives["max_age"] = min(conf.CACHE_MAX_AGE, shared_max_age)
        patch_cache_control(response, **directives)
        response[XKEY] = " ".join(sorted(keys))
        if response.status_code != 200 or request.method == "HEAD":
            return response
        if response.streaming:
            body, response = _materialise(response)
        else:
            body = response.content
        if not response.has_header("ETag"):
            response["ETag"] = etag_of(body)
        last_modified = None
        if keys & {
            cache_tags.FEEDS,
            cache_tags.CALENDARS,
            cache_tags.OPENDATA,
            cache_tags.SITEMAP,
        }:
            last_modified = self.last_modified(response)
            if last_modified is not None:
                response["Last-Modified"] = http_date(last_modified)
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )

    def last_modified(self, response):
        """The later of the view's ``Last-Modified`` and the last event of the publication
        log (an unpublished, deleted or moved rencontre leaves a list without changing
        the dates of what is left in it)."""
        stated = parse_http_date_safe(response.get("Last-Modified", ""))
        # Every event recorded replaces the publication generation: kept until then.
        latest = fragments.memo(("latest publication event",), _latest_event_time)
        candidates = [value for value in (stated, latest and int(latest.timestamp())) if value]
        return max(candidates) if candidates else None
