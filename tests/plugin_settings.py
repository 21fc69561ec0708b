"""The plugin without the demo: Wagtail, the apps the README's « Install in your Wagtail
project » requires, and ``rencontres``; no ``home``, no ``rencontres_site``, none of the
demo's templates or middleware. The plugin's tests (marked ``plugin``) run here::

    pytest --ds=tests.plugin_settings -m plugin

(``make test`` does, after the demo's run). A French site translated into English, as
the plugin's users are; PostgreSQL from ``DATABASE_URL``, like the rest of the suite.
"""

import os
from pathlib import Path

import dj_database_url

import rencontres.queues

HERE = Path(__file__).resolve().parent

SECRET_KEY = "plugin-tests-only"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    # What the README adds to a `wagtail start` project...
    "rencontres",
    "wagtail_localize",
    "wagtail.contrib.routable_page",
    "wagtail.api.v2",
    "wagtail.api.v3",
    "rest_framework",
    "dsfr",
    # Optional: API v3's docs page with local assets (else from a CDN).
    "ninja",
    # ...and what such a project already has (without its home and search apps).
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Cache-Control with s-maxage, keys and 304 for a shared cache (README's install).
    "rencontres.cache.middleware.SharedCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "tests.plugin_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # A base.html like `wagtail start`'s, the only template a host must provide.
        "DIRS": [HERE / "plugin_templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.config(default="postgres:///rencontres")}
# Its own test database: the demo's (same server) has the demo's tables and pages.
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_plugin"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": rencontres.queues.QUEUES,
    }
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", HERE.parent / ".test-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "Les rencontres locales"
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILAPI_BASE_URL = "http://testserver"
WAGTAILAPI_LIMIT_MAX = 100  # the API tests page through 100 items, as the demo allows
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "french_unaccent",  # created by the plugin's migration 0003
    }
}
