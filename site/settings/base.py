"""Settings shared by every environment, driven by environment variables.

``dev``, ``test`` and ``production`` import everything from here and change
only what differs.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _
from wagtail.embeds.oembed_providers import dailymotion, vimeo, youtube

from rencontres.queues import QUEUES as TASK_QUEUES

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "rencontres_site",  # the project's operations commands (backup, restore)
    "home",
    "rencontres",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.api.v2",
    "wagtail.api.v3",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
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
    "rest_framework",
    "ninja",  # API v3's docs page served with local assets, not from a CDN
    "corsheaders",
    "axes",
    "csp",
    "dsfr",
    "widget_tweaks",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # The open-data files of the current publication, answered before the rest of the
    # stack (it replays the headers the middleware below added when it kept them).
    "rencontres.public.opendata.OpenDataMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Fragments kept until the next publication (rencontres/fragments.py), and the
    # request's site: before anything that routes pages.
    "rencontres.fragments.GenerationMiddleware",
    "rencontres_site.security.csp.ContentSecurityPolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Cache-Control, keys and 304 for the shared cache (outside sessions, locale, CSRF).
    "rencontres.cache.middleware.SharedCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rencontres_site.security.sessions.AdminIdleTimeoutMiddleware",
    # An admin form beyond the limits below: a French page, not a bare 400.
    "rencontres.admin.middleware.AdminRequestLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "rencontres_site.urls"

# The admin's StreamField forms send about four fields per list item and five per
# block: a description of 500 section items in 50 blocks is some 2,300 fields, beyond
# Django's default of 1,000. 10,000 leaves room for a long report beside it; what
# still exceeds it gets a French page (rencontres.admin.middleware).
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FIELDS", "10000"))

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "rencontres.context_processors.site_config",
            ],
        },
    },
]

WSGI_APPLICATION = "rencontres_site.wsgi.application"

# SQLite is the embedded default of `make run`; the test suite and production use
# PostgreSQL through DATABASE_URL.
# Connections kept CONN_MAX_AGE seconds are checked before each request reuses them
# (CONN_HEALTH_CHECKS), so that the app recovers by itself when PostgreSQL restarts.
# DATABASE_STATEMENT_TIMEOUT (seconds, 0: none) bounds every query on PostgreSQL: a
# runaway query is cancelled (the visitor gets the 503 page) rather than holding a
# worker and a connection.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
DATABASE_STATEMENT_TIMEOUT = float(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30"))
if DATABASES["default"]["ENGINE"].endswith("postgresql") and DATABASE_STATEMENT_TIMEOUT > 0:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={int(DATABASE_STATEMENT_TIMEOUT * 1000)}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: French is the source, every other one a translation target. A third
# language is this setting (or the LANGUAGES environment variable) plus its catalogue.
# French msgids like every interface string; a language without a name here gets Django's.
LANGUAGE_NAMES = {"fr": _("Français"), "en": _("Anglais")}
LANGUAGE_CODE = "fr"
LANGUAGES = [
    (
        code,
        LANGUAGE_NAMES[code]
        if code in LANGUAGE_NAMES
        else LANG_INFO.get(code, {}).get("name", code),
    )
    for code in env_list("LANGUAGES", "fr,en")
]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# The demo's catalogue (home/, site/, templates/); the plugin's, rencontres/locale/, is an
# app catalogue Django finds by itself. This one wins where both translate a string.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "/static/"
# Django's finders, then the DSFR stylesheet of the public pages, built from django-dsfr's
# (home/dsfr_css.py: home/dsfr-site.css).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "home.dsfr_css.DsfrSubsetFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# --- Production stack: media on S3-compatible storage ----------------------------------
# When AWS_STORAGE_BUCKET_NAME is set, media (images, documents, uploads) go to that
# bucket through django-storages, on any S3-compatible service (AWS_S3_ENDPOINT_URL);
# keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Objects are private except
# images (rencontres_site.storage); documents are served by Django after Wagtail's
# privacy checks, never from the bucket.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "rencontres_site.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "object_acls": env_bool("AWS_S3_OBJECT_ACLS", True),
            # Seconds to connect (twice that to read) before the storage counts as down.
            "timeout": float(os.environ.get("AWS_S3_TIMEOUT", "3")),
        },
    }
    WAGTAILDOCS_SERVE_METHOD = "serve_view"

WAGTAIL_SITE_NAME = "Les rencontres locales"
# Wagtail 8's login form leaves its password label untranslated; this one fixes it.
WAGTAILADMIN_USER_LOGIN_FORM = "home.forms.LoginForm"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILAPI_BASE_URL = os.environ.get("WAGTAILAPI_BASE_URL", WAGTAILADMIN_BASE_URL)
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILAPI_SEARCH_ENABLED = True

WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # PostgreSQL: French stemming without accents ("vallee" finds "Vallée"), created
        # by rencontres' migration 0003. Other databases ignore it.
        "SEARCH_CONFIG": "french_unaccent",
    }
}

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
# Seconds shared caches and browsers may keep the API's public responses (ETag too).
RENCONTRES_API_CACHE_MAX_AGE = int(os.environ.get("API_CACHE_MAX_AGE", "300"))
# The HTTP cache in front (Varnish, README « HTTP cache »): what browsers and the shared
# cache may keep (seconds), and the caches each change purges (comma-separated URLs).
RENCONTRES_CACHE_MAX_AGE = int(os.environ.get("CACHE_MAX_AGE", "60"))
RENCONTRES_CACHE_SHARED_MAX_AGE = int(os.environ.get("CACHE_SHARED_MAX_AGE", "600"))
RENCONTRES_CACHE_PURGE_URLS = env_list("CACHE_PURGE_URLS")
RENCONTRES_CACHE_PURGE_TIMEOUT = float(os.environ.get("CACHE_PURGE_TIMEOUT", "5"))
# django-dsfr's header and footer configuration is on every page.
RENCONTRES_CACHE_PURGE_ALL_MODELS = ["dsfr.DsfrConfig"]
# Seconds before an event is listed by the API's change log (and its cache lifetime).
RENCONTRES_CHANGES_SETTLE_SECONDS = int(os.environ.get("CHANGES_SETTLE_SECONDS", "5"))
# The demo keeps the listing of rencontres under its home page.
RENCONTRES_INDEX_PARENT_PAGE_TYPES = ["home.HomePage"]
# Maps and distances (README « Map and distances »): the geocoder of addresses (off
# unless set, e.g. https://api-adresse.data.gouv.fr), the tile server of the maps (its
# origin is added to the CSP's img-src below) and its attribution.
RENCONTRES_GEOCODER_URL = os.environ.get("GEOCODER_URL", "")
RENCONTRES_MAP_TILES_URL = os.environ.get(
    "MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
if os.environ.get("MAP_TILES_ATTRIBUTION"):
    RENCONTRES_MAP_TILES_ATTRIBUTION = os.environ["MAP_TILES_ATTRIBUTION"]


def tiles_origin(url):
    """The CSP source of a Leaflet tile URL template: its origin, « {s} » subdomains as
    a wildcard (https://{s}.tile.example.org/… → https://*.tile.example.org)."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# Webhooks and the Decidim URL import may reach these non-public networks (a partner on
# the private network; a local receiver while developing).
RENCONTRES_OUTBOUND_ALLOWED_NETWORKS = env_list("OUTBOUND_ALLOWED_NETWORKS")
# Headless preview: the front end page that shows a draft (every site and language).
RENCONTRES_PREVIEW_FRONTEND_URLS = (
    {"*": {"*": os.environ["PREVIEW_FRONTEND_URL"]}}
    if os.environ.get("PREVIEW_FRONTEND_URL")
    else {}
)
CORS_URLS_REGEX = r"^/api/.*$"

# --- Production stack: cache, sessions, tasks ------------------------------------------
# The cache is shared by every app process: Redis or Valkey at REDIS_URL (required in
# production), else this process's memory. A cache that is down or slow must never
# fail a page (Wagtail keeps the sites' root paths there): django-redis ignores its
# errors and gives up after REDIS_TIMEOUT seconds, and after a failure the process
# leaves Redis alone for REDIS_RETRY_AFTER seconds (rencontres_site.cache), so that a
# request waits one timeout at most; failures are logged once a minute.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    }
}
if os.environ.get("REDIS_URL"):
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.5"))
    CACHES["default"] = {
        "BACKEND": "rencontres_site.cache.ResilientRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "rencontres"),
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_TIMEOUT,
            "IGNORE_EXCEPTIONS": True,
            "RETRY_AFTER": float(os.environ.get("REDIS_RETRY_AFTER", "5")),
        },
    }
    # Logged by rencontres_site.cache, once a minute per cause rather than per operation.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False

