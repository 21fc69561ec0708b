"""rencontres.faults: outages logged once a minute per cause; the plugin's own cache
reads and writes survive a cache backend that raises (Django's own RedisCache, which
has no IGNORE_EXCEPTIONS, pointed at a port where nothing listens)."""

import logging
import time

import pytest
from django.core.cache import caches
from redis.exceptions import RedisError

from rencontres import faults
from rencontres.history.computed import ComputedHistory, computed_last_version
from tests.factories import RencontrePageFactory, build_site, publish
from tests.production.servers import free_port

logger = logging.getLogger("tests.faults")


@pytest.fixture(autouse=True)
def fresh():
    faults.forget_outages()
    yield
    faults.forget_outages()


def test_an_outage_is_logged_once_a_minute_per_cause(caplog, monkeypatch):
    monkeypatch.setattr(faults, "QUIET_SECONDS", 0.2)
    with caplog.at_level(logging.ERROR, logger="tests.faults"):
        written = [
            faults.log_outage(logger, "redis", "cache down", error=TimeoutError("5 s")),
            faults.log_outage(logger, "redis", "cache down"),
            faults.log_outage(logger, "database", "database down"),
            faults.log_outage(logger, "redis", "cache down"),
        ]
        time.sleep(0.25)  # the quiet period (a minute in production) is over
        written.append(faults.log_outage(logger, "redis", "cache down"))

    assert written == [True, False, True, False, True]
    assert [record.getMessage() for record in caplog.records] == [
        "cache down: TimeoutError: 5 s [redis]",
        "database down [database]",
        "cache down (2 more since the last report) [redis]",
    ]


@pytest.mark.django_db
def test_the_history_is_computed_under_a_cache_that_raises(settings):
    _home, index = build_site()
    page = RencontrePageFactory(parent=index, title="Atelier territorial Vallée du Gier")
    publish(page)
    page = publish(page, venue="Salle Jean Jaurès")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    with pytest.raises(RedisError):  # this backend does raise
        caches["default"].get("rencontres-probe")

    assert faults.cache_get("rencontres-probe", "absent") == "absent"
    faults.cache_set("rencontres-probe", 1, 60)  # nothing raised
    history = ComputedHistory(page, public=True)
    assert [version.number for version in history.versions] == [1, 2]
    latest = computed_last_version(page)
    assert (latest.number, latest.total) == (2, 2)
