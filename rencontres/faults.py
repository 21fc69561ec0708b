"""Degrading rather than breaking when a dependency fails: quiet logs, guarded cache.

An outage (the cache, the media storage, the database) fails hundreds of requests a
minute; a traceback for each buries everything else in the logs. :func:`log_outage`
logs one line per *cause* at most once a minute per process, saying how many failures
it left out since.

The plugin's own cache reads and writes go through :func:`cache_get` and
:func:`cache_set`: a cache that raises (a backend that does not ignore its errors, as
Django's own ``RedisCache`` does not) costs the cached value, never the page.
"""

import logging
import threading
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

#: Seconds between two log lines of the same cause.
QUIET_SECONDS = 60

_lock = threading.Lock()
#: cause → (monotonic time of the last line, failures left out since).
_seen = {}
#: Failures noted since the process started, logged or not (:func:`outages_noted`).
_noted = 0


def outages_noted():
    """How many failures :func:`log_outage` was told of in this process: what was
    rendered while it grew went without something (an image, a cached value) and is
    not kept (:func:`rencontres.fragments.memo_html`)."""
    return _noted


def log_outage(log, cause, message, *args, error=None, level=logging.ERROR):
    """Log ``message % args`` (with ``error``'s type and text) for ``cause``, unless a
    line of that cause was written less than :data:`QUIET_SECONDS` ago; then only
    count it. Returns whether a line was written."""
    global _noted
    now = time.monotonic()
    with _lock:
        _noted += 1
        last, skipped = _seen.get(cause, (None, 0))
        if last is not None and now - last < QUIET_SECONDS:
            _seen[cause] = (last, skipped + 1)
            return False
        _seen[cause] = (now, 0)
    text = message % args if args else message
    if error is not None:
        text = f"{text}: {type(error).__name__}: {error}".rstrip()
    if skipped:
        text = f"{text} ({skipped} more since the last report)"
    log.log(level, "%s [%s]", text, cause)
    return True


def forget_outages():
    """Start every cause afresh (tests)."""
    with _lock:
        _seen.clear()


def cache_get(key, default=None):
    """``cache.get(key, default)``; ``default`` when the cache fails."""
    try:
        return cache.get(key, default)
    except Exception as error:  # any backend's failure: the value is recomputed
        log_outage(logger, "cache", "cache unavailable, read skipped", error=error)
        return default


def cache_set(key, value, timeout):
    """``cache.set(key, value, timeout)``; nothing when the cache fails."""
    try:
        cache.set(key, value, timeout)
    except Exception as error:  # any backend's failure: the value is simply not kept
        log_outage(logger, "cache", "cache unavailable, write skipped", error=error)
