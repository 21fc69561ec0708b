"""Open data: the published rencontres as CSV and JSON, under Licence Ouverte 2.0.

The columns are those of :mod:`rencontres.exports` (every public field, one column per
language for translated fields), so the open data, the admin's spreadsheet export and
``manage.py export_rencontres`` never disagree. Only live, public rencontres are listed
(:func:`rencontres.selectors.source_rencontres`) and only live, public translations
fill the other languages' columns.

URLs, for an index of rencontres at ``/rencontres/``:

* ``/rencontres/donnees.csv`` and ``/rencontres/donnees.json`` (the index's routes
  ``donnees/csv/`` and ``donnees/json/``; Wagtail's page URLs cannot contain a dot, so a
  project maps the file names with :data:`opendata_pattern`, inside ``i18n_patterns``
  before Wagtail's URLs, as it does for the calendars);
* the same under ``/en/`` with English headers; the rows are the same rencontres.

The CSV follows RFC 4180 (UTF-8, comma, header line), as data.gouv.fr expects; the
licence is stated in a ``Link: <…>; rel="license"`` header, in the JSON document and on
the listing page (``rencontres/includes/opendata_links.html``). The same data give the
same bytes (no generation time in the document: the response's ``Last-Modified`` says
when it last changed), so that caches and ``If-None-Match`` work.
"""

import bisect
import csv
import dataclasses
import gzip
import json
import logging
import threading
import time

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import fragments
from ..cache import tags as cache_tags
from ..cache.middleware import depends_on_caller, etag_of
from ..conf import conf
from ..exports import export_dicts, export_rows
from ..selectors import source_rencontres

LICENCE = {
    "name": "Licence Ouverte / Open Licence version 2.0",
    "spdx": "etalab-2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
FILE_NAME = "rencontres"
#: How long a generation's files stay in the shared cache (a newer generation replaces
#: them at the next request anyway; this only frees the memory of old ones).
OPENDATA_CACHE_SECONDS = 24 * 3600
#: How long a build may hold the others off (past it, a stuck build is ignored), how
#: long the others wait for it, and how often they look.
BUILD_LOCK_SECONDS = 120
BUILD_WAIT_SECONDS = 30
BUILD_POLL_SECONDS = 0.1
#: gzip's level for the compressed copy (made once per generation and process: 8 MB of
#: JSON in under a tenth of a second, to some 3 % of its size).
GZIP_LEVEL = 9

logger = logging.getLogger(__name__)


# -- writing -------------------------------------------------------------------------


class _Echo:
    """A file-like object that hands back what is written (for streaming CSV)."""

    def write(self, value):
        return value


def csv_lines(rencontres, *, delimiter=",", published_only=True):
    """The CSV of ``rencontres``, line by line (headers in the active language)."""
    headers, rows = export_rows(rencontres, published_only=published_only)
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow(row)


def json_document(rencontres, *, source_url="", published_only=True):
    """The JSON document of ``rencontres``: licence, fields and one object per rencontre,
    keyed by the columns' machine names (``title_fr``, ``title_en``, ``start``…)."""
    keys, labels, rows = export_dicts(rencontres, published_only=published_only)
    items = list(rows)
    return {
        "title": _("Rencontres locales publiées"),
        "publisher": conf.site_name,
        "licence": LICENCE,
        "source": source_url,
        "fields": [
            {"name": key, "title": str(label)} for key, label in zip(keys, labels, strict=True)
        ],
        "count": len(items),
        "rencontres": items,
    }


# -- views (routes of RencontreIndexPage) ----------------------------------------------


def _licence_header(response):
    response["Link"] = f'<{LICENCE["url"]}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: readable from any site
    return response


def accepts_gzip(request):
    """Whether the request's ``Accept-Encoding`` admits gzip (RFC 9110: ``gzip`` or
    ``x-gzip``, or ``*`` when gzip is not named, with a ``q`` above 0)."""
    return _gzip_accepted(request.META.get("HTTP_ACCEPT_ENCODING", ""))


def _gzip_accepted(header):
    if not header:
        return False
    named = {}
    for item in header.lower().split(","):
        coding, _, parameters = item.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        named[coding.strip()] = quality
    for coding in ("gzip", "x-gzip"):
        if coding in named:
            return named[coding] > 0
    return named.get("*", 0) > 0


def csv_view(request, index):
    return _file_response(
        request,
        index,
        "csv",
        lambda: "".join(csv_lines(source_rencontres(index))).encode(),
        content_type="text/csv; charset=utf-8",
    )


def json_view(request, index):
    def build():
        document = json_document(source_rencontres(index), source_url=index.get_full_url(request))
        return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()

    return _file_response(request, index, "json", build, content_type="application/json")


def _file_response(request, index, kind, build, *, content_type):
    """The file, gzip-compressed when the client accepts it (``Vary: Accept-Encoding``;
    each encoding its own strong ``ETag``). The compressed copy is made once per
    generation, never per request: without a generation (cache unreachable) the file
    goes uncompressed rather than compressing megabytes on each request."""
    cache_tags.add(request, cache_tags.OPENDATA)
    valid_until = _valid_until(index)
    body, etag = _once_per_publication(request, index, kind, build, valid_until)
    compress = accepts_gzip(request) and fragments.current() is not None
    if compress:
        body, etag = fragments.memo_html(
            ("opendata gzip", etag),
            lambda: _with_etag(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)),
            size=lambda value: len(value[0]),
        )
    response = HttpResponse(body, content_type=content_type)
    if compress:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    response["ETag"] = etag
    response["Content-Disposition"] = f'inline; filename="{FILE_NAME}.{kind}"'
    # For OpenDataMiddleware: not to be answered again once a period has turned.
    response.rencontres_valid_until = valid_until
    return _licence_header(response)


