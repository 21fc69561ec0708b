"""Django system checks: what a host project must provide for the plugin to work.

Registered by :meth:`rencontres.apps.RencontresConfig.ready`; ``manage.py check`` (and
every ``runserver`` or ``migrate``) reports each problem with the app or setting to
change. The README's « Install in your Wagtail project » lists the same contract.

=================  =========================================================================
rencontres.E001    an app the plugin needs is missing from ``INSTALLED_APPS``
rencontres.E002    ``RENCONTRES_INDEX_PARENT_PAGE_TYPES`` names something that is not a page
rencontres.E003    a ``RENCONTRES_*`` setting has a value of the wrong kind
rencontres.E004    the task backend does not accept the plugin's queues (``TASKS``)
rencontres.E005    no ``base.html`` template for ``rencontres/base.html`` to extend
rencontres.E006    that ``base.html`` has no ``content`` block (the pages would be empty)
rencontres.W001    a ``RENCONTRES_*`` setting the plugin does not know (a typo?)
rencontres.W002    ``OpenDataMiddleware`` not first in ``MIDDLEWARE``, or without
                   ``GenerationMiddleware`` (it would then keep nothing)
rencontres.W003    ``rencontres.urls`` not in the URLconf (agenda.ics, donnees.csv|json and
                   carte.geojson answer 404)
rencontres.W004    an API of the plugin not in the URLconf (or
                   ``RENCONTRES_API_DETAIL_URL_NAME`` naming no URL)
rencontres.W005    that ``base.html`` lacks another block the pages fill (``meta``...)
=================  =========================================================================

E001 and E004 are also checked by :meth:`~rencontres.apps.RencontresConfig.ready`, before
the plugin imports anything: without those apps or queues its imports, or Wagtail's
checks of its models, would fail while Django starts, with a message about something
else. It raises :exc:`~django.core.exceptions.ImproperlyConfigured` with their text.
"""

import difflib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.template.loader_tags import BlockNode, ExtendsNode
from django.urls import NoReverseMatch, reverse
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks.base import DEFAULT_TASK_QUEUE_NAME
from modelsearch.apps import ModelSearchAppConfig

from .conf import SETTINGS, conf
from .queues import QUEUES

#: Apps the plugin cannot work without, and what it needs each one for.
REQUIRED_APPS = {
    "wagtail": "Wagtail's pages and revisions",
    "wagtail.admin": "the editors' admin",
    "wagtail.images": "images of the description and report",
    "wagtail.documents": "documents of the description and report",
    # Else its Embed model, imported by the embed block, would be taken for one of
    # wagtailcore's, and makemigrations would ask for a migration inside Wagtail.
    "wagtail.embeds": "the embed block of the description",
    # Or modelsearch itself, which Wagtail's search wraps.
    "wagtail.search": "the public search and the importer's search index updates",
    "wagtail.snippets": "the organisations (a snippet)",
    "wagtail.contrib.routable_page": "the sub-pages of indexes and rencontres "
    "(history, versions, calendars, feeds, open data)",
    "wagtail.api.v2": "API v2 (/api/v2/rencontres/)",
    "wagtail.api.v3": "API v3 (/api/v3/rencontres/)",
    "rest_framework": "API v2 (Wagtail's API v2 is built on Django REST framework)",
    "wagtail_localize": "translated and synchronised fields of rencontres",
    "modelcluster": "ordered organisers of a rencontre",
    "taggit": "Wagtail's tags (images, documents)",
    "dsfr": "the DSFR template tags of the block previews (django-dsfr)",
}

HISTORY_SOURCES = ("log", "revisions")

#: The plugin's own rencontres/base.html (a project may override it).
PLUGIN_LAYOUT = Path(__file__).resolve().parent / "templates" / "rencontres" / "base.html"


