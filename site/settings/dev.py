"""Local development: `make run`."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY

DEBUG = True
SECRET_KEY = SECRET_KEY or "django-insecure-dev-only-key-never-used-in-production"  # noqa: S105
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# -- security
# A production machine (DJANGO_ENV=production) never runs with these settings: DEBUG and a
# known secret key would expose it.
if os.environ.get("DJANGO_ENV", "").strip().lower() == "production":
    raise ImproperlyConfigured(
        "DJANGO_ENV=production: the development settings (rencontres_site.settings.dev) are "
        "refused; use DJANGO_SETTINGS_MODULE=rencontres_site.settings.production."
    )
