"""The suite's clock: a fixed instant for tests that depend on the time, and dates
counted from now.

A test class whose data or assertions depend on how far away "now" is (a rencontre that
ended a minute ago, one in progress) runs at ``NOW`` with the clock stopped::

    @frozen
    class ListingTests(TestCase): ...

(``setUpTestData`` included), so a slow run can never let a minute pass between building
the data and asserting on it; a pytest test function takes the same decorator.
``in_days`` and ``in_minutes`` read the clock, frozen or not.
"""

import datetime as dt

import time_machine
from django.utils import timezone

from tests.factories import PARIS

# A Monday morning in Paris before every fixed date of the suite's rencontres (2030).
NOW = dt.datetime(2029, 11, 5, 10, 30, tzinfo=PARIS)


def frozen(test):
    """Run ``test`` (a test case class, a test function) at ``NOW``, the clock stopped."""
    return time_machine.travel(NOW, tick=False)(test)


def in_days(days, hour=14, tz=PARIS):
    """``days`` from now, at ``hour`` o'clock in ``tz`` (Paris time by default)."""
    value = timezone.localtime(timezone.now() + dt.timedelta(days=days), tz)
    return value.replace(hour=hour, minute=0, second=0, microsecond=0)


def in_minutes(minutes):
    return timezone.now() + dt.timedelta(minutes=minutes)
