"""Fragments of pages kept until the next visible change: the publication generation.

Every public page needs the same few reads that change only when an editor publishes or
changes a setting: the site of the request's host, the DSFR site configuration, the
navigation's pages, the language switcher's translations, the breadcrumb, the private
sections, the filter form's choices, the reference data (départements, régions,
locales). Read on each request they are most of a page's queries.

They are kept in each app process's memory, keyed by a **generation**: a token in the
shared cache that every change a visitor could see replaces (:func:`bump`, connected to
the save and delete of any model but the bookkeeping ones listed in ``_UNSEEN``, and to
Wagtail's publish, unpublish and move signals). A request reads the generation once
(:class:`GenerationMiddleware`); a fragment computed under another generation is never
used. So a publication reaches every process at once, as a purge would, and nothing is
ever stale by more than the request that was running when it happened.

No whole response is kept here (the open-data files are, by
:class:`rencontres.public.opendata.OpenDataMiddleware`, under the same generation): a
fragment never depends on who asks (logged-in editors see the same chrome) nor on the
time (nothing derived from « now » is memoised here).

When the shared cache is unreachable there is no generation: every fragment is computed
as if nothing were memoised (slower, never wrong). Outside a request (tasks, commands)
the same holds.
"""

import copy
import logging
import threading
import uuid
from collections import OrderedDict
from contextvars import ContextVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)

GENERATION_KEY = "rencontres:generation"

#: Views whose modules start so look the request's Wagtail site up (memoised here).
SITE_VIEW_MODULES = ("wagtail.", "rencontres.", "ninja.", "django.contrib.sitemaps")

#: The most fragments one process keeps (least recently used dropped first).
MAX_FRAGMENTS = 4096

_generation: ContextVar = ContextVar("rencontres_generation", default=None)
_lock = threading.Lock()
_fragments: OrderedDict = OrderedDict()
_fragments_generation = None
#: Rendered HTML (:func:`memo_html`), bounded by its size rather than its count.
_html: OrderedDict = OrderedDict()
_html_bytes = 0
_MISSING = object()


# -- the generation -----------------------------------------------------------------------


def read_generation():
    """The shared generation token, created if absent; ``None`` if the cache fails."""
    try:
        value = cache.get(GENERATION_KEY)
        if value is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            value = cache.get(GENERATION_KEY)
    except Exception:  # the cache is down: no memo, never an error
        logger.debug("publication generation unavailable", exc_info=True)
        return None
    return value


def current():
    """The generation of the running request, or ``None`` (no memo) outside one."""
    return _generation.get()


def _replace():
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning("publication generation not replaced (cache unreachable)", exc_info=True)
    # This process's fragments go at once, whatever the shared cache answered.
    _forget()


def bump():
    """A visible change: fragments of every process are stale.

    At once (this transaction's later reads) and again after the commit (so that a
    process that read the old rows under the new token recomputes them).
    """
    _replace()
    transaction.on_commit(_replace)


def reset():
    """A new generation and no fragment in this process: after data changed outside the
    models (SQL, ``QuerySet.update()``, a restored backup), or between two tests."""
    _replace()


def _forget():
    global _fragments_generation
    with _lock:
        _clear()
        _fragments_generation = None


def _clear():
    """Every fragment and every HTML fragment of this process (``_lock`` held)."""
    global _html_bytes
    _fragments.clear()
    _html.clear()
    _html_bytes = 0


