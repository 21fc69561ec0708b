"""Public views of rencontres, called by the route methods of the page models.

The page models stay thin (``@path("agenda.ics")`` → :func:`listing_calendar`); what is
shown comes from :mod:`rencontres.selectors`, so that the listing, its calendar and its
feeds always agree.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.images.shortcuts import get_rendition_or_not_found

from .. import fragments, selectors
from ..addresses import page_relative
from ..cache.middleware import etag_of
from ..conf import conf
from ..models import RegistrationMode, RencontreStatus
from ..selectors import Period
from . import ical, maps, seo
from .feeds import RencontreAtomFeed, RencontreFeed
from .filters import RencontreFilterForm, describe_filters
from .urls import CALENDAR_FILE

#: Wagtail hook giving a rencontre without illustration its sharing image.
DEFAULT_IMAGE_HOOK = "rencontres_default_image"

PAGE_PARAM = "page"
#: Beside a search near a place, the online rencontres shown (the next ones; a link
#: leads to all of them): a short section, so that the page stays as light as the list.
ONLINE_CARDS = 4


# -- listing ---------------------------------------------------------------------------


def _filter_form(index, request):
    form = RencontreFilterForm(request.GET, index=index)
    form.is_valid()
    return form


def _query_string(request, **changes):
    """The current query string without the page number, with ``changes`` applied."""
    query = request.GET.copy()
    query.pop(PAGE_PARAM, None)
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


def _page_number(raw, num_pages):
    """``(number, notice)``: the nearest valid page, and why it is not the one asked."""
    if raw is None or raw == "":
        return 1, ""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1, _("« %(page)s » n’est pas un numéro de page : voici la première page.") % {
            "page": raw[:20]
        }
    if number < 1:
        return 1, _("Les pages commencent à 1 : voici la première page.")
    if number > num_pages:
        return num_pages, _(
            "La page %(page)s n’existe pas : voici la dernière page (%(last)s)."
        ) % {"page": number if number < 10**6 else "…", "last": num_pages}
    return number, ""


def _pages_list(number, num_pages):
    """Page numbers around the current one, None for a gap: [1, None, 4, 5, 6, None, 9]."""
    shown = {1, num_pages, number - 1, number, number + 1}
    pages, previous = [], 0
    for value in sorted(n for n in shown if 1 <= n <= num_pages):
        if value - previous > 1:
            pages.append(None)
        pages.append(value)
        previous = value
    return pages


#: What :func:`listing_context` gives (tests check the two agree).
LISTING_CONTEXT_NAMES = (
    "past_matches", "meta_description", "filter_form", "filters", "filter_description",
    "is_filtered", "rencontres", "page_obj", "pages_list", "page_notice", "result_count",
    "count_text", "document_title", "other_period", "calendar_url", "feed_url",
    "atom_feed_url", "geojson_url", "card_heading_level", "place_candidates",
    "online_rencontres", "online_count", "online_url", "map",
)  # fmt: skip


def deferred_listing_context(index, request):
    """:func:`listing_context`, computed only if a part of the page needs it (the
    listing's parts are memoised: ``rencontres/rencontre_index_page.html``)."""
    return fragments.deferred_context(
        lambda: listing_context(index, request),
        LISTING_CONTEXT_NAMES,
        eager={"map": _listing_map()},
    )


def _listing_map():
    return maps.map_settings() if maps.enabled() else None


def listing_context(index, request):
    """The template context of a rencontre index page (filters, count, one page of cards)."""
    form = _filter_form(index, request)
    filters = form.to_filters()
    queryset = selectors.listing_rencontres(index, filters)
    paginator = Paginator(queryset, selectors.per_page())
    number, page_notice = _page_number(request.GET.get(PAGE_PARAM), paginator.num_pages)
    page_obj = paginator.page(number)

    count = paginator.count
    if count:
        count_text = ngettext(
            "%(count)s rencontre trouvée", "%(count)s rencontres trouvées", count
        ) % {"count": count}
    else:
        count_text = _("Aucune rencontre trouvée")

    description = describe_filters(filters)
    document_title = index.seo_title or index.title
    if description:
        document_title = _("%(title)s : %(filters)s") % {
            "title": document_title,
            "filters": ", ".join(description),
        }
    if paginator.num_pages > 1:
        document_title = _("%(title)s – page %(page)s sur %(pages)s") % {
            "title": document_title,
            "page": page_obj.number,
            "pages": paginator.num_pages,
        }

    if filters.period == Period.PAST:
        other_period = {"label": _("Voir les rencontres à venir"), "period": Period.UPCOMING}
    else:
        other_period = {"label": _("Voir les rencontres passées"), "period": Period.PAST}
    other_period["url"] = _query_string(request, periode=other_period["period"], du=None, au=None)

    # Distinct per listing: its title (filters, page) and what it found, then its text.
    about = index.search_description or strip_tags(index.introduction or "").strip()
    meta_description = Truncator(f"{document_title}. {count_text}. {about}".strip()).chars(
        seo.META_DESCRIPTION_LENGTH
    )

    past_matches = selectors.past_matches_count(index, filters)
    past_matches_link = None
    if past_matches:
        past_matches_link = {
            "text": ngettext(
                "%(count)s rencontre passée correspond aussi à « %(query)s »",
                "%(count)s rencontres passées correspondent aussi à « %(query)s »",
                past_matches,
            )
            % {"count": past_matches, "query": filters.query},
            "url": _query_string(request, periode=Period.PAST, du=None, au=None),
        }

    base_url = index.get_url(request)
    query = _query_string(request)
    online = selectors.online_rencontres(index, filters)
    online_count = online.count() if filters.near is not None else 0
    return {
        "past_matches": past_matches_link,
        "meta_description": meta_description,
        "filter_form": form,
        "filters": filters,
        "filter_description": description,
        "is_filtered": bool(request.GET.keys() - {PAGE_PARAM}),
        "rencontres": page_obj.object_list,
        "page_obj": page_obj,
        "pages_list": _pages_list(page_obj.number, paginator.num_pages),
        "page_notice": page_notice,
        "result_count": count,
        "count_text": count_text,
        "document_title": document_title,
        "other_period": other_period,
        "calendar_url": base_url + CALENDAR_FILE + query,
        "feed_url": base_url + index.reverse_subpage("feed") + query,
        "atom_feed_url": base_url + index.reverse_subpage("atom_feed") + query,
        "geojson_url": base_url + maps.GEOJSON_FILE + query,
        "card_heading_level": 3,
        # « Près de »: the communes an ambiguous name may mean, the online rencontres.
        "place_candidates": [
            {"label": candidate.label, "url": _query_string(request, pres=candidate.value)}
            for candidate in form.place_candidates
        ],
        "online_rencontres": list(online[:ONLINE_CARDS]) if online_count else [],
        "online_count": online_count,
        "online_url": _query_string(request, pres=None, distance=None, format="en_ligne"),
        "map": _listing_map(),
    }


def bad_filters(form):
    """400 with the form's errors, in plain text (calendars and feeds have no page)."""
    lines = [_("Les filtres demandés ne sont pas valides :")]
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        lines += [f"- {label} : {error}" if label else f"- {error}" for error in errors]
    return HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )


