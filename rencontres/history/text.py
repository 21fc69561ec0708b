"""Values written for people: language names, dates in the rencontre's own time zone
and the notes that stand for removed blocks and fields. Labelled lines, bullets and the
text of HTML are the content's (:mod:`rencontres.text`), shared with the exports."""

import datetime as dt
import functools

from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..conf import conf
from ..models.geography import is_paris_time, utc_offset, zone_label, zone_of


def language_name(code):
    """« Français », « English »: a content language named in itself, as language
    switchers do (a page's history is read under its own language's URL anyway)."""
    try:
        return capfirst(translation.get_language_info(code)["name_local"])
    except KeyError:
        languages = dict(conf.content_languages)
        return str(languages.get(code, code))


def yes_no(value):
    return _("Oui") if value else _("Non")


# -- notes for what a revision holds but the code no longer knows -------------------------


def missing_object_text(pk):
    """What a reference to a deleted object (image, organisation…) is shown as."""
    return _("élément supprimé (n° %(id)s)") % {"id": pk}


def removed_block_note(type_name):
    return _("Bloc supprimé (« %(type)s ») :") % {"type": type_name}


def removed_field_note(name):
    return _("Champ supprimé (« %(name)s ») :") % {"name": name}


def removed_field_label(name):
    """The label of a field that the revision holds but the model no longer has."""
    return _("%(name)s (champ supprimé)") % {"name": name}


# -- dates ----------------------------------------------------------------------------------


def format_date(value):
    """« jeudi 16 mars 2023 » (Django's ``date_format(value, "l j F Y")``, the names of
    days and months translated once per language: histories and imports write
    thousands of dates)."""
    weekdays, months = _calendar_names(translation.get_language())
    return f"{weekdays[value.weekday()]} {value.day} {months[value.month]} {value.year:04d}"


@functools.lru_cache(maxsize=32)
def _calendar_names(language):
    """The names ``l`` (weekday, Monday first) and ``F`` (month, from index 1) of
    Django's date formats, in ``language`` (the active one when first asked)."""
    monday = dt.date(2024, 1, 1)
    weekdays = tuple(formats.date_format(monday + dt.timedelta(days=n), "l") for n in range(7))
    months = ("", *(formats.date_format(dt.date(2024, month, 1), "F") for month in range(1, 13)))
    return weekdays, months


def format_datetime(value, tz=None, zone_label=""):
    """« jeudi 16 mars 2023 à 14:00 » in ``tz`` (the active one by default)."""
    try:
        local = timezone.localtime(value, tz) if timezone.is_aware(value) else value
    except OverflowError:  # a year no zone can hold, in a revision saved before the bounds
        return value.isoformat()
    text = _("%(date)s à %(time)s") % {
        "date": format_date(local),
        "time": f"{local.hour:02d}:{local.minute:02d}",  # time_format(local, "H:i")
    }
    if zone_label:
        text = _("%(datetime)s, %(zone)s") % {"datetime": text, "zone": zone_label}
    return text


def format_datetime_in(value, departement):
    """A rencontre's date in its département's time, with the zone outside Paris time:
    « lundi 12 mai 2030 à 18:00, heure locale (Nouvelle-Calédonie, UTC+11:00) »."""
    try:
        label = zone_label(departement, value)
    except OverflowError:  # see format_datetime
        return value.isoformat()
    return format_datetime(value, zone_of(departement), label)


class PublishedAtFormatter:
    """:func:`format_published_at` for the many dates of a list of versions: the month
    names and sentences are translated once, not once per date."""

    def __init__(self, tz=None):
        self.tz = tz
        self.months = {m: formats.date_format(dt.date(2000, m, 1), "F") for m in range(1, 13)}
        self.shows_zone = not (tz is None or is_paris_time(tz))
        if self.shows_zone:
            self.pattern = _("%(date)s à %(time)s (%(zone)s)")
        else:
            self.pattern = _("%(date)s à %(time)s")

    def __call__(self, value):
        local = timezone.localtime(value, self.tz)
        parts = {  # the "j F Y" and "H:i" of format_published_at
            "date": f"{local.day} {self.months[local.month]} {local.year:04d}",
            "time": f"{local.hour:02d}:{local.minute:02d}",
        }
        if self.shows_zone:
            parts["zone"] = f"UTC{utc_offset(value, self.tz)}"
        return self.pattern % parts


def format_published_at(value, tz=None):
    """« 25 novembre 2026 à 20:02 »: when a version was published."""
    local = timezone.localtime(value, tz)
    parts = {
        "date": formats.date_format(local, "j F Y"),
        "time": formats.time_format(local, "H:i"),
    }
    if tz is None or is_paris_time(tz):
        return _("%(date)s à %(time)s") % parts
    # A rencontre outside Paris's zone dates its versions in its own time: say so.
    parts["zone"] = f"UTC{utc_offset(value, tz)}"
    return _("%(date)s à %(time)s (%(zone)s)") % parts
