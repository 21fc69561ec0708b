"""Dates of a rencontre as visitors read them, in the active language.

"mardi 14 mars 2023, de 14:00 à 17:00" in French; the day and month names and the
time format come from Django's locale formats, the sentence from the catalogue. The
values are the rencontre's local times (its département's zone), never the server's.
"""

import datetime as dt

from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

DAY_FORMAT = "l j F Y"  # "mardi 14 mars 2023"; names translated by Django


def format_day(value):
    return formats.date_format(value, DAY_FORMAT)


def format_time(value):
    return formats.time_format(value, "TIME_FORMAT")


def _pattern(start, end):
    if end is None:
        return _("%(day)s, %(start)s")
    if start.date() == end.date():
        return _("%(day)s, de %(start)s à %(end)s")
    return _("du %(day)s, %(start)s, au %(end_day)s, %(end)s")


def date_range_text(start, end):
    """The date range as plain text (feeds, meta descriptions, calendars)."""
    if start is None:
        return ""
    values = {"day": format_day(start), "start": format_time(start)}
    if end is not None:
        values.update(end_day=format_day(end), end=format_time(end))
    return _pattern(start, end) % values


def date_range_html(start, end):
    """The date range with each part in a ``<time datetime>`` element (pages)."""
    if start is None:
        return ""
    values = {
        "day": format_html(
            '<time datetime="{}">{}</time>', start.date().isoformat(), format_day(start)
        ),
        "start": format_html(
            '<time datetime="{}">{}</time>', start.isoformat(), format_time(start)
        ),
    }
    if end is not None:
        values["end_day"] = format_html(
            '<time datetime="{}">{}</time>', end.date().isoformat(), format_day(end)
        )
        values["end"] = format_html(
            '<time datetime="{}">{}</time>', end.isoformat(), format_time(end)
        )
    return mark_safe(conditional_escape(_pattern(start, end)) % values)  # noqa: S308


def api_datetime(value, tz=dt.UTC):
    """The one datetime format of both APIs: ISO 8601 to the second with the offset of
    ``tz`` (a rencontre's own zone for its dates and publications; UTC, ``Z``, for the
    change log). Microseconds are dropped: v2 and v3's JSON encoders would cut them
    differently."""
    if value is None:
        return None
    text = timezone.localtime(value, tz).replace(microsecond=0).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
