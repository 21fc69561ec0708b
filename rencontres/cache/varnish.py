"""Purge Varnish (deploy/varnish/rencontres.vcl) by surrogate key and by URL.

One ``PURGE`` request carries both: ``xkey-purge`` (space-separated keys, dropped at
once with the xkey vmod) and ``x-ban-url`` (a regular expression on the path: Varnish
bans the objects it matches). Each request has a timeout and raises on any failure,
so that the purge task tries again.

:class:`VarnishBackend` is also a backend of ``wagtail.contrib.frontend_cache`` for a
project that keeps Wagtail's own purges: its single URLs become bans of those paths::

    WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "rencontres.cache.varnish.VarnishBackend",
            "LOCATION": "http://127.0.0.1:8080/",
        }
    }
"""

import logging
import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from wagtail.contrib.frontend_cache.backends.base import BaseBackend

logger = logging.getLogger(__name__)

#: Varnish's ban parser splits on white space; paths in a ban never contain any.
_NO_SPACE = re.compile(r"^\S+$")


class PurgeError(Exception):
    """Varnish did not confirm a purge (unreachable, timed out, refused)."""


def path_pattern(paths, *, prefix=True):
    """A regular expression matching ``paths`` (and what is under them when
    ``prefix``), with or without their query string."""
    escaped = sorted({re.escape(path) for path in paths if path})
    if not escaped:
        return ""
    alternatives = "|".join(escaped)
    return f"^({alternatives})" if prefix else f"^({alternatives})(\\?.*)?$"


class VarnishBackend(BaseBackend):
    """One Varnish: ``LOCATION`` (its address) and ``TIMEOUT`` (seconds, default 5)."""

    def __init__(self, params):
        super().__init__(params)
        self.location = params["LOCATION"]
        self.timeout = float(params.get("TIMEOUT", 5))

    def send(self, *, keys=(), ban=""):
        """Drop the objects keyed ``keys`` and ban those whose path matches ``ban``;
        returns how many objects the keys dropped."""
        headers = {}
        if keys:
            headers["xkey-purge"] = " ".join(sorted(set(keys)))
        if ban:
            if not _NO_SPACE.match(ban):
                raise ValueError(f"a ban pattern has no white space: {ban!r}")
            headers["x-ban-url"] = ban
        if not headers:
            return 0
        request = urllib.request.Request(  # noqa: S310 (the configured cache's address)
            self.location, method="PURGE", headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                reason = response.reason or ""
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise PurgeError(f"{self.location}: {error}") from error
        logger.info("Purged %s: keys %s, ban %s (%s)", self.location, keys, ban, reason)
        match = re.search(r"(\d+)", reason)
        return int(match.group(1)) if match else 0

    # -- wagtail.contrib.frontend_cache -------------------------------------------------

    def purge(self, url):
        self.purge_batch([url])

    def purge_batch(self, urls):
        paths = [urlsplit(url).path or "/" for url in urls]
        self.send(ban=path_pattern(paths, prefix=False))
