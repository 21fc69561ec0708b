"""Dates as the history writes them (:mod:`rencontres.history.text`): the names of days
and months translated once per language give what Django's own date formats give."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import formats, timezone, translation

from rencontres.history.text import format_date, format_datetime

pytestmark = pytest.mark.plugin

NOUMEA = zoneinfo.ZoneInfo("Pacific/Noumea")


def django_datetime(value, tz):
    local = timezone.localtime(value, tz)
    return translation.gettext("%(date)s à %(time)s") % {
        "date": formats.date_format(local, "l j F Y"),
        "time": formats.time_format(local, "H:i"),
    }


@pytest.mark.parametrize("language", ["fr", "en", None])
def test_dates_read_as_djangos_date_formats_write_them(language):
    start = dt.datetime(1999, 12, 25, 23, 7, tzinfo=dt.UTC)
    moments = [start + dt.timedelta(days=n, hours=5 * n, minutes=n) for n in range(800)]
    moments += [
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2100, 12, 31, 23, 59, tzinfo=dt.UTC),
    ]
    with translation.override(language):
        for moment in moments:
            assert format_date(moment.date()) == formats.date_format(moment.date(), "l j F Y")
            for tz in (dt.UTC, NOUMEA):
                if moment.year == 1 and tz is NOUMEA:
                    continue  # before year 1 there
                assert format_datetime(moment, tz) == django_datetime(moment, tz)


def test_each_language_has_its_names():
    thursday = dt.date(2023, 3, 16)
    with translation.override("fr"):
        assert format_date(thursday) == "jeudi 16 mars 2023"
    with translation.override("en"):
        assert format_date(thursday) == "Thursday 16 March 2023"
