"""The purge task: what a change showed, dropped from every configured Varnish.

Callers describe *what changed* with :func:`schedule` (in the transaction that changes
it); when that transaction commits, one task per transaction is enqueued on the
``purge`` queue (:data:`rencontres.queues.PURGE`) and the worker turns it into keys and
bans (:func:`purge_cache`):

* a page (``page_ids``): the key of the page and of each of its translations (its
  page, history pages and feed, ``agenda.ics``, API detail and history in every
  language), ``list`` (indexes and their filtered variants, the home page, feeds,
  calendars, open data, sitemap, API lists and change log) and a ban of the paths of
  the page and its translations (what is under them, and a 404 cached there before it
  was published); a page with pages under it bans everything (``all``);
* an organisation (``organisation_ids``): the pages of the rencontres it organises
  (in every language) and ``list``;
* ``tags`` and ``paths`` as given (a setting: ``all``; a redirect: its old path).

A purge that fails (Varnish down or slow past ``RENCONTRES_CACHE_PURGE_TIMEOUT``) is
retried (``RENCONTRES_CACHE_PURGE_MAX_ATTEMPTS``, every ``…_RETRY_DELAY`` seconds
doubled) and then given up: logged at ERROR and recorded as a TaskFailure. Nothing of
it runs in the editor's request, and no failure reaches it.
"""

import dataclasses
import logging

from django.db import transaction
from wagtail.models import Page

from .. import queues
from ..conf import conf
from ..models import Organisation, RencontreOrganisation
from ..tasks import RetryingTask, retry_delay
from . import tags as cache_tags
from .varnish import VarnishBackend, path_pattern

logger = logging.getLogger(__name__)


def backends():
    return [
        VarnishBackend({"LOCATION": location, "TIMEOUT": conf.CACHE_PURGE_TIMEOUT})
        for location in conf.CACHE_PURGE_URLS
    ]


def _page_paths(pages):
    paths = set()
    for page in pages:
        try:
            parts = page.get_url_parts()
        except Exception:  # a page outside every site has no URL to ban
            logger.debug("No URL for page %s", page.pk, exc_info=True)
            continue
        if parts is not None and parts[2]:
            paths.add(parts[2])
    return paths


def resolve(page_ids=(), translation_keys=(), organisation_ids=(), tags=(), paths=()):
    """``(keys, paths)`` to purge for what changed (see the module's documentation)."""
    keys = set(tags)
    paths = set(paths)
    page_ids = set(page_ids)
    translation_keys = set(translation_keys)
    if organisation_ids:
        organisation_keys = Organisation.objects.filter(pk__in=organisation_ids).values(
            "translation_key"
        )
        organisations = Organisation.objects.filter(translation_key__in=organisation_keys)
        page_ids |= set(
            RencontreOrganisation.objects.filter(organisation__in=organisations).values_list(
                "page_id", flat=True
            )
        )
        keys.add(cache_tags.LIST)
    if page_ids or translation_keys:
        translation_keys |= set(
            Page.objects.filter(pk__in=page_ids).values_list("translation_key", flat=True)
        )
        pages = list(
            Page.objects.filter(translation_key__in=translation_keys).only(
                "id", "url_path", "numchild", "locale_id", "translation_key", "path", "depth"
            )
        )
        page_ids |= {page.pk for page in pages}
        keys.add(cache_tags.LIST)
        keys |= {cache_tags.page_tag(page_id) for page_id in page_ids}
        if any(page.numchild for page in pages):
            keys.add(cache_tags.ALL)
        paths |= _page_paths(pages)
    return keys, paths


def send(keys, paths):
    """Purge ``keys`` and ban ``paths`` (prefixes) on every configured Varnish."""
    if cache_tags.ALL in keys:
        keys = {cache_tags.ALL}
        paths = set()
    pattern = path_pattern(paths)
    for backend in backends():
        backend.send(keys=sorted(keys), ban=pattern)


@dataclasses.dataclass(frozen=True, kw_only=True)
class PurgeTask(RetryingTask):
    """Attempts and delays from the purge's own settings (read when it runs)."""

    @property
    def attempts_allowed(self):
        return conf.CACHE_PURGE_MAX_ATTEMPTS

    def delay_after(self, attempt):
        return retry_delay(
            attempt, delay=conf.CACHE_PURGE_RETRY_DELAY, max_delay=conf.TASK_RETRY_MAX_DELAY
        )


def purge_cache(
    page_ids=(), translation_keys=(), organisation_ids=(), tags=(), paths=(), exact_paths=()
):
    """Purge what showed the given pages, organisations, keys and paths (the module's
    documentation); ``exact_paths`` are banned without what is under them."""
    keys, prefixes = resolve(page_ids, translation_keys, organisation_ids, tags, paths)
    send(keys, prefixes)
    if exact_paths:
        pattern = path_pattern(exact_paths, prefix=False)
        for backend in backends():
            backend.send(ban=pattern)


purge_cache = PurgeTask(func=purge_cache, queue_name=queues.PURGE)


class _Batch:
    """What one transaction changed, purged by one task when it commits."""

    FIELDS = ("page_ids", "translation_keys", "organisation_ids", "tags", "paths", "exact_paths")

    def __init__(self):
        self.values = {name: set() for name in self.FIELDS}

    def add(self, **values):
        for name, items in values.items():
            self.values[name].update(
                str(item) if name == "translation_keys" else item for item in items
            )

    def flush(self):
        arguments = {name: sorted(items) for name, items in self.values.items() if items}
        if not arguments:
            return
        try:
            purge_cache.enqueue(**arguments)
        except Exception:
            # The change is saved; a purge that cannot be queued leaves the cache to expire.
            logger.exception("The cache purge could not be queued: %s", arguments)


def schedule(**values):
    """Purge what ``values`` describe once the current transaction commits (at once
    outside a transaction); the arguments of :func:`purge_cache`, as iterables."""
    if not conf.CACHE_PURGE_URLS:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        batch = _Batch()
        batch.add(**values)
        batch.flush()
        return
    batch = getattr(connection, "_rencontres_purge_batch", None)
    pending = [entry[1] for entry in connection.run_on_commit]
    if batch is None or batch.flush not in pending:
        batch = _Batch()
        connection._rencontres_purge_batch = batch
        transaction.on_commit(batch.flush, robust=True)
    batch.add(**values)
