"""Production: every secret comes from the environment; refuses to start without them."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, MIDDLEWARE, STORAGES, TASK_QUEUES, env_bool

DEBUG = False

# --- Required environment -----------------------------------------------------------
REQUIRED_VARIABLES = {
    "SECRET_KEY": "a long random string",
    "ALLOWED_HOSTS": "comma-separated host names",
    "REDIS_URL": "the shared cache, redis://host:6379/0 (Redis or Valkey)",
    "WAGTAILADMIN_BASE_URL": "the site's public address, for links in e-mails",
    "WAGTAILAPI_BASE_URL": "the API's public address, for URLs in API responses",
}
_missing = [
    name
    for name in REQUIRED_VARIABLES
    if not (ALLOWED_HOSTS if name == "ALLOWED_HOSTS" else os.environ.get(name, "").strip())
]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: {} ({}).".format(
            ", ".join(_missing),
            "; ".join(f"{name}: {REQUIRED_VARIABLES[name]}" for name in _missing),
        )
    )

# --- HTTPS and security headers -----------------------------------------------------
# The proxy header (BEHIND_HTTPS_PROXY), framing, nosniff and referrer policy are set
# for every environment in base.py (security).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers probe the health checks over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
# SECURE_COOKIES=0 only for `make serve` on http://127.0.0.1 (never behind a real host).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# --- Production stack: static files -------------------------------------------------
# WhiteNoise serves what `collectstatic` wrote: hashed names, gzip and brotli copies,
# cached for a year and immutable (rencontres_site.middleware).
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
MIDDLEWARE = [
    *MIDDLEWARE[: _security + 1],
    "rencontres_site.middleware.StaticFilesMiddleware",
    *MIDDLEWARE[_security + 1 :],
]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Production stack: tasks --------------------------------------------------------
# Queued in the database (django-tasks-db), run by `manage.py db_worker` processes.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": TASK_QUEUES,
    }
}