def _valid_until(index):
    """When a file built now stops being right: the next end of a published rencontre
    (its « Période » turns from « À venir » to « Passée »), ``None`` if none is to come.

    The ends still to come are read once per generation (one query); which of them is
    next is then found in memory at each request."""
    # Computed at some moment of the generation, the list lacks only ends already past
    # then, which no later request needs.
    ends = fragments.memo(("opendata ends", index.pk), lambda: _ends_to_come(index))
    position = bisect.bisect_right(ends, timezone.now())
    return ends[position] if position < len(ends) else None


def _ends_to_come(index):
    return sorted(
        source_rencontres(index)
        .filter(end__gt=timezone.now())
        .order_by()
        .values_list("end", flat=True)
    )


def _once_per_publication(request, index, kind, build, valid_until=None):
    """``(bytes, ETag)`` of an open-data file, built once per publication generation
    (:mod:`rencontres.fragments`) and per period (until ``valid_until``, the next end of
    a rencontre, :func:`_valid_until`) and kept in the shared cache for every app process:
    rebuilding 5,000 rencontres takes seconds, and one process builds it while the
    others wait for it (``BUILD_WAIT_SECONDS`` at most, then they build it too). Each
    process also keeps it in its memory
    with its ETag (:func:`rencontres.fragments.memo_html`): megabytes are then neither
    read from the shared cache nor hashed again on each request. Built on each request
    when the cache is unreachable (slower, never wrong)."""
    period = valid_until.isoformat() if valid_until else "-"
    key = ("opendata", kind, index.pk, get_language() or "", request.get_host(), period)
    return fragments.memo_html(
        key,
        lambda: _with_etag(_shared_body(request, index, kind, build, period)),
        size=lambda value: len(value[0]),
    )


def _with_etag(body):
    return body, etag_of(body)


def _shared_body(request, index, kind, build, period="-"):
    generation = fragments.current()
    if generation is None:
        return build()
    key = ":".join(
        [
            "rencontres:opendata",
            kind,
            str(index.pk),
            get_language() or "",
            request.get_host(),
            generation,
            period,
        ]
    )
    body = _cached(key)
    if body is not None:
        return body
    # One build per generation for every app process: the others wait for it rather
    # than build the same megabytes at the same time after each publication.
    lock = f"{key}:building"
    try:
        building_here = cache.add(lock, "1", timeout=BUILD_LOCK_SECONDS)
    except Exception:
        building_here = True
    if not building_here:
        body = _wait_for(key, lock)
        if body is not None:
            return body
        # The builder failed, is slower than we wait, or the cache does not answer:
        # build it here too.
    try:
        body = build()
        try:
            cache.set(key, body, timeout=OPENDATA_CACHE_SECONDS)
        except Exception:
            logger.warning("open data not kept in the cache", exc_info=True)
    finally:
        if building_here:
            try:
                cache.delete(lock)
            except Exception:
                logger.debug("open data build lock left to expire", exc_info=True)
    return body