# /readyz/ reports "degraded" when a task has been due for longer (seconds).
HEALTH_TASK_MAX_WAIT = int(os.environ.get("HEALTH_TASK_MAX_WAIT", "600"))

# Sessions live in the database, shared by every app process.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Django's tasks API (django-tasks). Here tasks run at once, in the process that enqueues
# them (`make run`); production.py queues them in the database for `db_worker`.
# Wagtail enqueues its index updates and purges on the "default" queue; the plugin's
# queues are in rencontres.queues.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": TASK_QUEUES,
    }
}

# Machine translation in wagtail-localize's editor: DeepL (DEEPL_API_KEY) or LibreTranslate
# (LIBRETRANSLATE_URL, LIBRETRANSLATE_API_KEY) when configured, else the harmless
# built-in dummy translator (it reverses the words) for development and tests.
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
    "CLASS": "wagtail_localize.machine_translators.dummy.DummyTranslator",
    "OPTIONS": {},
}
if os.environ.get("DEEPL_API_KEY"):
    WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": "wagtail_localize.machine_translators.deepl.DeepLTranslator",
        "OPTIONS": {"AUTH_KEY": os.environ["DEEPL_API_KEY"]},
    }
elif os.environ.get("LIBRETRANSLATE_URL"):
    WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": "wagtail_localize.machine_translators.libretranslate.LibreTranslator",
        "OPTIONS": {
            "LIBRETRANSLATE_URL": os.environ["LIBRETRANSLATE_URL"].rstrip("/"),
            "API_KEY": os.environ.get("LIBRETRANSLATE_API_KEY", ""),
        },
    }
