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
the listing page (``rencontres/includes/opendata_links.html``).
"""

import csv

from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import conf
from ..exports import export_dicts, export_rows
from ..selectors import source_rencontres

LICENCE = {
    "name": "Licence Ouverte / Open Licence version 2.0",
    "spdx": "etalab-2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
FILE_NAME = "rencontres"


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
        "generated_at": timezone.now().isoformat(timespec="seconds"),
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
    response = StreamingHttpResponse(
        csv_lines(source_rencontres(index)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{FILE_NAME}.csv"'
    return _licence_header(response)


def json_view(request, index):
    document = json_document(
        source_rencontres(index), source_url=request.build_absolute_uri(index.url)
    )
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="{FILE_NAME}.json"'
    return _licence_header(response)


__all__ = [
    "LICENCE",
    "csv_lines",
    "csv_view",
    "json_document",
    "json_view",
]
