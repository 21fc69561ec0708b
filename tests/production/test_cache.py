"""The shared cache: Redis through django-redis, and pages that never depend on it."""

import pytest

from tests.factories import RencontrePageFactory, build_site

from .servers import free_port, silent_server

pytestmark = pytest.mark.django_db


def redis_cache(url):
    """The production settings' cache (base.py with REDIS_URL) at ``url``."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "rencontres",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }


@pytest.fixture
def rencontre():
    _home, index = build_site()
    return RencontrePageFactory(parent=index, title="Atelier territorial Vallée du Gier")


def test_pages_keep_what_they_cache_in_redis(client, settings, redis_url, redis_server, rencontre):
    settings.CACHES = redis_cache(redis_url)

    response = client.get(rencontre.url)

    assert response.status_code == 200
    keys = {key.decode() for key in redis_server.client().keys("*")}
    assert "rencontres:2:wagtail_site_root_paths" in keys  # Wagtail keys it at version 2


@pytest.mark.parametrize("redis", ["refused", "silent"])
def test_pages_are_served_while_redis_is_down(client, settings, rencontre, redis):
    """Wagtail reads the sites' root paths from the cache on every page: a Redis that
    refuses connections or never answers costs at most its timeouts, never a 500."""
    if redis == "refused":
        settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
        responses = [client.get(rencontre.url), client.get("/")]
    else:
        with silent_server() as url:
            settings.CACHES = redis_cache(url)
            responses = [client.get(rencontre.url), client.get("/")]

    assert [response.status_code for response in responses] == [200, 200]
    assert "Atelier territorial Vallée du Gier" in responses[0].text
