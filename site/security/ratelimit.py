"""Fixed-window counters in the default cache, shared by every app process.

A cache that is down never blocks a request: the counter then reads zero (the
limit is lifted rather than the site broken), and the failure is logged.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


class RateLimit:
    """At most ``limit`` hits per ``window`` seconds per key, under ``name``."""

    def __init__(self, name, limit, window):
        self.name = name
        self.limit = limit
        self.window = window

    def _key(self, key):
        return f"ratelimit:{self.name}:{key}"

    def count(self, key):
        try:
            return int(cache.get(self._key(key), 0))
        except Exception:  # a cache outage lifts the limit, it never raises
            logger.warning("rate limit %s: cache unavailable", self.name, exc_info=True)
            return 0

    def exceeded(self, key):
        return self.count(key) >= self.limit

    def hit(self, key):
        """Count one hit; returns the count in the current window."""
        cache_key = self._key(key)
        try:
            if cache.add(cache_key, 1, timeout=self.window):
                return 1
            return cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.set(cache_key, 1, timeout=self.window)
            return 1
        except Exception:
            logger.warning("rate limit %s: cache unavailable", self.name, exc_info=True)
            return 0

    def reset(self, key):
        try:
            cache.delete(self._key(key))
        except Exception:
            logger.warning("rate limit %s: cache unavailable", self.name, exc_info=True)