class GenerationMiddleware:
    """Reads the generation once per request (one cache read) for :func:`memo`, and
    finds the request's Wagtail site through it (Wagtail looks it up on every request).

    Place it near the top of ``MIDDLEWARE``, before anything that routes pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        generation = read_generation()
        # Kept on the request too: what is kept past the request (the open-data files,
        # rencontres.public.opendata.OpenDataMiddleware) is keyed by the generation
        # it was computed under.
        request.rencontres_generation = generation
        token = _generation.set(generation)
        try:
            return self.get_response(request)
        finally:
            _generation.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Only for the views that look the site up (Wagtail's pages and APIs, the
        # plugin's routes): a health check or a static file reads nothing.
        module = getattr(view_func, "__module__", "") or ""
        if current() is None or not module.startswith(SITE_VIEW_MODULES):
            return None
        try:
            request._wagtail_site = site_for_request(request)
            # Wagtail's per-request cache of the sites' root paths (page URLs): read
            # from the shared cache on each request otherwise.
            request._wagtail_cached_site_root_paths = memo("site-root-paths", _site_root_paths)
            if _is_wagtail_serve(view_func):  # serve(request, path): path positional
                path = view_args[0] if view_args else view_kwargs.get("path")
                if isinstance(path, str):
                    route_for_request(request, path)
        except Exception:  # the database is down: Wagtail will try, and say so
            logger.debug("site or page not found before the view", exc_info=True)
        return None


def _site_root_paths():
    from wagtail.models import Site

    return Site.get_site_root_paths()


def _is_wagtail_serve(view_func):
    from wagtail import views

    return view_func is views.serve


def route_for_request(request, path):
    """Wagtail's ``Page.route_for_request``, the page found in one query by its id.

    Wagtail walks the tree on each request: the root's translation, then one query per
    path segment and one for each page's specific row. Which page (and which of its
    routes, for a ``RoutablePageMixin`` page) a site, language and path lead to changes
    only with a visible change: that is memoised, and the page itself read fresh, so its
    content is never older than the request. Set as Wagtail's own per-request cache,
    ``request._wagtail_route_for_request``, which its ``serve`` view reads. A path that
    leads nowhere is not memoised (any path can be asked), nor a route Wagtail's and
    ``RoutablePageMixin``'s ``route()`` would not give.
    """
    from django.utils import translation
    from wagtail.models import Page
    from wagtail.url_routing import RouteResult

    site = getattr(request, "_wagtail_site", None)
    if site is None or hasattr(request, "_wagtail_route_for_request"):
        return
    key = ("route", site.pk, translation.get_language(), path)
    entry = memo(
        key, lambda: _route_entry(Page.route_for_request(request, path), request, site, path)
    )
    if entry is None or hasattr(request, "_wagtail_route_for_request"):
        return  # computed just now (Wagtail's cache is set), or not memoisable
    model, pk, subpath = entry
    # The page as read under this generation (any save of it starts another), a copy
    # for each request: what a request sets on its page stays with it.
    page = copy.copy(memo(("page", model, pk), lambda: model._default_manager.get(pk=pk)))
    if subpath is None:
        request._wagtail_route_for_request = RouteResult(page)
        return
    match = page.resolve_subpage(subpath)  # Django's URL resolver: no query
    request.routable_resolver_match = match
    route = RouteResult(page, args=(match.func, match.args, match.kwargs))
    request._wagtail_route_for_request = route


def _route_entry(result, request, site, path):
    """What :func:`route_for_request` keeps of a route: ``(model, pk, subpath)``
    (``subpath`` the part of the path a routable page resolves itself), or None."""
    if result is None:
        return None
    page, args, kwargs = result
    if kwargs:
        return None
    if not args:
        return (type(page), page.pk, None)
    # RoutablePageMixin.route: the path components below the page, resolved by the page.
    components = [component for component in path.split("/") if component]
    below = components[page.depth - site.root_page.depth :]
    subpath = "/" + "".join(f"{component}/" for component in below)
    try:
        match = page.resolve_subpage(subpath)
    except Exception:  # noqa: BLE001 - not a RoutablePageMixin route: not memoised
        return None
    same = getattr(args[0], "__func__", None) is getattr(match.func, "__func__", match.func)
    if not same or tuple(args[1]) != tuple(match.args) or args[2] != match.kwargs:
        return None
    return (type(page), page.pk, subpath)


def has_no_view_restriction(page):
    """Whether no view restriction can apply to ``page``: none on it or an ancestor, and
    neither it nor an ancestor an alias (whose source's restrictions would apply).

    Read from the restricted and alias pages' paths, memoised (two queries per
    generation instead of two per page served). False when nothing is memoised.
    """
    if current() is None or page.alias_of_id is not None:
        return False
    restricted, aliases = memo("restricted-and-alias-paths", _restricted_and_alias_paths)
    path = page.path
    steps = page.steplen
    prefixes = {path[:end] for end in range(steps, len(path) + 1, steps)}
    return prefixes.isdisjoint(restricted) and prefixes.isdisjoint(aliases)


def _restricted_and_alias_paths():
    from wagtail.models import Page, PageViewRestriction

    restricted = frozenset(PageViewRestriction.objects.values_list("page__path", flat=True))
    aliases = frozenset(Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True))
    return restricted, aliases


class PublicPageMixin:
    """For page models: Wagtail's view-restriction check of every page served
    (``get_view_restrictions``, two queries) answered without a query when no restriction
    can apply (:func:`has_no_view_restriction`); otherwise Wagtail's own."""

    def get_view_restrictions(self):
        if has_no_view_restriction(self):
            from wagtail.models import PageViewRestriction

            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def site_for_request(request):
    """Wagtail's ``Site.find_for_request``, memoised by host and port."""
    from wagtail.models import Site

    host = request._get_raw_host()  # as Wagtail does: ALLOWED_HOSTS is checked later
    return memo(("site", host, request.get_port()), lambda: Site._find_for_request(request))


