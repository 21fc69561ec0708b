"""Public reads of rencontres: the one place where "what a visitor may see" is decided.

Every public reader builds its queryset here: the listing page, its .ics feed, the
RSS/Atom feeds, the open data, the home page sections, the sitemaps and API v2 and v3.
So they never disagree on what is published or on what a filter means.

* **Visible to the public** is :func:`published_q`: live and outside any view
  restriction (``RencontreQuerySet.published_q``), whoever asks, optionally within
  one site (under its root page or one of the root's translations).
  :func:`published_pages` and :func:`published_rencontres` apply it; nothing else
  decides it. A draft, an unpublished change or a private page never leaks.
* **Filters** are a plain :class:`RencontreFilters` value; :mod:`rencontres.public.filters`
  turns the listing's query string into one, :mod:`rencontres.api.filters` the API's
  parameters, and :func:`filter_rencontres` / :func:`order_rencontres` apply it.
* **Periods** are :class:`~rencontres.models.choices.Period`, applied by
  :func:`filter_period` (the admin listing's period filter uses it too).
"""

import datetime as dt
import unicodedata
import zoneinfo
from dataclasses import dataclass, replace

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageLogEntry
from wagtail.search.backends import get_search_backend

from .conf import conf
from .models import (
    Departement,
    Organisation,
    Region,
    RencontreFormat,
    RencontreIndexPage,
    RencontreOrganisation,
    RencontrePage,
    bounds,
)
from .models.choices import Period
from .places.distance import BoundingBox, Place, distance_expression

#: The rendition of a rencontre's image on its card (and in Open Graph tags).
CARD_IMAGE_SPEC = "fill-640x360"

#: Sort keys (``RencontreFilters.order``; ``-name`` sorts descending) and their columns.
ORDERING = {
    "id": ("pk",),
    "title": ("title",),
    "start": ("start",),
    "end": ("end",),
    "first_published_at": ("first_published_at",),
    "last_published_at": ("last_published_at",),
    "departement": ("departement__sort_order", "departement__code"),
}


@dataclass(frozen=True)
class RencontreFilters:
    """What a visitor or a consumer asked to see. Empty values do not filter.

    Dates are days in each rencontre's local time (its département's zone).
    """

    period: str = Period.UPCOMING
    date_from: dt.date | None = None  # still going on that day or later (ends on/after it)
    date_to: dt.date | None = None  # starts on that day or before
    start_from: dt.date | None = None  # starts on that day or later
    departement: Departement | None = None
    region: Region | None = None
    format: str = ""
    status: str = ""
    organisation: Organisation | None = None
    query: str = ""  # full-text search
    updated_since: dt.datetime | None = None  # aware: published (again) since then
    slug: str = ""
    locale: Locale | None = None
    translation_of: Page | None = None  # the translations of this page, without itself
    order: tuple[str, ...] = ()  # keys of ORDERING; by default, by period
    near: Place | None = None  # within radius_km of it, nearest first (places.resolve)
    radius_km: float | None = None  # None: RENCONTRES_NEAR_DEFAULT_RADIUS

    @property
    def radius(self):
        return self.radius_km if self.radius_km is not None else conf.NEAR_DEFAULT_RADIUS


def per_page():
    return conf.PER_PAGE


# -- building blocks ------------------------------------------------------------------


def published_q(*, site=None):
    """What anyone may see, as a ``Q`` on pages of any type: live and outside any view
    restriction (``RencontreQuerySet.published_q``), even for a signed-in user or a
    visitor who typed a page's password (public responses are shared by caches).

    ``site``: only its pages, under its root page or one of the root's translations.
    Reads the view restrictions, and the root's translations for a site (one query
    each): a caller that filters several querysets per request may keep the ``Q``.
    """
    q = RencontrePage.objects.published_q()
    if site is not None:
        q &= _in_site_q(site)
    return q


def _in_site_q(site):
    pages = Page.objects.all()
    in_site = Q(pk__in=[])
    for root in [site.root_page, *site.root_page.get_translations()]:
        in_site |= pages.descendant_of_q(root, inclusive=True)
    return in_site


def published_pages(queryset=None, *, site=None):
    """The pages of ``queryset`` (default: every page) that anyone may see."""
    queryset = Page.objects.all() if queryset is None else queryset
    return queryset.filter(published_q(site=site))


