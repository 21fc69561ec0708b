"""iCalendar (.ics) of one rencontre or of a filtered listing, with ``icalendar``.

* UID: the page's translation key, its language and the site's domain: stable across
  feeds and republications, unique across sites;
* DTSTART/DTEND in the rencontre's own zone (``TZID``), with the VTIMEZONE components;
* LOCATION only when there is a place; the online link as ``CONFERENCE`` (RFC 7986)
  and in the DESCRIPTION, which is plain text: the description reads as in the history
  and the exports (:mod:`rencontres.text`);
* STATUS: CANCELLED for a cancelled rencontre, TENTATIVE when postponed;
* SEQUENCE: the number of publications after the first, so calendars take each
  published change as an update (``publication_count`` from
  :func:`rencontres.selectors.with_publication_count`).

Whatever is stored, the calendar stays valid: one-line properties (SUMMARY,
LOCATION, NAME, CATEGORIES) are made one line and the DESCRIPTION keeps its lines
without control characters (:mod:`rencontres.sanitize`); ``icalendar`` escapes the rest.
"""

from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from ..addresses import site_root_url
from ..conf import conf
from ..models import RencontreStatus
from ..sanitize import clean_lines, one_line
from ..text import prefetch_streams, stream_text

PRODID = "-//Rencontres//Wagtail//FR"
STATUS = {
    RencontreStatus.ANNULEE: "CANCELLED",
    RencontreStatus.REPORTEE: "TENTATIVE",
}
TITLE_PREFIX = {
    RencontreStatus.ANNULEE: lambda title: _("Annulée : %(title)s") % {"title": title},
    RencontreStatus.REPORTEE: lambda title: _("Reportée : %(title)s") % {"title": title},
}


def uid_domain(request):
    """The domain part of UIDs: a setting, else the Wagtail site's hostname."""
    domain = conf.ICAL_UID_DOMAIN
    if domain:
        return domain
    # The Site record (matched on the Host header, else the default site), never the
    # Host header itself: a forged one would change every UID.
    return urlsplit(site_root_url(request)).hostname or "localhost"


def event_uid(page, domain):
    return f"rencontre-{page.translation_key}-{page.locale.language_code}@{domain}"


def _description(page, url, organisers):
    lines = []
    if page.status in (RencontreStatus.ANNULEE, RencontreStatus.REPORTEE):
        lines += [str(page.get_status_display()), ""]
    if organisers:
        names = ", ".join(organisation.name for organisation in organisers)
        lines += [_("Organisée par : %(names)s") % {"names": names}, ""]
    text = stream_text(page.description)
    if text:
        lines += [text, ""]
    if page.has_place and page.access_notes:
        lines += [_("Accès : %(notes)s") % {"notes": page.access_notes}, ""]
    if page.is_online and page.online_url:
        lines += [_("Lien de la rencontre en ligne : %(url)s") % {"url": page.online_url}, ""]
    elif page.is_online:
        lines += [_("Le lien de connexion sera communiqué aux inscrits."), ""]
    lines.append(_("Plus d’informations : %(url)s") % {"url": url})
    return clean_lines("\n".join(lines))


def build_event(page, request, domain):
    """One VEVENT. ``page`` needs ``publication_count`` and prefetched organisers."""
    url = page.get_full_url(request)
    organisers = [link.organisation for link in page.organisers.all()]
    event = Event()
    event.add("uid", event_uid(page, domain))
    event.add("dtstamp", page.last_published_at or timezone.now())
    if page.first_published_at:
        event.add("created", page.first_published_at)
    if page.last_published_at:
        event.add("last-modified", page.last_published_at)
    event.add("sequence", max(getattr(page, "publication_count", 1) - 1, 0))
    title = TITLE_PREFIX.get(page.status, lambda title: title)(page.title)
    event.add("summary", one_line(title))
    event.add("dtstart", page.local_start)
    event.add("dtend", page.local_end)
    event.add("status", STATUS.get(page.status, "CONFIRMED"))
    event.add("url", url)
    event.add("description", _description(page, url, organisers))
    if page.has_place:
        event.add("location", one_line(page.place_text))
        if page.latitude is not None and page.longitude is not None:
            event.add("geo", (float(page.latitude), float(page.longitude)))
    if page.is_online and page.online_url:
        event.add(
            "conference",
            page.online_url,
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": _("Rejoindre en ligne")},
        )
    if page.departement_id:
        event.add("categories", [one_line(str(page.departement))])
    return event


def build_calendar(pages, request, *, name):
    """The .ics bytes of ``pages`` (see :mod:`rencontres.selectors` for the querysets)."""
    name = one_line(name)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    refresh = conf.ICAL_REFRESH
    calendar.add("x-published-ttl", refresh)
    domain = uid_domain(request)
    # The descriptions' images and documents: one query for every rencontre.
    for page in prefetch_streams(pages, "description"):
        calendar.add_component(build_event(page, request, domain))
    calendar.add_missing_timezones()
    return calendar.to_ical()