def _cached(key):
    try:
        return cache.get(key)
    except Exception:  # a cache failing between two reads: build it
        return None


def _wait_for(key, lock):
    """The body another process is building under ``key``; ``None`` as soon as nobody
    holds ``lock`` any more without having kept it (a failed build, an unreachable
    cache), or after ``BUILD_WAIT_SECONDS``."""
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        body = _cached(key)
        if body is not None:
            return body
        if _cached(lock) is None:
            return _cached(key)
        time.sleep(BUILD_POLL_SECONDS)
    return None


# -- served before the rest of the stack -----------------------------------------------


class _Kept:
    """The open-data responses one app process keeps, for :class:`OpenDataMiddleware`
    and :func:`with_kept_files`: per request key (:func:`_request_key`), the response as
    it left the whole stack and the generation it was made under."""

    #: The most responses one process keeps (oldest dropped first): languages × files ×
    #: encodings × the site's hosts; and their bodies' bytes are bounded by
    #: ``RENCONTRES_FRAGMENT_CACHE_BYTES`` (the bodies are those :func:`memo_html` keeps:
    #: the same objects, not copies).
    MAX_KEPT = 16

    def __init__(self):
        self.lock = threading.Lock()
        self.paths = frozenset()  # every path kept (the cheap first test)
        self.responses = {}
        self.generation = None

    def find(self, meta):
        """The response kept for the request of ``meta`` (its WSGI environ), if it is
        still right: same generation (one read of the shared cache), no period turned."""
        if meta.get("PATH_INFO") not in self.paths or not _anonymous_plain_get(meta):
            return None
        entry = self.responses.get(_request_key(meta))
        if entry is None:
            return None
        if entry.valid_until is not None and timezone.now() >= entry.valid_until:
            return None  # a period has turned since
        generation = fragments.read_generation()
        if generation is None or entry.generation != generation:
            return None
        return entry

    def keep(self, meta, response, generation):
        from django.utils.http import parse_http_date_safe

        limit = conf.FRAGMENT_CACHE_BYTES
        body = response.content
        if len(body) > limit:
            return
        headers = [(name, value) for name, value in response.items() if name.lower() != "date"]
        entry = KeptResponse(
            generation=generation,
            status=response.status_code,
            status_line=f"{response.status_code} {response.reason_phrase}",
            headers=headers,
            body=body,
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            valid_until=getattr(response, "rencontres_valid_until", None),
        )
        key = _request_key(meta)
        with self.lock:
            responses = {} if generation != self.generation else {**self.responses}
            responses.pop(key, None)
            responses[key] = entry
            while len(responses) > self.MAX_KEPT or (
                sum(len(kept.body) for kept in responses.values()) > limit
            ):
                del responses[next(iter(responses))]
            # Replaced whole: readers (other threads) never see them half-changed.
            self.responses = responses
            self.generation = generation
            self.paths = frozenset(key[0] for key in responses)

    def clear(self):
        with self.lock:
            self.responses, self.paths, self.generation = {}, frozenset(), None


@dataclasses.dataclass(frozen=True)
class KeptResponse:
    generation: str
    status: int
    status_line: str
    headers: list
    body: bytes
    last_modified: int | None
    valid_until: object


_kept = _Kept()


def _request_key(meta):
    """What the response may depend on, as the request states it (raw WSGI values, so
    that :func:`with_kept_files` finds the key without Django): address, scheme and
    host as sent, behind a proxy too, and whether gzip is accepted."""
    return (
        meta.get("PATH_INFO"),
        meta.get("wsgi.url_scheme"),
        meta.get("HTTP_X_FORWARDED_PROTO"),
        meta.get("HTTP_HOST"),
        meta.get("HTTP_X_FORWARDED_HOST"),
        meta.get("SERVER_NAME"),
        meta.get("SERVER_PORT"),
        _gzip_accepted(meta.get("HTTP_ACCEPT_ENCODING", "")),
    )