def published_rencontres(*, index=None, locale=None):
    """Live, public rencontres (:func:`published_q`): all, under one index page, or in
    one locale."""
    queryset = RencontrePage.objects.published()
    if index is not None:
        queryset = queryset.child_of(index)
    if locale is not None:
        queryset = queryset.filter(locale=locale)
    return queryset


def search_matches(query):
    """The ids of rencontres whose indexed text matches ``query``, as a subquery.

    Wagtail's search backend; on PostgreSQL with the ``french_unaccent``
    configuration (stemmed, accents ignored). Title, description, place (venue,
    address, postcode, commune) and département are indexed (``search_fields``).
    """
    results = get_search_backend().search(
        query, RencontrePage.objects.all(), operator="and", order_by_relevance=False
    )
    # The database backends hand back a queryset: one SQL query with the listing.
    get_queryset = getattr(results, "get_queryset", None)
    if get_queryset is not None:
        return get_queryset().values("pk")
    return [page.pk for page in results]


def _local_day_start(day, tz_name):
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(tz_name))


def _local_date_q(lookup, day):
    """``lookup`` (e.g. ``"end__gte"``) against midnight of ``day`` in each rencontre's zone.

    Dates are shown in the rencontre's local time (its département's zone), so a
    visitor's "du 10 mars" means the 10th there, in Nouméa as in Paris. ``day`` is
    within the years a rencontre may take place in (:func:`bounds.clamp_day`).
    """
    condition = Q()
    for tz_name in bounds.zone_names():
        condition |= bounds.zone_q(tz_name) & Q(**{lookup: _local_day_start(day, tz_name)})
    return condition


def filter_period(queryset, period, *, now=None):
    """Rencontres of ``period`` (a :class:`Period`): upcoming ones have not ended yet
    (ongoing ones included), past ones have; derived from the end time, never stored."""
    now = now or timezone.now()
    if period == Period.UPCOMING:
        return queryset.upcoming(now)
    if period == Period.PAST:
        return queryset.past(now)
    return queryset


def filter_near(queryset, place, radius_km):
    """Rencontres whose point (typed, geocoded or their commune's centre) is within
    ``radius_km`` of ``place``, annotated with ``distance_km``.

    A bounding box on the indexed point columns narrows the rows first; the exact
    distance is computed for those only. Rencontres without a point (online ones) are
    left out.
    """
    box = BoundingBox.around(place.latitude, place.longitude, radius_km)
    distance = distance_expression(place.latitude, place.longitude, "map_latitude", "map_longitude")
    return (
        queryset.filter(box.q("map_latitude", "map_longitude"))
        .annotate(distance_km=distance)
        .filter(distance_km__lte=radius_km)
    )


def filter_rencontres(queryset, filters, *, now=None):
    """Apply ``filters`` (a :class:`RencontreFilters`) to a queryset of rencontres."""
    queryset = filter_period(queryset, filters.period, now=now)
    # Dates and instants are clamped to the years a rencontre may take place in: the
    # same rencontres match, and no database is handed a year it cannot convert.
    if filters.date_from:
        day = bounds.clamp_day(filters.date_from)
        queryset = queryset.filter(_local_date_q("end__gte", day))
    if filters.date_to:
        next_day = bounds.clamp_day(filters.date_to) + dt.timedelta(days=1)
        queryset = queryset.filter(_local_date_q("start__lt", next_day))
    if filters.start_from:
        day = bounds.clamp_day(filters.start_from)
        queryset = queryset.filter(_local_date_q("start__gte", day))
    if filters.departement is not None:
        queryset = queryset.filter(departement=filters.departement)
    if filters.region is not None:
        queryset = queryset.filter(departement__region=filters.region)
    if filters.format:
        queryset = queryset.filter(format=filters.format)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.organisation is not None:
        pages = RencontreOrganisation.objects.filter(organisation=filters.organisation)
        queryset = queryset.filter(pk__in=pages.values("page_id"))
    if filters.query:
        queryset = queryset.filter(pk__in=search_matches(filters.query))
    if filters.updated_since is not None:
        since = bounds.clamp_instant(filters.updated_since)
        queryset = queryset.filter(last_published_at__gte=since)
    if filters.slug:
        queryset = queryset.filter(slug=filters.slug)
    if filters.locale is not None:
        queryset = queryset.filter(locale=filters.locale)
    if filters.translation_of is not None:
        queryset = queryset.translation_of(filters.translation_of)
    if filters.near is not None:
        queryset = filter_near(queryset, filters.near, filters.radius)
    return queryset


