"""Template tags of the public rencontre pages and of the home page sections.

Home page (inclusion tags, for any project's home template)::

    {% load rencontres_tags %}
    {% upcoming_rencontres limit=3 %}
    {% rencontres_overview %}

Both read the active language's rencontres through :mod:`rencontres.selectors` in a
constant number of queries.
"""

from django import template
from django.template.loader import select_template
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from .. import fragments, selectors
from ..dates import date_range_html, date_range_text
from ..models import RencontreStatus
from ..public import maps
from ..public.urls import GEOJSON_FILE

register = template.Library()

STATUS_BADGE = {
    RencontreStatus.PREVUE: "fr-badge--info",
    RencontreStatus.COMPLETE: "fr-badge--warning",
    RencontreStatus.REPORTEE: "fr-badge--new",
    RencontreStatus.ANNULEE: "fr-badge--error",
}


@register.simple_tag
def rencontre_dates(page):
    """ "mardi 14 mars 2023, de 14:00 à 17:00", each part in a ``<time datetime>``."""
    return date_range_html(page.local_start, page.local_end)


@register.simple_tag
def rencontre_dates_text(page):
    return date_range_text(page.local_start, page.local_end)


@register.simple_tag
def rencontre_distance(km):
    """ "à 12 km" (a distance in km, rounded; under a kilometre, "à moins d’1 km")."""
    if km < 1:
        return _("à moins d’1 km")
    return _("à %(km)s km") % {"km": round(km)}


@register.filter
def status_badge_class(page):
    return STATUS_BADGE.get(page.status, "")


#: Statuses that only speak of a rencontre to come: once it is past, « Passée » says it.
UPCOMING_ONLY_STATUSES = {RencontreStatus.PREVUE, RencontreStatus.COMPLETE}


@register.filter
def shows_status(page):
    """Whether the status badge belongs beside the others: never « Prévue » or
    « Complète » next to « Passée » (« Annulée » and « Reportée » stay)."""
    return not (page.is_past and page.status in UPCOMING_ONLY_STATUSES)


@register.simple_tag(takes_context=True)
def page_query(context, number):
    """The current query string with ``page=number`` (filters kept)."""
    query = context["request"].GET.copy()
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = number
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def breadcrumb_pages(page):
    """The live pages above ``page`` that its breadcrumb links to, from its site's root
    page (depth 2 in Wagtail's tree) down; none for a site's root itself."""
    if not isinstance(page, Page) or not page.pk or page.depth <= 2:
        return []
    return fragments.memo(
        ("breadcrumb", page.pk),
        lambda: list(page.get_ancestors().filter(depth__gte=2).live()),
    )


@register.simple_tag(takes_context=True)
def include_optional(context, template_name):
    """Render ``template_name`` with the current context, or nothing if it does not exist.

    For sections another app may provide (the public history's "updated" notice).
    """
    try:
        found = select_template([template_name])
    except template.TemplateDoesNotExist:
        return ""
    # As {% include %} does: in the current context, without running the context
    # processors a second time (each one's queries).
    with context.push():
        return found.template.render(context)


def _locale(context):
    page = context.get("page")
    if isinstance(page, Page) and page.locale_id:
        return page.locale
    return Locale.get_active()


def _index_url(locale, request):
    index = selectors.rencontre_index_for_locale(locale)
    return index.get_url(request) if index is not None else ""


@register.inclusion_tag("rencontres/includes/upcoming_rencontres.html", takes_context=True)
def upcoming_rencontres(context, limit=3, heading_level=2):
    """The next ``limit`` rencontres of the active language, as cards, with a link to all."""
    request = context.get("request")
    locale = _locale(context)
    index_url = _index_url(locale, request)
    return {
        "request": request,
        "rencontres": selectors.upcoming_rencontres(locale=locale, limit=limit),
        "index_url": index_url,
        "heading_level": heading_level,
        "card_heading_level": heading_level + 1,
        # The upcoming rencontres of the listing on a map (its carte.geojson).
        "map": maps.map_settings() if maps.enabled() and index_url else None,
        "geojson_url": index_url + GEOJSON_FILE if index_url else "",
    }


@register.inclusion_tag("rencontres/includes/rencontres_overview.html", takes_context=True)
def rencontres_overview(context, heading_level=2):
    """How many upcoming rencontres each région and département has, linked to the listing."""
    request = context.get("request")
    locale = _locale(context)
    regions, others = selectors.upcoming_counts_by_area(locale=locale)
    return {
        "request": request,
        "regions": regions,
        "others": others,
        "index_url": _index_url(locale, request),
        "heading_level": heading_level,
        "others_label": _("Collectivités d’outre-mer"),
    }


@register.simple_tag
def rencontre_datetime(value):
    """ "mardi 14 mars 2023, 14:00" in a ``<time datetime>`` (a local datetime)."""
    return date_range_html(value, None)
