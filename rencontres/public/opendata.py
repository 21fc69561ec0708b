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

import csv
import json
import logging
import time

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import fragments
from ..cache import tags as cache_tags
from ..cache.middleware import etag_of
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


def csv_view(request, index):
    cache_tags.add(request, cache_tags.OPENDATA)
    body, etag = _once_per_publication(
        request, index, "csv", lambda: "".join(csv_lines(source_rencontres(index))).encode()
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["ETag"] = etag
    response["Content-Disposition"] = f'inline; filename="{FILE_NAME}.csv"'
    return _licence_header(response)


def json_view(request, index):
    cache_tags.add(request, cache_tags.OPENDATA)

    def build():
        document = json_document(source_rencontres(index), source_url=index.get_full_url(request))
        return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()

    body, etag = _once_per_publication(request, index, "json", build)
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Content-Disposition"] = f'inline; filename="{FILE_NAME}.json"'
    return _licence_header(response)


def _once_per_publication(request, index, kind, build):
    """``(bytes, ETag)`` of an open-data file, built once per publication generation
    (:mod:`rencontres.fragments`) and kept in the shared cache for every app process:
    rebuilding 5,000 rencontres takes seconds, and one process builds it while the
    others wait for it (``BUILD_WAIT_SECONDS`` at most, then they build it too). Each
    process also keeps it in its memory
    with its ETag (:func:`rencontres.fragments.memo_html`): megabytes are then neither
    read from the shared cache nor hashed again on each request. Built on each request
    when the cache is unreachable (slower, never wrong)."""
    key = ("opendata", kind, index.pk, get_language() or "", request.get_host())
    return fragments.memo_html(
        key,
        lambda: _with_etag(_shared_body(request, index, kind, build)),
        size=lambda value: len(value[0]),
    )


def _with_etag(body):
    return body, etag_of(body)


def _shared_body(request, index, kind, build):
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


__all__ = [
    "LICENCE",
    "csv_lines",
    "csv_view",
    "json_document",
    "json_view",
]