def order_rencontres(queryset, filters):
    """``filters.order`` if given (ties by id); else the nearest first near a place,
    then upcoming first by start time, past ones most recent first."""
    if filters.order:
        columns = []
        for name in filters.order:
            prefix = "-" if name.startswith("-") else ""
            columns += [prefix + column for column in ORDERING[name.lstrip("-")]]
        return queryset.order_by(*columns, "pk")
    if filters.near is not None:
        return queryset.order_by("distance_km", "start", "pk")
    if filters.period == Period.PAST:
        return queryset.order_by("-start", "-pk")
    return queryset.order_by("start", "pk")


def select_rencontres(queryset, filters, *, now=None):
    """``queryset`` filtered and ordered by ``filters`` (the API's lists)."""
    return order_rencontres(filter_rencontres(queryset, filters, now=now), filters)


def with_card_relations(queryset):
    """What a card shows, fetched in a constant number of queries."""
    images = get_image_model().objects.prefetch_renditions(CARD_IMAGE_SPEC)
    return queryset.select_related("departement", "departement__region", "locale").prefetch_related(
        Prefetch("image", queryset=images)
    )


def with_organisers(queryset):
    organisers = RencontreOrganisation.objects.select_related("organisation").order_by("sort_order")
    return queryset.prefetch_related(Prefetch("organisers", queryset=organisers))