@register(Tags.compatibility)
def check_installed_apps(app_configs=None, **kwargs):
    return [
        Error(
            f"'{app}' is missing from INSTALLED_APPS: the rencontres plugin needs it for {why}.",
            hint=f"Add '{app}' to INSTALLED_APPS (README « Install in your Wagtail project »).",
            obj="INSTALLED_APPS",
            id="rencontres.E001",
        )
        for app, why in REQUIRED_APPS.items()
        if not _is_installed(app)
    ]


def _is_installed(app):
    if app == "wagtail.search":
        return any(isinstance(config, ModelSearchAppConfig) for config in apps.get_app_configs())
    return apps.is_installed(app)


def raise_startup_errors():
    """Raise ImproperlyConfigured with the text of E001 and E004, if any: called by
    :meth:`rencontres.apps.RencontresConfig.ready` before it imports anything."""
    errors = [*check_installed_apps(), *check_task_queues()]
    if errors:
        raise ImproperlyConfigured(
            "The rencontres plugin cannot start:\n"
            + "\n".join(f"({error.id}) {error.msg}\n    HINT: {error.hint}" for error in errors)
        )


def _parent_page_types_errors():
    labels = conf.INDEX_PARENT_PAGE_TYPES
    name = "RENCONTRES_INDEX_PARENT_PAGE_TYPES"
    if labels is None:
        return []
    if isinstance(labels, str) or not isinstance(labels, list | tuple) or not labels:
        return [
            Error(
                f"{name} must be None (any page) or a non-empty list of page types "
                f"(« app_label.ModelName »), not {labels!r}.",
                obj=name,
                id="rencontres.E002",
            )
        ]
    from wagtail.models import Page

    errors = []
    for label in labels:
        try:
            model = apps.get_model(label) if isinstance(label, str) else None
        except (LookupError, ValueError):
            model = None
        if model is None or not issubclass(model, Page):
            errors.append(
                Error(
                    f"{name} names {label!r}, which is not an installed page type.",
                    hint="Use « app_label.ModelName » labels of Page models, e.g. "
                    "'home.HomePage', or None to allow any page.",
                    obj=name,
                    id="rencontres.E002",
                )
            )
    return errors


_DURATION_WORDS = ("TIMEOUT", "SECONDS", "DELAY", "GRACE", "MAX_AGE", "STALE_AFTER")


def _kind_errors():
    errors = []
    for key, setting in SETTINGS.items():
        name = f"RENCONTRES_{key}"
        if not hasattr(settings, name):
            continue
        value = getattr(settings, name)
        default = setting.default
        expected = None
        if isinstance(default, bool):
            if not isinstance(value, bool):
                expected = "True or False"
        elif isinstance(default, int):
            # Durations may be fractions of a second (a timeout of 0.5); counts may not.
            duration = any(word in key for word in _DURATION_WORDS)
            kinds = (int, float) if duration else int
            if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
                expected = (
                    "a number of seconds, 0 or more" if duration else "a whole number, 0 or more"
                )
            elif key == "PER_PAGE" and value < 1:
                expected = "a whole number, 1 or more"
        elif isinstance(default, str):
            if not isinstance(value, str):
                expected = "a string"
            elif key == "HISTORY_SOURCE" and value not in HISTORY_SOURCES:
                expected = " or ".join(repr(source) for source in HISTORY_SOURCES)
        if expected:
            errors.append(
                Error(
                    f"{name} must be {expected}, not {value!r}.",
                    hint=f"{setting.doc} Default: {default!r}.",
                    obj=name,
                    id="rencontres.E003",
                )
            )
    return errors


def _unknown_setting_warnings():
    warnings = []
    for name in dir(settings):
        if not name.startswith("RENCONTRES_"):
            continue
        key = name.removeprefix("RENCONTRES_")
        if key in SETTINGS:
            continue
        close = difflib.get_close_matches(key, SETTINGS, n=1)
        hint = f"Did you mean RENCONTRES_{close[0]}? " if close else ""
        warnings.append(
            Warning(
                f"{name} is not a setting of the rencontres plugin: it is ignored.",
                hint=f"{hint}rencontres.conf.SETTINGS lists every setting.",
                obj=name,
                id="rencontres.W001",
            )
        )
    return warnings