def _calendar_response(content, filename, etag=None):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if etag:
        response["ETag"] = etag
    return response


def _with_etag(body):
    """``(body, its ETag)``: kept together, a kept body is not hashed again on each
    request (rencontres.cache.middleware computes the same ETag otherwise)."""
    return body, etag_of(body)


def listing_calendar(index, request):
    """The .ics of the listing, honouring its filters (every page, no pagination)."""
    form = _filter_form(index, request)
    if form.errors:
        return bad_filters(form)

    def build():
        filters = form.to_filters()
        pages = selectors.calendar_rencontres(index, filters)
        name = index.seo_title or index.title
        description = describe_filters(filters)
        if description:
            name = _("%(title)s : %(filters)s") % {
                "title": name,
                "filters": ", ".join(description),
            }
        return ical.build_calendar(pages, request, name=name)

    content, etag = fragments.memo_html(
        _body_key("calendar", index, request),
        lambda: _with_etag(build()),
        size=lambda value: len(value[0]),
    )
    return _calendar_response(content, f"{slugify(index.slug) or 'rencontres'}.ics", etag)


#: The headers of a feed's response kept with its body.
FEED_HEADERS = ("Content-Type", "Last-Modified")


def listing_feed(index, request, *, atom=False):
    form = _filter_form(index, request)
    if form.errors:
        return bad_filters(form)

    def build():
        feed = RencontreAtomFeed() if atom else RencontreFeed()
        response = feed(request, index=index, filters=form.to_filters())
        headers = {name: response[name] for name in FEED_HEADERS if response.has_header(name)}
        headers["ETag"] = etag_of(response.content)
        return response.content, headers

    key = _body_key("atom" if atom else "rss", index, request)
    content, headers = fragments.memo_html(key, build, size=lambda value: len(value[0]))
    return HttpResponse(content, headers=headers)