# -- fragments -----------------------------------------------------------------------------


def memo(key, compute):
    """``compute()``, kept until the next visible change under ``key`` (hashable).

    ``compute`` must not depend on the request's user or on the time (unless ``key``
    says it: :func:`request_parts`), and its result must not be mutated by callers.
    What was computed while a dependency failed (:func:`rencontres.faults.log_outage`)
    is not kept.
    """
    generation = _usable_generation()
    if generation is None:
        return compute()
    with _lock:
        _enter(generation)
        value = _fragments.get(key, _MISSING)
        if value is not _MISSING:
            _fragments.move_to_end(key)
            return value
    value, clean = compute_cleanly(compute)
    if clean:
        _keep(generation, key, value)
    return value


def memo_get(key):
    """What :func:`memo` keeps under ``key`` for the running request's generation, or
    ``None``."""
    generation = _usable_generation()
    if generation is None:
        return None
    with _lock:
        _enter(generation)
        value = _fragments.get(key)
        if value is not None:
            _fragments.move_to_end(key)
        return value


def memo_set(key, value):
    """Keep ``value`` under ``key`` as :func:`memo` would (the caller computed it with
    :func:`compute_cleanly`, and keeps it only if clean)."""
    generation = _usable_generation()
    if generation is not None:
        _keep(generation, key, value)


def compute_cleanly(compute):
    """``(compute(), clean)``: ``clean`` unless a dependency failed meanwhile
    (:func:`rencontres.faults.log_outage`), in which case the value is not to be kept."""
    from . import faults

    outages = faults.outages_noted()
    value = compute()
    return value, faults.outages_noted() == outages


def request_parts(request):
    """What a kept response part depends on besides its path: the scheme and host it is
    read at (absolute links), the language and the current minute (what « now »
    decides, upcoming or past, is at most a minute old)."""
    from django.utils import timezone, translation

    return (
        request.scheme,
        request.get_host(),
        translation.get_language(),
        timezone.now().replace(second=0, microsecond=0),
    )


def _usable_generation():
    """The running request's generation, or None when nothing may be kept."""
    generation = current()
    if generation is None or _inside_a_transaction():
        return None
    return generation


def _enter(generation):
    """(``_lock`` held) The store of ``generation``: another's is dropped."""
    global _fragments_generation
    if _fragments_generation != generation:
        _clear()
        _fragments_generation = generation


def _keep(generation, key, value):
    with _lock:
        if _fragments_generation == generation:  # not replaced meanwhile
            _fragments[key] = value
            while len(_fragments) > MAX_FRAGMENTS:
                _fragments.popitem(last=False)


def memo_html(key, render, size=len, keep=None):
    """``render()`` (a ``str`` of HTML), kept until the next visible change under ``key``.

    For whole parts of pages (the listing's results, a rencontre's content), whose HTML
    costs most of a page's time to render. As :func:`memo`, plus:

    - the caller puts in ``key`` whatever the HTML depends on (the path and query
      string, and :func:`request_parts`: address, language, minute);
    - HTML rendered while a dependency failed (:func:`rencontres.faults.log_outage`:
      an image whose rendition the media storage could not make) is not kept: the next
      request renders it again, with its image once the storage is back;
    - the store is bounded by ``RENCONTRES_FRAGMENT_CACHE_BYTES`` of text per process,
      least recently used dropped first (``size(value)``: ``len`` of the text, or of
      the body of a ``(body, headers)`` pair);
    - ``keep(value)``, when given, says whether a value may be kept at all (an API's
      answer: only a 200).
    """
    global _html_bytes
    from .conf import conf

    limit = conf.FRAGMENT_CACHE_BYTES
    generation = _usable_generation()
    if not limit or generation is None:
        return render()
    with _lock:
        _enter(generation)
        entry = _html.get(key)
        if entry is not None:
            _html.move_to_end(key)
            return entry[0]
    value, clean = compute_cleanly(render)
    weight = size(value)
    if not clean or weight > limit or (keep is not None and not keep(value)):
        return value
    with _lock:
        if _fragments_generation == generation and key not in _html:
            _html[key] = (value, weight)
            _html_bytes += weight
            while _html_bytes > limit:
                _dropped, (_value, dropped) = _html.popitem(last=False)
                _html_bytes -= dropped
    return value


