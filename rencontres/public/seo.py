"""What search engines and social networks read about a rencontre.

* :func:`summary_text`: one line of the description's text (:mod:`rencontres.text`,
  what the history, the exports and the calendars show): the first section's items,
  for the meta description and the feeds;
* :func:`meta_description`: the page's ``search_description`` or a summary built from
  its date, place and first section;
* :func:`event_json_ld`: a schema.org ``Event`` (eventStatus, eventAttendanceMode,
  Place and/or VirtualLocation, organizer, start and end with their UTC offset).
"""

import json

from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from ..dates import date_range_text
from ..models import RegistrationMode, RencontreFormat, RencontreStatus
from ..text import BULLET, block_lines

SCHEMA = "https://schema.org/"
EVENT_STATUS = {
    RencontreStatus.PREVUE: "EventScheduled",
    RencontreStatus.COMPLETE: "EventScheduled",
    RencontreStatus.REPORTEE: "EventPostponed",
    RencontreStatus.ANNULEE: "EventCancelled",
}
ATTENDANCE_MODE = {
    RencontreFormat.PRESENTIEL: "OfflineEventAttendanceMode",
    RencontreFormat.EN_LIGNE: "OnlineEventAttendanceMode",
    RencontreFormat.HYBRIDE: "MixedEventAttendanceMode",
}
#: The blocks a one-line summary reads: sections, rich text, quotations.
SUMMARY_BLOCK_TYPES = {"pourquoi", "pour_qui", "comment", "section", "texte", "citation"}
META_DESCRIPTION_LENGTH = 160


def summary_text(stream):
    """One line of the description's text, from its first block of text (a section, rich
    text or a quotation): its ``•`` items joined (« a; b »), else its lines joined.

    Images, documents and embeds are skipped without being loaded (no query).
    """
    if not stream:
        return ""
    for position, raw in enumerate(stream.raw_data):
        if raw.get("type") not in SUMMARY_BLOCK_TYPES:
            continue
        child = stream[position]
        lines = [str(line) for line in block_lines(child.block, child.value)]
        items = [line.removeprefix(BULLET) for line in lines if line.startswith(BULLET)]
        if items:
            return "; ".join(items)
        if lines:
            return " ".join(lines)
    return ""


def meta_description(page):
    """``search_description``, else "date – place: first section", about 160 characters."""
    if page.search_description:
        return page.search_description
    parts = [date_range_text(page.local_start, page.local_end)]
    if page.has_place:
        parts.append(page.commune)
    elif page.is_online:
        parts.append(str(page.get_format_display()).lower())
    summary = ", ".join(part for part in parts if part)
    first = summary_text(page.description)
    text = f"{summary}. {first}" if first else summary
    return Truncator(text).chars(META_DESCRIPTION_LENGTH)


def _place(page):
    address = {
        "@type": "PostalAddress",
        "streetAddress": page.address,
        "postalCode": page.postcode,
        "addressLocality": page.commune,
        "addressCountry": "FR",
    }
    if page.departement_id and page.departement.region_id:
        address["addressRegion"] = page.departement.region.name
    place = {
        "@type": "Place",
        "name": page.venue or page.commune,
        "address": {key: value for key, value in address.items() if value},
    }
    if page.latitude is not None and page.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(page.latitude),
            "longitude": float(page.longitude),
        }
    return place


def event_data(page, request, *, organisers, image_url=None):
    """The schema.org ``Event`` of a rencontre, as a dict."""
    url = page.get_full_url(request)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title,
        "url": url,
        "description": meta_description(page),
        "startDate": page.local_start.isoformat(),
        "endDate": page.local_end.isoformat(),
        "eventStatus": SCHEMA + EVENT_STATUS.get(page.status, "EventScheduled"),
        "eventAttendanceMode": SCHEMA
        + ATTENDANCE_MODE.get(page.format, "OfflineEventAttendanceMode"),
        "inLanguage": page.locale.language_code,
    }
    locations = []
    if page.has_place:
        locations.append(_place(page))
    if page.is_online:
        # schema.org wants a VirtualLocation with a URL for an online event; when the
        # link is sent to registered participants only, the page says how to join.
        locations.append({"@type": "VirtualLocation", "url": page.online_url or url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    if organisers:
        data["organizer"] = [
            {"@type": "Organization", "name": o.name, **({"url": o.url} if o.url else {})}
            for o in organisers
        ]
    if image_url:
        data["image"] = [image_url]
    registration_url = ""
    if page.registration_mode == RegistrationMode.LINK:
        registration_url = page.registration_url
    if registration_url and page.status in (RencontreStatus.PREVUE, RencontreStatus.COMPLETE):
        available = page.status == RencontreStatus.PREVUE
        data["offers"] = {
            "@type": "Offer",
            "url": registration_url,
            "price": 0,
            "priceCurrency": "EUR",
            "availability": SCHEMA + ("InStock" if available else "SoldOut"),
        }
    if page.capacity:
        data["maximumAttendeeCapacity"] = page.capacity
    return data


# The characters json_script escapes: the JSON stays valid and cannot end the <script>.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data):
    """``<script type="application/ld+json">`` with ``data``, safe inside HTML."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(  # noqa: S308 - escaped above like django's json_script
        '<script type="application/ld+json">' + payload.translate(_SCRIPT_ESCAPES) + "</script>"
    )
