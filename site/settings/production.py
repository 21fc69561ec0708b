"""Production: every secret comes from the environment; refuses to start without them."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, env_bool

DEBUG = False

_required = (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
_missing = [name for name, value in _required if not value]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: {} "
        "(SECRET_KEY: a long random string; ALLOWED_HOSTS: comma-separated host names).".format(
            ", ".join(_missing)
        )
    )

# -- security: the proxy header (BEHIND_HTTPS_PROXY), framing, nosniff and referrer
# policy are set for every environment in base.py.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    },
}
