"""The years a rencontre may take place in: 2000 to 2100, in its own time zone.

A date outside them is a typo (« 9999 » for « 2025 ») or a probe, and past year 9999
in UTC it is worse: PostgreSQL stores it but psycopg cannot read it back, and every
page, feed and admin view that reaches the row fails. So every way in bounds dates
before anything is written: the page model (``clean()`` with a French message, and
``save()`` whatever the caller), its admin form, the importer; the filters of the
listing and of the APIs clamp their dates to these years (the public form refuses
them with a message); ``manage.py repair_rencontre_dates`` finds rows written before.

Importable by every layer without loading models. Comparisons of aware datetimes
never overflow (Python subtracts them); converting year 1 or 9999 to another zone
can, so nothing here converts a value before it is clamped.
"""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .reference import DEFAULT_TIMEZONE, DEPARTEMENTS

MIN_YEAR = 2000
MAX_YEAR = 2100
FIRST_DAY = dt.date(MIN_YEAR, 1, 1)
LAST_DAY = dt.date(MAX_YEAR, 12, 31)

#: Any instant of a rencontre, in any zone (UTC−12 to UTC+14), lies between these.
EARLIEST = dt.datetime(MIN_YEAR - 1, 12, 31, tzinfo=dt.UTC)
LATEST = dt.datetime(MAX_YEAR + 1, 1, 2, tzinfo=dt.UTC)

#: Any instant between these is within the years allowed in every zone: only a date
#: outside them needs its rencontre's zone to be checked.
SURELY_AFTER = dt.datetime(MIN_YEAR, 1, 1, 12, tzinfo=dt.UTC)
SURELY_BEFORE = dt.datetime(MAX_YEAR, 12, 31, 10, tzinfo=dt.UTC)

#: The date-time fields of a rencontre the bounds apply to.
DATE_FIELDS = ("start", "end", "registration_deadline")

OUT_OF_BOUNDS_MESSAGE = _(
    "Saisissez une date comprise entre les années %(min)s et %(max)s "
    "(heure locale de la rencontre)."
)


def out_of_bounds_message():
    return OUT_OF_BOUNDS_MESSAGE % {"min": MIN_YEAR, "max": MAX_YEAR}


def lower_bound(zone):
    """The first instant allowed in ``zone``: 1 January 2000, 00:00 there."""
    return dt.datetime.combine(FIRST_DAY, dt.time.min, tzinfo=zone)


def upper_bound(zone):
    """The first instant no longer allowed in ``zone``: 1 January 2101, 00:00 there."""
    return dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def is_within(value, zone):
    """Whether the aware ``value`` falls within the years allowed, in ``zone``."""
    return lower_bound(zone) <= value < upper_bound(zone)


def is_within_wall_clock(value):
    """Whether a date-time typed by someone (its own fields, whatever its zone) falls
    within the years allowed."""
    return FIRST_DAY <= value.date() <= LAST_DAY


def clamp_day(day):
    """``day`` brought within the years allowed (a filter's date)."""
    return min(max(day, FIRST_DAY), LAST_DAY)


def clamp_instant(value):
    """The aware ``value`` brought within :data:`EARLIEST` and :data:`LATEST` (a
    filter's instant, such as ``updated_since``), in UTC: the same rencontres match,
    and the database never receives a year it cannot convert (SQLite stores UTC text)
    nor an offset it refuses (Python reads up to ±23:59, PostgreSQL takes ±15:59).
    Within those bounds the conversion cannot overflow."""
    return min(max(value, EARLIEST), LATEST).astimezone(dt.UTC)


def zone_names(extra=()):
    """Every time zone a rencontre may have: the départements' and Paris time."""
    return sorted({tz for *_rest, tz in DEPARTEMENTS} | {DEFAULT_TIMEZONE} | set(extra))


def zone_q(tz_name, prefix=""):
    """A ``Q`` on rencontres whose dates are in ``tz_name`` (a département there, or
    none for Paris time)."""
    q = Q(**{f"{prefix}departement__timezone": tz_name})
    if tz_name == DEFAULT_TIMEZONE:
        q |= Q(**{f"{prefix}departement__isnull": True})
    return q
