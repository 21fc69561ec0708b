"""The shared cache: Redis through django-redis and the breaker of
``rencontres_site.cache``, and pages that never depend on it.

With Redis refused (nothing listening) or hung (a server that accepts connections and
never answers), every public route — pages, filters, search, the history, calendars,
feeds, open data, the sitemap, every API v2 and v3 route — answers exactly what it
answers with Redis up. The hung server counts the connections it accepted: one for the
whole run, so no request waited more than one socket timeout, and one log line.
"""

import json
import logging
import time

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.utils import timezone
from rencontres_site.api import api_v2_urls, api_v3_urls

from rencontres.faults import forget_outages
from tests.factories import RencontrePageFactory, build_site, departement, publish
from tests.security.test_api_private import PARAMETER, routes

from .servers import HungServer, free_port

pytestmark = pytest.mark.django_db

TITLE = "Atelier territorial Vallée du Gier"
#: The site's own URLs, before the API's, in :func:`public_urls`.
SITE_URLS = 17


def redis_cache(url, retry_after=60):
    """The production settings' cache (base.py with REDIS_URL) at ``url``."""
    return {
        "default": {
            "BACKEND": "rencontres_site.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "rencontres",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
                "RETRY_AFTER": retry_after,
            },
        }
    }


@pytest.fixture
def rencontre():
    _home, index = build_site()
    page = RencontrePageFactory(parent=index, title=TITLE, departement=departement("42"))
    publish(page)
    return publish(page, venue="Salle Jean Jaurès")  # a second version: a history


@pytest.fixture(autouse=True)
def quiet_logs():
    forget_outages()
    yield
    forget_outages()


def public_urls(page):
    """Every public GET route: the site's, then every API v2 and v3 route."""
    index = page.get_parent().url
    urls = [
        "/",
        "/en/",
        index,
        f"{index}?departement=42",
        f"{index}?q=Gier",
        page.url,
        f"{page.url}agenda.ics",
        f"{page.url}changements/",
        f"{page.url}changements/2/",
        f"{page.url}changements/feed/",
        f"{index}agenda.ics",
        f"{index}flux/",
        f"{index}flux/atom/",
        f"{index}donnees.csv",
        f"{index}donnees.json",
        "/sitemap.xml",
        "/robots.txt",
    ]
    assert len(urls) == SITE_URLS
    values = {"type_name": "rencontres.RencontrePage", "type": "rencontres.Organisation"}
    for route in routes(api_v2_urls[0], "/api/v2/") + routes(api_v3_urls[0], "/api/v3/"):
        url = PARAMETER.sub(lambda m: values.get(m.group(1), str(page.pk)), route)
        urls.append(url.replace("/changes/1/", "/changes/2/"))
        if url.endswith(("/rencontres/", "/pages/")):
            urls.append(f"{url}?search=Gier&departement=42")
    return urls


def visit(urls):
    """(status, body) of every URL, for a new visitor."""
    client = Client()
    answers = {}
    for url in urls:
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        answers[url] = (response.status_code, body)
    return answers


def test_pages_keep_what_they_cache_in_redis(client, settings, redis_url, redis_server, rencontre):
    settings.CACHES = redis_cache(redis_url)

    response = client.get(rencontre.url)

    assert response.status_code == 200
    keys = {key.decode() for key in redis_server.client().keys("*")}
    assert "rencontres:2:wagtail_site_root_paths" in keys  # Wagtail keys it at version 2


def test_every_public_route_answers_the_same_with_redis_refused_or_hung(
    settings, redis_url, rencontre, caplog
):
    urls = public_urls(rencontre)
    # One instant for every round: the change log's answers depend on the time.
    with time_machine.travel(timezone.now(), tick=False):
        settings.CACHES = redis_cache(redis_url)
        expected = visit(urls)
        settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
        with caplog.at_level(logging.WARNING):
            refused = visit(urls)
        refused_logs = [r for r in caplog.records if r.name == "rencontres_site.cache"]
        caplog.clear()
        with HungServer() as hung:
            settings.CACHES = redis_cache(hung.url)
            with caplog.at_level(logging.WARNING):
                silent = visit(urls)
            connections = hung.connections
        hung_logs = [r for r in caplog.records if r.name == "rencontres_site.cache"]

    # Every page and file of the site, and the public API reads, answer 200; the API's
    # other routes (tokens, writes) answer what they answer, the same in every round.
    answered = {url for url, (status, _body) in expected.items() if status == 200}
    assert set(urls[:SITE_URLS]) <= answered
    assert len(answered) > 35
    assert TITLE in expected[rencontre.url][1].decode()
    assert json.loads(expected["/api/v3/rencontres/"][1])["items"][0]["title"] == TITLE
    assert "BEGIN:VEVENT" in expected[f"{rencontre.url}agenda.ics"][1].decode()
    for url in urls:
        assert refused[url] == expected[url], url
        assert silent[url] == expected[url], url
    # The hung server was waited for once (one socket timeout), not once per operation.
    assert connections == 1
    assert len(refused_logs) == 1
    assert len(hung_logs) == 1
    assert "cache unreachable" in hung_logs[0].getMessage()


def test_redis_is_tried_again_after_retry_after(client, settings, redis_server, rencontre):
    """After a failure the process leaves Redis alone for RETRY_AFTER seconds, then uses
    it again: a Redis back from an outage serves the cache without restarting the app."""
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0", retry_after=60)
    assert client.get(rencontre.url).status_code == 200
    assert caches["default"].breaker.is_open()  # Redis refused: the breaker opened

    redis_server.client().flushall()
    settings.CACHES = redis_cache(redis_server.url, retry_after=60)
    cache = caches["default"]
    cache.breaker.trip()  # this process has just seen Redis fail
    cache.set("probe", "pendant", 60)
    assert redis_server.client().exists("rencontres:1:probe") == 0  # skipped, no wait
    cache.breaker.retry_after = 0.2
    cache.breaker.trip()
    time.sleep(0.3)  # the breaker's time is over
    cache.set("probe", "après", 60)
    assert cache.get("probe") == "après"
    assert redis_server.client().exists("rencontres:1:probe") == 1
