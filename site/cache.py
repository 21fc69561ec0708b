"""The shared cache (Redis or Valkey through django-redis), which never fails a page.

django-redis with ``IGNORE_EXCEPTIONS`` already answers a miss when Redis fails, but
each operation still waits for its timeout: a page that reads the cache five times
(Wagtail's site root paths, the history, the rate limits…) would wait five timeouts
behind a Redis that accepts connections and never answers. :class:`ResilientRedisCache`
adds a breaker: after a connection error or a timeout, this process leaves Redis alone
for ``RETRY_AFTER`` seconds (every operation answers a miss at once), then tries again.
A request therefore waits at most one socket timeout, and only one request per process
every ``RETRY_AFTER`` seconds does. Failures are logged once a minute per cause
(:func:`rencontres.faults.log_outage`), not once per operation.

Settings (``CACHES["default"]["OPTIONS"]``): django-redis's own, plus ``RETRY_AFTER``
(seconds, default 5).
"""

import logging
import socket
import threading
import time

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from rencontres.faults import log_outage

logger = logging.getLogger(__name__)

#: Errors that mean "Redis cannot be reached": they open the breaker.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, socket.timeout, OSError)


class Breaker:
    """Open (skip Redis) for ``retry_after`` seconds after a failure."""

    def __init__(self, retry_after):
        self.retry_after = retry_after
        self.open_until = 0.0
        self.lock = threading.Lock()

    def is_open(self):
        return time.monotonic() < self.open_until

    def trip(self):
        with self.lock:
            self.open_until = time.monotonic() + self.retry_after

    def close(self):
        self.open_until = 0.0


class _GuardedClient:
    """The django-redis client, whose calls fail at once while the breaker is open and
    open it when Redis cannot be reached."""

    def __init__(self, client, breaker):
        self._client = client
        self._breaker = breaker

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if name.startswith("_") or not callable(attribute):
            return attribute

        def call(*args, **kwargs):
            if self._breaker.is_open():
                raise ConnectionInterrupted(connection=None) from RedisConnectionError(
                    "Redis skipped for a few seconds after a failure"
                )
            try:
                return attribute(*args, **kwargs)
            except ConnectionInterrupted as interrupted:
                cause = interrupted.__cause__
                if isinstance(cause, UNREACHABLE):
                    self._breaker.trip()
                    log_outage(
                        logger,
                        f"redis:{type(cause).__name__}",
                        "cache unreachable, pages served without it for %ss",
                        self._breaker.retry_after,
                        error=cause,
                    )
                else:
                    log_outage(logger, f"redis:{type(cause).__name__}", "cache error", error=cause)
                raise

        return call


class ResilientRedisCache(RedisCache):
    """django-redis's ``RedisCache`` with a breaker (see the module's docstring)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = Breaker(retry_after)

    @property
    def client(self):
        if self._client is None:
            self._client = _GuardedClient(
                self._client_cls(self._server, self._params, self), self.breaker
            )
        return self._client
