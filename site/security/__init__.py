"""The project's security plumbing (README « Sécurité »).

- :mod:`.clientip`: the visitor's address, read from ``X-Forwarded-For`` only when the
  request comes from a trusted proxy (``TRUSTED_PROXIES``);
- :mod:`.ratelimit`: fixed-window counters in the cache;
- :mod:`.csp`: the Content-Security-Policy of public pages and of the admin, and the
  report endpoint;
- :mod:`.logins`: django-axes wiring (throttled admin logins, French lock-out page) and
  the throttled password form of private pages;
- :mod:`.sessions`: signed-in sessions end after an idle time.
"""