def _anonymous_plain_get(meta):
    return (
        meta.get("REQUEST_METHOD") == "GET"
        and not meta.get("QUERY_STRING")
        and not meta.get("HTTP_COOKIE")
        and not meta.get("HTTP_AUTHORIZATION")
    )


class OpenDataMiddleware:
    """Answers a request for an open-data file with the response already made for it
    under the current publication generation, before the rest of ``MIDDLEWARE``.

    The files are the same for every visitor until the next publication, and a full
    request (sessions, locale, URL resolution, Wagtail's routing) costs more than
    sending them. So each app process keeps, per address, scheme, host and encoding
    (gzip or not), the last shareable response of an open-data view *as it left the
    whole stack* (headers of every middleware included: security, cache, licence) and
    the generation it was made under; a request with the same generation gets it again,
    with a 304 when its ``If-None-Match`` or ``If-Modified-Since`` says it has it. A
    publication replaces the generation (:mod:`rencontres.fragments`), and the end of a
    rencontre turns its « Période » (the response's ``rencontres_valid_until``): the
    next request goes through the stack and the view. What is not kept: requests with
    a query string, a cookie or an ``Authorization`` header (they go through the stack:
    an editor's answer is ``private``), responses that depend on who asks, and anything
    when the shared cache is unreachable (no generation). Requests for any other address
    pay one set lookup.

    Place it first in ``MIDDLEWARE`` (it replays what the middleware below it added);
    optional: without it the same files are served through the stack, slower. With
    :func:`with_kept_files` around the WSGI application, the same responses are
    answered before Django itself.
    """

    #: Headers a kept response may vary on: the key covers them (the encoding), or
    #: such requests are not answered from memory (cookies).
    VARY_KEPT = {"accept-encoding", "cookie"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        entry = _kept.find(request.META)
        if entry is None:
            return self._through_stack(request)
        response = HttpResponse(entry.body, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        logger.debug("open data served from memory: %s", request.path_info)
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=entry.last_modified, response=response
        )

    def _through_stack(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and cache_tags.OPENDATA in (cache_tags.of_request(request) or ())
            and _anonymous_plain_get(request.META)
            and not depends_on_caller(request, response)
            and self._varies_only_on_kept(response)
        ):
            # The generation the response was made under (not one read now: a
            # publication in between would key old files with the new generation).
            made_under = getattr(request, "rencontres_generation", None)
            if made_under is not None:
                _kept.keep(request.META, response, made_under)
        return response

    def _varies_only_on_kept(self, response):
        vary = response.get("Vary", "")
        return all(
            part.strip().lower() in self.VARY_KEPT for part in vary.split(",") if part.strip()
        )


#: Request headers that make a conditional request: left to OpenDataMiddleware (304).
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
)


def with_kept_files(application):
    """The WSGI ``application``, answering the open-data files that
    :class:`OpenDataMiddleware` keeps before Django handles the request (no request
    object, no signal, no middleware: the same status, headers and bytes the stack
    gave). Conditional requests and every other address go to ``application``.

    In the project's ``wsgi.py``::

        application = with_kept_files(get_wsgi_application())
    """

    def kept_files_application(environ, start_response):
        entry = None
        # Every request passes here: the set of kept paths first, the rest only then.
        if environ.get("PATH_INFO") in _kept.paths and not any(
            name in environ for name in CONDITIONAL_HEADERS
        ):
            entry = _kept.find(environ)
        if entry is None:
            return application(environ, start_response)
        logger.debug("open data served from memory before Django: %s", environ["PATH_INFO"])
        start_response(entry.status_line, list(entry.headers))
        return [entry.body]

    return kept_files_application


__all__ = [
    "LICENCE",
    "OpenDataMiddleware",
    "accepts_gzip",
    "with_kept_files",
    "csv_lines",
    "csv_view",
    "json_document",
    "json_view",
]
