"""The spreadsheet columns of a rencontre: one definition for every export.

The admin listing's CSV / XLSX download uses it, and so can a management command or
an open-data file::

    from django.utils import translation
    from rencontres.exports import export_rows
    from rencontres.models import RencontrePage

    queryset = RencontrePage.objects.published().filter(locale__language_code="fr")
    with translation.override("fr"):
        headers, rows = export_rows(queryset, published_only=True)
        writer.writerow(headers)
        writer.writerows(rows)

What a row contains
    Every public field of the page: title, URL, département (code, name), région,
    start and end as ISO 8601 in the rencontre's local time with its offset
    (``2030-05-12T18:00:00+11:00``) and the IANA time zone, format, status, upcoming /
    past (derived from the end, at the time of the export), place, online link,
    registration, organisers' names joined by ``; ``, the description and the report as
    plain text, the history's (:mod:`rencontres.text`: a section reads its heading, then
    one ``•item`` line per item), attendance and the date of the last publication.

Languages
    Translated fields (:data:`TRANSLATED_KEYS`: title, URL, description, venue, access
    notes, report) get one column per language, ``title_fr``, ``title_en``…, filled
    from the page's translations (pages sharing its ``translation_key``), fetched in one
    query for the whole export. ``languages`` defaults to the site's content languages
    (``WAGTAIL_CONTENT_LANGUAGES``). Each page of the queryset is one row: pass the
    source-language pages only to get one row per rencontre.

Labels
    Headers and choice labels (format, status…) are translated strings: they come out
    in the active language. Machine-readable values (codes, ISO dates, numbers) do not
    depend on it.

Queries
    A constant number per 500 rows (pages, organisers, organisations, translations, and
    one per kind of image or document the descriptions and reports show), whatever
    queryset is passed, even an admin listing's deferred or specific one.
"""

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from .conf import conf
from .models import RencontrePage
from .text import prefetch_streams, stream_text

CHUNK_SIZE = 500


@dataclass(frozen=True)
class ExportColumn:
    """One exported value: ``key`` is the machine name, ``label`` the header."""

    key: str
    label: str
    value: Callable[[RencontrePage], object]
    translated: bool = False


def _iso(value):
    return value.isoformat() if value else ""