def with_publication_count(queryset):
    """Annotate ``publication_count``: how many times each page was published.

    The .ics SEQUENCE grows with it. One subquery, whatever the number of pages.
    """
    publications = (
        PageLogEntry.objects.filter(page=OuterRef("pk"), action="wagtail.publish")
        .order_by()
        .values("page")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(publication_count=Coalesce(Subquery(publications), Value(0)))


# -- what pages and feeds call ----------------------------------------------------------


def listing_rencontres(index, filters, *, now=None):
    """The listing of ``index``: filtered, ordered, ready for cards (paginate it)."""
    queryset = select_rencontres(published_rencontres(index=index), filters, now=now)
    return with_card_relations(queryset)


def past_matches_count(index, filters, *, now=None):
    """How many past rencontres of ``index`` a search of upcoming ones leaves out: the
    listing offers them (a search typed in the listing keeps its period, « à venir » by
    default, and a visitor looking for a 2023 workshop should learn it exists). 0 when
    there is no search or the period is not « à venir »."""
    if not filters.query or filters.period != Period.UPCOMING:
        return 0
    past = replace(filters, period=Period.PAST)
    return select_rencontres(published_rencontres(index=index), past, now=now).count()


def calendar_rencontres(index, filters, *, now=None):
    """The rencontres of the listing's .ics feed (same filters, no pagination)."""
    limit = conf.ICAL_MAX_EVENTS
    queryset = select_rencontres(published_rencontres(index=index), filters, now=now)
    queryset = queryset.select_related("departement", "locale")
    return with_publication_count(with_organisers(queryset))[:limit]


def online_rencontres(index, filters, *, now=None):
    """Beside a search near a place: the online rencontres matching the other filters
    (they have no place to be near), unless the filters exclude them. Ready for cards."""
    if filters.near is None or filters.format not in ("", RencontreFormat.EN_LIGNE):
        return RencontrePage.objects.none()
    online = replace(filters, near=None, format=RencontreFormat.EN_LIGNE)
    return listing_rencontres(index, online, now=now)


def map_rencontres(index, filters, *, now=None):
    """The rencontres of the listing that have a point, for its map and carte.geojson
    (``RENCONTRES_MAP_MAX_FEATURES`` at most; one query)."""
    queryset = select_rencontres(published_rencontres(index=index), filters, now=now)
    queryset = queryset.filter(map_latitude__isnull=False, map_longitude__isnull=False)
    return queryset.select_related("departement", "locale")[: conf.MAP_MAX_FEATURES]


def feed_rencontres(index, filters, *, now=None):
    """The newest rencontres first (by first publication), for RSS/Atom feeds."""
    limit = conf.FEED_ITEMS
    queryset = filter_rencontres(published_rencontres(index=index), filters, now=now)
    queryset = queryset.order_by("-first_published_at", "-pk")
    return queryset.select_related("departement", "locale")[:limit]


def rencontre_for_calendar(page):
    """``page`` reloaded with what its own .ics needs (organisers, publication count)."""
    queryset = RencontrePage.objects.filter(pk=page.pk).select_related("departement", "locale")
    return with_publication_count(with_organisers(queryset)).get()


def with_references(page):
    """``page`` with its département (and région) and locale attached from reference
    data read once per publication generation (:mod:`rencontres.fragments`), instead
    of one query each when the page's template and JSON-LD read them."""
    from .fragments import memo

    if page.departement_id and not RencontrePage.departement.is_cached(page):
        departements = memo(
            "departements",
            lambda: {d.pk: d for d in Departement.objects.select_related("region")},
        )
        if page.departement_id in departements:
            RencontrePage.departement.field.set_cached_value(
                page, departements[page.departement_id]
            )
    if page.locale_id and not Page.locale.is_cached(page):
        locales = memo("locales", lambda: {locale.pk: locale for locale in Locale.objects.all()})
        if page.locale_id in locales:
            Page.locale.field.set_cached_value(page, locales[page.locale_id])
    return page


def organisers_of(page):
    """The organisers of a rencontre, in order, with their organisation (one query)."""
    return [
        link.organisation
        for link in page.organisers.select_related("organisation").order_by("sort_order")
    ]


def organisation_choices(index):
    """Organisations that organise at least one published rencontre of ``index``."""
    pages = published_rencontres(index=index).values("pk")
    ids = RencontreOrganisation.objects.filter(page__in=pages).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def source_rencontres(index=None):
    """Published rencontres in the source language, one per rencontre, by start date:
    those of ``index`` (any of its translations) or of every index (open data)."""
    source_locale = Locale.get_default()
    if index is not None:
        index = index.get_translation_or_none(source_locale) or index
    queryset = published_rencontres(index=index, locale=source_locale)
    return queryset.order_by("start", "pk")


def rencontre_index_for_locale(locale):
    """The first live, public rencontre index of ``locale`` (None if there is none)."""
    indexes = published_pages(RencontreIndexPage.objects.filter(locale=locale))
    return indexes.order_by("path").first()


def upcoming_rencontres(*, locale, limit=3, now=None):
    """The next ``limit`` rencontres of a locale, soonest first (home page)."""
    queryset = filter_period(published_rencontres(locale=locale), Period.UPCOMING, now=now)
    return list(with_card_relations(queryset.order_by("start", "pk"))[:limit])


@dataclass
class AreaCount:
    code: str
    name: str
    count: int
    children: list  # of AreaCount (the départements of a région)


def upcoming_counts_by_area(*, locale, now=None):
    """How many upcoming rencontres each région and département has, in one query.

    Returns ``(regions, others)``: the régions (with their départements) sorted by
    name, and the départements without a région (overseas collectivities).
    Rencontres without a département are not counted.
    """
    rows = (
        filter_period(published_rencontres(locale=locale), Period.UPCOMING, now=now)
        .filter(departement__isnull=False)
        .order_by()
        .values(
            "departement__code",
            "departement__name",
            "departement__sort_order",
            "departement__region__code",
            "departement__region__name",
        )
        .annotate(n=Count("pk"))
    )
    regions = {}
    others = []
    for row in sorted(rows, key=lambda r: (r["departement__sort_order"], r["departement__code"])):
        departement = AreaCount(row["departement__code"], row["departement__name"], row["n"], [])
        region_code = row["departement__region__code"]
        if region_code is None:
            others.append(departement)
            continue
        region = regions.setdefault(
            region_code, AreaCount(region_code, row["departement__region__name"], 0, [])
        )
        region.count += departement.count
        region.children.append(departement)
    return sorted(regions.values(), key=lambda r: _sort_key(r.name)), others


def _sort_key(name):
    """Alphabetical order that ignores accents ("Île-de-France" after "Hauts-de-France")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