def _body_key(kind, index, request):
    """What the listing's calendar and feeds depend on: the index, the path and query
    string (its filters), and :func:`rencontres.fragments.request_parts` (their links
    are absolute; « à venir » follows the minute). Their bodies are kept until the next
    publication (:func:`rencontres.fragments.memo_html`): 500 events took seconds to
    write."""
    return (kind, index.pk, request.get_full_path(), *fragments.request_parts(request))


def listing_geojson(index, request):
    """``carte.geojson``: the listing's rencontres that have a point (its filters)."""
    form = _filter_form(index, request)
    if form.errors:
        return bad_filters(form)
    pages = selectors.map_rencontres(index, form.to_filters())
    return maps.geojson_response(pages, request)


# -- one rencontre -----------------------------------------------------------------------


@dataclass
class Registration:
    """What the registration area says and offers. ``state`` drives the template."""

    state: str  # open, full, postponed, cancelled, closed, past, free
    message: str = ""
    url: str = ""
    label: str = ""


def registration(page, *, now=None):
    now = now or timezone.now()
    if page.status == RencontreStatus.ANNULEE:
        return Registration("cancelled", _("Cette rencontre est annulée."))
    if page.is_past:
        return Registration("past", _("Cette rencontre a eu lieu."))
    if page.status == RencontreStatus.REPORTEE:
        return Registration(
            "postponed",
            _("Cette rencontre est reportée : sa nouvelle date sera annoncée sur cette page."),
        )
    if page.status == RencontreStatus.COMPLETE:
        return Registration(
            "full", _("Cette rencontre est complète : il n’y a plus de place."), label=_("Complet")
        )
    if page.registration_deadline and page.registration_deadline < now:
        return Registration("closed", _("Les inscriptions sont closes."))
    if page.registration_mode == RegistrationMode.LINK and page.registration_url:
        return Registration("open", url=page.registration_url, label=_("S’inscrire"))
    if page.registration_mode == RegistrationMode.EMAIL and page.registration_email:
        return Registration(
            "open",
            url=f"mailto:{page.registration_email}",
            label=_("S’inscrire par e-mail"),
            message=page.registration_email,
        )
    return Registration("free", _("Entrée libre, sans inscription."))


def sharing_image(page, request):
    """The image of a rencontre's Open Graph and JSON-LD: its illustration, else the
    first image a ``rencontres_default_image`` hook gives (``hook(page, request)``; the
    demo's returns its site setting), else ``None``."""
    if page.image_id:
        return page.image
    for hook in hooks.get_hooks(DEFAULT_IMAGE_HOOK):
        image = hook(page, request)
        if image is not None:
            return image
    return None


#: What :func:`rencontre_context` gives (tests check the two agree).
RENCONTRE_CONTEXT_NAMES = (
    "organisers", "registration", "meta_description", "og_image_url", "json_ld",
    "calendar_url", "index_page", "map", "map_point", "map_open_url", "map_open_name",
)  # fmt: skip


def deferred_rencontre_context(page, request):
    """:func:`rencontre_context`, computed only if a part of the page needs it (its
    parts are memoised: ``rencontres/rencontre_page.html``)."""
    return fragments.deferred_context(
        lambda: rencontre_context(page, request),
        RENCONTRE_CONTEXT_NAMES,
        eager={"map": _rencontre_map(page)},
    )


def _rencontre_map(page):
    return maps.map_settings() if maps.enabled() and page.map_point else None


def rencontre_context(page, request):
    """The template context of a rencontre page."""
    selectors.with_references(page)
    organisers = selectors.organisers_of(page)
    image_url = ""
    image = sharing_image(page, request)
    if image is not None:
        # A rendition that cannot be made (the media storage is down) has no width:
        # the page goes without its image rather than failing.
        rendition = get_rendition_or_not_found(image, selectors.CARD_IMAGE_SPEC)
        if rendition.width:
            image_url = page_relative(page, rendition.url, request)
    data = seo.event_data(page, request, organisers=organisers, image_url=image_url)
    return {
        "organisers": organisers,
        "registration": registration(page),
        "meta_description": data["description"],
        "og_image_url": image_url,
        "json_ld": seo.json_ld_script(data),
        "calendar_url": page.get_url(request) + CALENDAR_FILE,
        "index_page": page.get_parent(),
        "map": _rencontre_map(page),
        "map_point": maps.point_of(page),
        "map_open_url": maps.open_url(page),
        "map_open_name": conf.MAP_OPEN_NAME,
    }


def rencontre_calendar(page, request):
    """The .ics of one rencontre."""
    content = ical.build_calendar(
        [selectors.rencontre_for_calendar(page)], request, name=page.title
    )
    return _calendar_response(content, f"{slugify(page.slug) or 'rencontre'}.ics")