@register(Tags.compatibility)
def check_settings(app_configs=None, **kwargs):
    return [*_parent_page_types_errors(), *_kind_errors(), *_unknown_setting_warnings()]


OPENDATA_MIDDLEWARE = "rencontres.public.opendata.OpenDataMiddleware"
GENERATION_MIDDLEWARE = "rencontres.fragments.GenerationMiddleware"


@register(Tags.compatibility)
def check_middleware(app_configs=None, **kwargs):
    """The open-data middleware replays what the middleware below it added, under the
    generation :class:`~rencontres.fragments.GenerationMiddleware` read."""
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    if OPENDATA_MIDDLEWARE not in middleware:
        return []
    problems = []
    if middleware[0] != OPENDATA_MIDDLEWARE:
        problems.append(
            "it is not first in MIDDLEWARE: the middleware above it would add their "
            "headers twice to the files it answers"
        )
    if GENERATION_MIDDLEWARE not in middleware:
        problems.append(f"{GENERATION_MIDDLEWARE} is not in MIDDLEWARE: it would keep nothing")
    return [
        Warning(
            f"{OPENDATA_MIDDLEWARE}: {problem}.",
            hint=f"Put {OPENDATA_MIDDLEWARE} first in MIDDLEWARE and "
            f"{GENERATION_MIDDLEWARE} near the top (README, « Install in your Wagtail "
            "project »), or remove it.",
            obj="MIDDLEWARE",
            id="rencontres.W002",
        )
        for problem in problems
    ]


@register(Tags.compatibility)
def check_task_queues(app_configs=None, **kwargs):
    """The default task backend accepts the plugin's queues (as django_tasks decides:
    ``QUEUES`` defaults to ``["default"]``, an empty list accepts any)."""
    alias = DEFAULT_TASK_BACKEND_ALIAS
    # Without TASKS, django_tasks' default backend takes the default queue only.
    backend = (getattr(settings, "TASKS", None) or {}).get(alias, {})
    accepted = set(backend.get("QUEUES", [DEFAULT_TASK_QUEUE_NAME]))
    missing = [queue for queue in QUEUES if accepted and queue not in accepted]
    if not missing:
        return []
    return [
        Error(
            f"The task backend TASKS[{alias!r}] does not accept the rencontres plugin's "
            f"queues {', '.join(map(repr, missing))}: publishing and importing would fail "
            "to enqueue their work.",
            hint="Set TASKS = {'default': {'BACKEND': …, 'QUEUES': rencontres.queues.QUEUES}} "
            "(or list these queues beside yours).",
            obj="TASKS",
            id="rencontres.E004",
        )
    ]


#: The blocks of the host's base.html that rencontres/base.html fills (README « Templates »).
LAYOUT_BLOCKS = ("title", "meta", "extra_css", "body_class", "breadcrumb", "content", "extra_js")


def _block_names(template, depth=0):
    """The names of the blocks of a Django template and of the templates it extends
    (by a literal name); None for another engine's template."""
    nodelist = getattr(getattr(template, "template", None), "nodelist", None)
    if nodelist is None or depth > 10:
        return None
    names = {node.name for node in nodelist.get_nodes_by_type(BlockNode)}
    for extends in nodelist.get_nodes_by_type(ExtendsNode):
        parent = extends.parent_name
        if parent.is_var or not isinstance(parent.var, str):
            return None  # chosen when rendered: nothing to say
        try:
            inherited = _block_names(get_template(parent.var), depth + 1)
        except TemplateDoesNotExist:
            return None  # the template engine says so when the page renders
        if inherited is None:
            return None
        names |= inherited
    return names