def _number(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def stream_to_text(stream_value):
    """A description or report as plain text: the one text of :mod:`rencontres.text`."""
    return stream_text(stream_value)


@functools.lru_cache(maxsize=64)
def _choice_labels(field_name, language):
    """``{value: label}`` of a choice field in ``language`` (what ``get_…_display()``
    gives, without building the choices again for each row)."""
    field = RencontrePage._meta.get_field(field_name)
    return {value: force_str(label) for value, label in field.flatchoices}


def _display(field_name):
    def value(page):
        raw = getattr(page, field_name)
        return _choice_labels(field_name, get_language()).get(raw, force_str(raw))

    return value


def _period(page):
    if not page.end:
        return ""
    return _("Passée") if page.is_past else _("À venir")


def _departement(attribute):
    def value(page):
        return getattr(page.departement, attribute) if page.departement_id else ""

    return value


def _region(page):
    if page.departement_id and page.departement.region_id:
        return page.departement.region.name
    return ""


def _organisers(page):
    return "; ".join(link.organisation.name for link in page.organisers.all())


def _url(page):
    return page.full_url or ""


def _last_published(page):
    if not page.last_published_at:
        return ""
    return timezone.localtime(page.last_published_at).isoformat()


#: Every exported column, in order. Translated ones are repeated per language.
EXPORT_COLUMNS = [
    ExportColumn("title", _("Titre"), lambda p: p.title, translated=True),
    ExportColumn("url", _("Adresse de la page"), _url, translated=True),
    ExportColumn("departement_code", _("Code du département"), _departement("code")),
    ExportColumn("departement_name", _("Département"), _departement("name")),
    ExportColumn("region", _("Région"), _region),
    ExportColumn("start", _("Début (heure locale)"), lambda p: _iso(p.local_start)),
    ExportColumn("end", _("Fin (heure locale)"), lambda p: _iso(p.local_end)),
    ExportColumn("timezone", _("Fuseau horaire"), lambda p: p.tzinfo.key),
    ExportColumn("format", _("Format"), _display("format")),
    ExportColumn("status", _("Statut"), _display("status")),
    ExportColumn("period", _("Période"), _period),
    ExportColumn("venue", _("Nom du lieu"), lambda p: p.venue, translated=True),
    ExportColumn("address", _("Adresse"), lambda p: p.address),
    ExportColumn("postcode", _("Code postal"), lambda p: p.postcode),
    ExportColumn("commune", _("Commune"), lambda p: p.commune),
    ExportColumn("latitude", _("Latitude"), lambda p: _number(p.latitude)),
    ExportColumn("longitude", _("Longitude"), lambda p: _number(p.longitude)),
    ExportColumn("access_notes", _("Accès"), lambda p: p.access_notes, translated=True),
    ExportColumn("online_url", _("Lien de la rencontre en ligne"), lambda p: p.online_url),
    ExportColumn("registration_mode", _("Inscription"), _display("registration_mode")),
    ExportColumn("registration_url", _("Lien d’inscription"), lambda p: p.registration_url),
    ExportColumn("registration_email", _("E-mail d’inscription"), lambda p: p.registration_email),
    ExportColumn("capacity", _("Nombre de places"), lambda p: _number(p.capacity)),
    ExportColumn(
        "registration_deadline",
        _("Date limite d’inscription (heure locale)"),
        lambda p: _iso(p.local_registration_deadline),
    ),
    ExportColumn("organisers", _("Organisateurs"), _organisers),
    ExportColumn(
        "description", _("Description"), lambda p: stream_to_text(p.description), translated=True
    ),
    ExportColumn("report", _("Compte rendu"), lambda p: stream_to_text(p.report), translated=True),
    ExportColumn("attendance", _("Nombre de participants"), lambda p: _number(p.attendance)),
    ExportColumn("last_published_at", _("Dernière publication"), _last_published),
]

#: Keys of the columns repeated once per language (``title_fr``, ``title_en``…).
TRANSLATED_KEYS = [column.key for column in EXPORT_COLUMNS if column.translated]


#: The first characters that make a spreadsheet read a cell as a formula (or, for tab
#: and carriage return, that some split or trim into one).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A value a spreadsheet shows as the text it is: a string starting with ``=``, ``+``,
    ``-``, ``@``, tab or carriage return gets a leading apostrophe (the spreadsheets'
    own "text" marker), so that a title such as ``=HYPERLINK(…)`` typed by anyone who
    edits rencontres is never run by the staff opening the export. Numbers, dates and
    other strings are returned unchanged. For the admin's export, made for
    spreadsheets; open data keeps raw values for machines."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def default_languages():
    """The content languages, source language first (``["fr", "en"]``)."""
    languages = conf.content_languages
    codes = [code for code, _name in languages]
    source = conf.source_language
    return [source, *[code for code in codes if code != source]] if source in codes else codes


def export_headers(languages=None):
    """``(keys, labels)``: the machine names and the headers of the exported columns."""
    languages = list(languages or default_languages())
    keys, labels = [], []
    for column in EXPORT_COLUMNS:
        if column.translated:
            for code in languages:
                keys.append(f"{column.key}_{code}")
                labels.append(f"{column.label} ({code})")
        else:
            keys.append(column.key)
            labels.append(str(column.label))
    return keys, labels


def _page_ids(queryset):
    """The primary keys, in the queryset's order (a QuerySet, search results or a list)."""
    if isinstance(queryset, QuerySet):
        return list(queryset.prefetch_related(None).values_list("pk", flat=True))
    return [page.pk for page in queryset]


def _load(ids, languages, published_only):
    """The pages of ``ids`` (in order) and their translations, keyed by translation key."""
    pages = (
        RencontrePage.objects.filter(pk__in=ids)
        .select_related("departement__region", "locale")
        .prefetch_related("organisers__organisation")
    )
    by_id = {page.pk: page for page in pages}
    translations = RencontrePage.objects.filter(
        translation_key__in={page.translation_key for page in by_id.values()},
        locale__language_code__in=languages,
    )

    def shown(queryset):
        return queryset.live().public() if published_only else queryset

    # A page of the export is its own translation: one object each, converted once. The
    # export's pages are not read again, only which of them are translations to show.
    own = set(shown(translations.filter(pk__in=by_id)).values_list("pk", flat=True))
    translations = [
        *(by_id[pk] for pk in by_id if pk in own),
        *shown(translations.exclude(pk__in=by_id).select_related("locale")),
    ]
    prefetch_streams({*by_id.values(), *translations}, "description", "report")
    # Wagtail reads the sites' root paths from the cache for each page's URL unless the
    # page holds them: read once per chunk.
    root_paths = Site.get_site_root_paths()
    for page in {*by_id.values(), *translations}:
        page._wagtail_cached_site_root_paths = root_paths
    by_key = {}
    for translation in translations:
        by_key.setdefault(translation.translation_key, {})[translation.locale.language_code] = (
            translation
        )
    return [by_id[pk] for pk in ids if pk in by_id], by_key


def _row(page, translations, languages):
    row = []
    for column in EXPORT_COLUMNS:
        if not column.translated:
            row.append(column.value(page))
            continue
        for code in languages:
            source = page if page.locale.language_code == code else translations.get(code)
            row.append(column.value(source) if source is not None else "")
    return row


def iter_rows(queryset, languages=None, published_only=False) -> Iterator[list]:
    """The rows of :func:`export_rows`, without the headers."""
    languages = list(languages or default_languages())
    ids = _page_ids(queryset)
    for start in range(0, len(ids), CHUNK_SIZE):
        pages, by_key = _load(ids[start : start + CHUNK_SIZE], languages, published_only)
        for page in pages:
            yield _row(page, by_key.get(page.translation_key, {}), languages)


def export_rows(queryset, languages=None, published_only=False):
    """``(headers, rows)`` of a spreadsheet of the rencontres of ``queryset``.

    ``queryset``: rencontre pages (any queryset of them, search results or a list);
    each one is a row, in that order. ``languages``: language codes of the translated
    columns (default: the content languages, source first). ``published_only``: fill
    the other languages' columns only from live, public translations (what an open-data
    export must do; the admin shows every translation). ``rows`` is a lazy iterator of
    lists, one value per header; values are strings, numbers or "" when empty.
    """
    languages = list(languages or default_languages())
    _keys, headers = export_headers(languages)
    return headers, iter_rows(queryset, languages, published_only)


def export_dicts(queryset, languages=None, published_only=False):
    """``(keys, labels, rows)`` with each row a dict keyed by column key (``title_fr``…)."""
    languages = list(languages or default_languages())
    keys, labels = export_headers(languages)
    rows = (
        dict(zip(keys, row, strict=True)) for row in iter_rows(queryset, languages, published_only)
    )
    return keys, labels, rows


__all__ = [
    "EXPORT_COLUMNS",
    "TRANSLATED_KEYS",
    "ExportColumn",
    "default_languages",
    "export_dicts",
    "spreadsheet_safe",
    "export_headers",
    "export_rows",
    "iter_rows",
    "stream_to_text",
]