# "Traduire" on a live page creates a draft translation: it goes live when a translator
# publishes it, never with the untranslated source text.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


# -- security -------------------------------------------------------------------------
# README « Sécurité »: proxies, logins, sessions, editors' HTML, embeds, CSP.

# Reverse proxies (Varnish on this machine) whose X-Forwarded-For is believed, as
# addresses or networks; from any other peer the header is ignored
# (rencontres_site.security.clientip).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# Only when a proxy in front terminates TLS and overwrites X-Forwarded-Proto on every
# request: otherwise a client could claim HTTPS with that header.
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Wagtail's preview frames the page from the admin: same origin only (CSP frame-ancestors
# says the same to browsers that read it).
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]  # SAMEORIGIN on purpose: the preview
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No request from editors' browsers to third parties: the dashboard's version check,
# Gravatar avatars (a hash of each editor's e-mail).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Admin logins (django-axes): AXES_FAILURE_LIMIT failures per user name and per client
# address lock both for AXES_COOLOFF_TIME; an administrator can lift it in the admin.
AUTHENTICATION_BACKENDS = [
    "rencontres_site.security.logins.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the failures counted: rows are kept per name *and* address, so
# a reset would let someone with one valid account clear the count against another.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "rencontres_site.security.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "rencontres_site.security.logins.lockout_response"
AXES_ENABLE_ADMIN = False  # the Django admin is not mounted; locks are managed in Wagtail's
AXES_VERBOSE = False
# Private pages' password form: failures per client address and per restriction.
PAGE_PASSWORD_THROTTLE = {"per_address": 10, "per_restriction": 100, "window": 15 * 60}

# Signed-in (admin) sessions end after this many idle seconds.
ADMIN_SESSION_IDLE_TIMEOUT = int(os.environ.get("ADMIN_SESSION_IDLE_TIMEOUT", str(12 * 3600)))
SESSION_COOKIE_AGE = ADMIN_SESSION_IDLE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True

# django-dsfr renders its configuration's HTML fields unescaped unless told otherwise:
# the site configuration is text (templates keep its line breaks).
DSFR_CONTENT_IS_SAFE = False

# Embeds: iframe-based providers only (no provider whose oEmbed HTML is a script), and
# the CSP's frame-src lists exactly their players.
WAGTAILEMBEDS_FINDERS = [
    {"class": "wagtail.embeds.finders.oembed", "providers": [youtube, vimeo, dailymotion]}
]
EMBED_FRAME_SOURCES = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://www.dailymotion.com",
    "https://geo.dailymotion.com",
]

# Content-Security-Policy (django-csp; rencontres_site.security.csp). The public site
# runs no inline script: its policy needs no nonce, so cached pages are the same bytes
# for everyone. Environment: CSP_IMG_SOURCES adds image origins (an S3 media domain; the
# map tiles' origin, from MAP_TILES_URL, is added by itself); CSP_REPORT_URI sends
# violation reports (/csp-report/ is the project's endpoint).
CONTENT_SECURITY_POLICY_REPORT_URI = os.environ.get("CSP_REPORT_URI", "")
_csp_report = (
    {"report-uri": [CONTENT_SECURITY_POLICY_REPORT_URI]}
    if CONTENT_SECURITY_POLICY_REPORT_URI
    else {}
)
_csp_img = ["'self'", "data:", *env_list("CSP_IMG_SOURCES")]
if tiles_origin(RENCONTRES_MAP_TILES_URL):
    _csp_img.append(tiles_origin(RENCONTRES_MAP_TILES_URL))
_csp_strict = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": _csp_img,
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "frame-src": EMBED_FRAME_SOURCES,
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
    **_csp_report,
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_strict}
# The admin (Wagtail 8.0.1, wagtail-localize 1.14) still has inline scripts and style
# attributes: enforced without them, and the strict policy reported only.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **_csp_strict,
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": [*_csp_img, "blob:"],
        "frame-src": ["'self'", *EMBED_FRAME_SOURCES],
    }
}
CONTENT_SECURITY_POLICY_ADMIN_REPORT_ONLY = {
    "DIRECTIVES": {
        **_csp_strict,
        "img-src": [*_csp_img, "blob:"],
        "frame-src": ["'self'", *EMBED_FRAME_SOURCES],
    }
}
CSP_REPORTS_PER_MINUTE = 60
