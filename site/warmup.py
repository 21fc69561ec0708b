"""What each app process loads before its first request, instead of during it.

Django and the libraries it uses load much lazily: the cache backend's module (django-
redis and redis-py), the URL patterns of each language, the translation catalogues,
the template engine's tag libraries and loaders, the locale formats, the session
serializer and the message storage, Pillow's image formats, the plugin's public
views. Each new app process (a deploy, gunicorn replacing a worker) then spent a third
of a second on its first page — on launch day, the requests queued behind it.
:func:`warm_up` loads them when the WSGI application is created
(``rencontres_site.wsgi``): nothing here opens a connection (the database and Redis
are reached by the first request, as before), and nothing that fails here stops the
process — the request that needs it loads it, as Django would.
"""

import logging
from importlib import import_module

logger = logging.getLogger(__name__)

#: Modules the pages import on their first request: the plugin's public views (the
#: calendar library behind them: a hundred modules).
FIRST_REQUEST_MODULES = ("rencontres.public.views",)


def _steps():
    from django.conf import settings
    from django.core.cache import caches
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import formats, translation
    from django.utils.module_loading import import_string
    from django.utils.translation import trans_real

    def cache_backends():
        for alias in settings.CACHES:
            # The backend and its client (django-redis: serializer, compressor, pool
            # factory); connections are opened by the first command.
            getattr(caches[alias], "client", None)

    def languages():
        resolver = get_resolver()
        for code, _name in settings.LANGUAGES:
            trans_real.translation(code)
            with translation.override(code):
                resolver._populate()  # i18n_patterns: one set of patterns per language
                formats.get_format_modules(code)

    def templates():
        for engine in engines.all():
            inner = getattr(engine, "engine", None)
            if inner is not None:
                inner.template_libraries  # noqa: B018 - loads every {% load %} library
                inner.template_loaders  # noqa: B018
                inner.template_context_processors  # noqa: B018 - imports them

    def sessions_and_messages():
        import_string(settings.SESSION_SERIALIZER)
        import_module(settings.SESSION_ENGINE)
        import_string(settings.MESSAGE_STORAGE)

    def modules():
        # Pillow registers its image formats on the first image opened (renditions).
        from PIL import Image

        Image.init()
        for name in FIRST_REQUEST_MODULES:
            import_module(name)

    return [cache_backends, languages, templates, sessions_and_messages, modules]


def warm_up():
    """Load what the first request would (see the module's documentation)."""
    for step in _steps():
        try:
            step()
        except Exception:  # noqa: BLE001 - the first request will load it, or say why
            logger.warning("warm-up step %s failed", step.__name__, exc_info=True)