#: The context key under which a page's context computed on first use is found
#: (:func:`deferred_context`); ``{% memo_html %}`` pushes it before rendering a part.
DEFERRED_CONTEXT = "rencontres_deferred_context"


def deferred_context(compute, names, eager=()):
    """Template context entries ``names`` computed by ``compute()`` (a dict) only when
    first used, and then once: a page whose memoised parts (``{% memo_html %}``) are all
    found never computes them, queries included.

    Each name is a lazy object (so a project's own template reading them still works);
    ``{% memo_html %}`` pushes the computed dict itself before rendering a part it does
    not find, so the plugin's templates render with the real values. ``eager`` entries
    (a dict), needed outside the memoised parts and cheap, are given as they are.
    """
    import functools

    from django.utils.functional import SimpleLazyObject

    computed = functools.cache(compute)
    context = {
        name: SimpleLazyObject(functools.partial(lambda name: computed()[name], name))
        for name in names
        if name not in eager
    }
    context.update(eager)
    context[DEFERRED_CONTEXT] = computed
    return context


def _inside_a_transaction():
    """Whether reads may see rows not committed yet (which a rollback would undo without
    any signal): nothing read then is memoised. The test suite's own atomic blocks
    (``TestCase``) do not count: the suite resets the fragments between tests."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        return False
    return not all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


# -- what makes fragments stale ----------------------------------------------------------

# Models whose rows no visitor sees: saving them (often, on every edit or request) keeps
# the fragments. Matched by app label and model name, or by app label alone.
_UNSEEN = {
    ("wagtailcore", "revision"),
    ("wagtailcore", "pagelogentry"),
    ("wagtailcore", "modellogentry"),
    ("wagtailcore", "referenceindex"),
    ("wagtailcore", "workflowstate"),
    ("wagtailcore", "taskstate"),
    ("wagtailcore", "workflowtask"),
    ("wagtailcore", "groupapprovaltask"),
    ("wagtailcore", "pagesubscription"),
    ("wagtailcore", "comment"),
    ("wagtailcore", "commentreply"),
    ("wagtailcore", "uploadedfile"),
    ("wagtailimages", "rendition"),
    ("wagtailadmin", None),
    ("wagtailsearch", None),
    ("wagtailusers", None),
    ("sessions", None),
    ("admin", None),
    ("axes", None),
    ("django_tasks_database", None),
    ("django_tasks", None),
    ("contenttypes", None),
    ("auth", None),
    ("rencontres", "taskfailure"),
    ("rencontres", "webhookendpoint"),
    ("rencontres", "webhookdelivery"),
    ("rencontres", "geocodedaddress"),
    ("rencontres", "importrecord"),
    ("rencontres", "importrun"),
    ("rencontres", "decidimsync"),
    ("rencontres", "translationsyncissue"),
}


def _seen(model):
    meta = model._meta
    if (meta.app_label, None) in _UNSEEN or (meta.app_label, meta.model_name) in _UNSEEN:
        return False
    # Image renditions of any image model, and models named like bookkeeping.
    return not meta.model_name.endswith("rendition")


def _on_change(sender, raw=False, **kwargs):
    if not raw and _seen(sender):
        bump()


def _on_page_signal(sender, **kwargs):
    bump()


#: Tasks whose work a visitor sees without a model signal: the search index's updates
#: (Wagtail's, queued at each publication; a search lists what they wrote).
VISIBLE_TASK_PREFIXES = ("modelsearch.", "wagtail.search.")


def _on_task_finished(sender, task_result, **kwargs):
    if task_result.task.module_path.startswith(VISIBLE_TASK_PREFIXES):
        bump()


def connect():
    from django_tasks.signals import task_finished

    task_finished.connect(_on_task_finished, dispatch_uid="rencontres_fragments_tasks")
    # The publication log's signals cover what bypasses the model signals: the bulk
    # writer of imports, redaction of past versions.
    from .models.places import points_moved
    from .models.publication_log import events_recorded, history_redacted

    points_moved.connect(_on_page_signal, dispatch_uid="rencontres_fragments_points")

    events_recorded.connect(_on_page_signal, dispatch_uid="rencontres_fragments_events")
    history_redacted.connect(_on_page_signal, dispatch_uid="rencontres_fragments_redacted")
    post_migrate.connect(_on_page_signal, dispatch_uid="rencontres_fragments_migrate")
    post_save.connect(_on_change, dispatch_uid="rencontres_fragments_save")
    post_delete.connect(_on_change, dispatch_uid="rencontres_fragments_delete")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_on_page_signal, dispatch_uid=f"rencontres_fragments_{id(signal)}")