@register(Tags.templates)
def check_base_template(app_configs=None, **kwargs):
    """``rencontres/base.html`` extends ``base.html`` unless the project overrides it; that
    ``base.html`` has the blocks it fills."""
    try:
        layout = get_template("rencontres/base.html")
    except TemplateDoesNotExist:
        return []  # not the plugin's layout: E001 and the template engine say more
    if Path(layout.origin.name).resolve() != PLUGIN_LAYOUT:
        return []  # the project's own layout
    hint = (
        "Add the blocks to your base.html (README « Install in your Wagtail project », "
        "Templates), or override rencontres/base.html with your layout and the blocks "
        f"{', '.join(LAYOUT_BLOCKS)}."
    )
    try:
        base = get_template("base.html")
    except TemplateDoesNotExist:
        return [
            Error(
                "No template 'base.html' for the plugin's pages to extend "
                "(rencontres/base.html extends it).",
                hint="Provide templates/base.html, or override rencontres/base.html with "
                "your layout and the blocks title, meta, extra_css, body_class, "
                "breadcrumb, content and extra_js.",
                obj="TEMPLATES",
                id="rencontres.E005",
            )
        ]
    names = _block_names(base)
    if names is None:
        return []
    problems = []
    if "content" not in names:
        problems.append(
            Error(
                "base.html has no {% block content %}: the plugin's pages (rencontres/base.html "
                "extends it) would answer 200 with none of their content.",
                hint=hint,
                obj="TEMPLATES",
                id="rencontres.E006",
            )
        )
    missing = [name for name in LAYOUT_BLOCKS if name != "content" and name not in names]
    if missing:
        problems.append(
            Warning(
                f"base.html has no block {', '.join(missing)}: what the plugin's pages put "
                "there is not shown (meta: description, canonical URL, Open Graph, feeds "
                "and structured data; breadcrumb: the path to the page).",
                hint=hint,
                obj="TEMPLATES",
                id="rencontres.W005",
            )
        )
    return problems


def _reverses(name, **kwargs):
    try:
        reverse(name, **kwargs)
    except NoReverseMatch:
        return False
    return True


@register(Tags.urls)
def check_urls(app_configs=None, **kwargs):
    """The URLs the plugin's pages and payloads link to are in the host's URLconf
    (README « URLs »). Forgotten, no page fails: its links answer 404."""
    if not getattr(settings, "ROOT_URLCONF", None):
        return []
    hint = "Add the README's lines (« Install in your Wagtail project », URLs)"
    warnings = []
    if not _reverses("rencontres_calendar", kwargs={"path": ""}):
        warnings.append(
            Warning(
                "rencontres.urls is not in the URLconf: the links of the rencontres' pages "
                "to their agenda.ics, the listings' donnees.csv and donnees.json and the "
                "maps' carte.geojson answer 404.",
                hint=f'{hint}: path("", include("rencontres.urls")) before Wagtail\'s '
                "pages, inside the same i18n_patterns as them if they have language prefixes.",
                obj="ROOT_URLCONF",
                id="rencontres.W003",
            )
        )
    name = conf.API_DETAIL_URL_NAME
    if not _reverses(name, args=[1]):
        warnings.append(
            Warning(
                f"RENCONTRES_API_DETAIL_URL_NAME {name!r} is not a URL of the URLconf: "
                "API v2 is not included (api_v2_urls of rencontres.api.urls), or under "
                "another name; webhook payloads go without their api_url.",
                hint=f'{hint}: path("api/v2/", api_v2_urls), or set '
                "RENCONTRES_API_DETAIL_URL_NAME to the name of the rencontres detail of "
                "your own API router.",
                obj="ROOT_URLCONF",
                id="rencontres.W004",
            )
        )
    if not _reverses("wagtailapi_v3:rencontre_detail", kwargs={"page_id": 1}):
        warnings.append(
            Warning(
                "API v3 is not in the URLconf (api_v3_urls of rencontres.api.urls): "
                "/api/v3/rencontres/ answers 404.",
                hint=f'{hint}: path("api/v3/", api_v3_urls); or, if you leave it out on '
                "purpose, SILENCED_SYSTEM_CHECKS = ['rencontres.W004'].",
                obj="ROOT_URLCONF",
                id="rencontres.W004",
            )
        )
    return warnings
