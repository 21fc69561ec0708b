"""Dates, numbers and booleans in the admin comparison: a date in the rencontre's own
time zone and the active language, numbers as the language writes them, Oui/Non."""

import zoneinfo

from django.utils import formats, timezone
from django.utils.html import escape
from wagtail.admin import compare

from ...models.geography import is_paris_time
from ..text import format_date, format_datetime, yes_no


def _text_change(before, after):
    """A TextDiff of two whole values: the old one deleted, the new one added."""
    changes = []
    if before:
        changes.append(("deletion", before))
    if after:
        changes.append(("addition", after))
    return compare.TextDiff(changes, separator=" ").to_html()


class _ObjectsComparison(compare.FieldComparison):
    """Keeps both objects: formatting may depend on them (e.g. the time zone)."""

    def __init__(self, field, obj_a, obj_b):
        super().__init__(field, obj_a, obj_b)
        self.obj_a = obj_a
        self.obj_b = obj_b

    def display(self, value, obj):
        return "" if value is None else str(value)

    def htmldiff(self):
        before = self.display(self.val_a, self.obj_a)
        after = self.display(self.val_b, self.obj_b)
        if before == after:
            return escape(after)
        return _text_change(before, after)


def _zone_of(obj):
    """The compared revision's zone: a rencontre's ``tzinfo``, which comes from the
    département that revision names; the active zone for any other object."""
    tz = getattr(obj, "tzinfo", None)
    if isinstance(tz, zoneinfo.ZoneInfo):
        return tz
    return timezone.get_current_timezone()


class LocalDateTimeComparison(_ObjectsComparison):
    """A date and time in the active language, in the object's local time zone (named
    when it is not Paris time)."""

    def display(self, value, obj):
        if value is None:
            return ""
        tz = _zone_of(obj)
        return format_datetime(value, tz, "" if is_paris_time(tz) else tz.key)


class DateComparison(_ObjectsComparison):
    def display(self, value, obj):
        return "" if value is None else format_date(value)


class NumberComparison(_ObjectsComparison):
    """Numbers in the active language (« 45,76 »), empty rather than ``None``."""

    def display(self, value, obj):
        return "" if value is None else formats.number_format(value)


class BooleanComparison(_ObjectsComparison):
    def display(self, value, obj):
        return yes_no(value)
