"""Public views of rencontres, called by the route methods of the page models.

The page models stay thin (``@path("agenda.ics")`` → :func:`listing_calendar`); what is
shown comes from :mod:`rencontres.selectors`, so that the listing, its calendar and its
feeds always agree.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import selectors
from ..models import RegistrationMode, RencontreStatus
from ..selectors import Period
from . import ical, seo
from .feeds import RencontreAtomFeed, RencontreFeed
from .filters import RencontreFilterForm, describe_filters
from .urls import CALENDAR_FILE

PAGE_PARAM = "page"


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

    base_url = index.get_url(request)
    query = _query_string(request)
    return {
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
        "card_heading_level": 3,
    }


def _bad_filters(form):
    """400 with the form's errors, in plain text (calendars and feeds have no page)."""
    lines = [_("Les filtres demandés ne sont pas valides :")]
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        lines += [f"- {label} : {error}" if label else f"- {error}" for error in errors]
    return HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )


def _calendar_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def listing_calendar(index, request):
    """The .ics of the listing, honouring its filters (every page, no pagination)."""
    form = _filter_form(index, request)
    if form.errors:
        return _bad_filters(form)
    filters = form.to_filters()
    pages = selectors.calendar_rencontres(index, filters)
    name = index.seo_title or index.title
    description = describe_filters(filters)
    if description:
        name = _("%(title)s : %(filters)s") % {"title": name, "filters": ", ".join(description)}
    content = ical.build_calendar(pages, request, name=name)
    return _calendar_response(content, f"{slugify(index.slug) or 'rencontres'}.ics")


def listing_feed(index, request, *, atom=False):
    form = _filter_form(index, request)
    if form.errors:
        return _bad_filters(form)
    feed = RencontreAtomFeed() if atom else RencontreFeed()
    return feed(request, index=index, filters=form.to_filters())


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


def rencontre_context(page, request):
    """The template context of a rencontre page."""
    organisers = selectors.organisers_of(page)
    image_url = ""
    if page.image_id:
        rendition = page.image.get_rendition(selectors.CARD_IMAGE_SPEC)
        image_url = request.build_absolute_uri(rendition.url)
    data = seo.event_data(page, request, organisers=organisers, image_url=image_url)
    return {
        "organisers": organisers,
        "registration": registration(page),
        "meta_description": data["description"],
        "og_image_url": image_url,
        "json_ld": seo.json_ld_script(data),
        "calendar_url": page.get_url(request) + CALENDAR_FILE,
        "index_page": page.get_parent(),
    }


def rencontre_calendar(page, request):
    """The .ics of one rencontre."""
    content = ical.build_calendar(
        [selectors.rencontre_for_calendar(page)], request, name=page.title
    )
    return _calendar_response(content, f"{slugify(page.slug) or 'rencontre'}.ics")
