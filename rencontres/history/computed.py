"""A page's published versions and what each one changed.

Wagtail keeps every save as a :class:`~wagtail.models.Revision`; :class:`PageHistory`
turns the *published* ones into numbered versions, as Decidim did ("Version 2 (sur 2)"),
but without Decidim's faults:

* only publications count: a revision is a version when a ``wagtail.publish`` (or
  ``wagtail.publish.scheduled``, a scheduled revision going live) log entry names it;
  drafts, scheduled revisions that have not gone live, and every revision of a page
  that is not live and public never appear;
* a publication that changed no public field is not a version (no empty versions);
  version 1 is the first publication, every non-empty field shown as added;
* every public field is compared (:mod:`.fields`), as readable text (:mod:`.revisions`).

Public API (also used by the JSON API, see ``as_dict()``)::

    published_versions(page, language=None) -> list[Version]   # newest first
    version_changes(page, number, language=None) -> list[FieldChange]
    PageHistory(page, language=None)   # the object both use; one per request

Cost: one query loads every published revision's content with its log entry, then
one query per kind of referenced object (départements, organisations, images,
documents, pages); everything else is computed in Python. The number of queries does
not grow with the number of revisions.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Page, PageLogEntry

from ..conf import conf
from .diffs import FieldChange
from .fields import history_fields, known_keys
from .references import Resolver
from .revisions import MISSING, RevisionReader, finaliser
from .text import format_published_at, language_name, removed_field_label

#: Log actions that mean "this revision went live".
PUBLISH_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")

#: Names of the routes of a page's history (see ``RencontrePage``).
ROUTE_LIST = "rencontre_history"
ROUTE_VERSION = "rencontre_history_version"
ROUTE_FEED = "rencontre_history_feed"
HISTORY_ROUTES = frozenset({ROUTE_LIST, ROUTE_VERSION, ROUTE_FEED})


def cache_timeout():
    """Seconds the computed versions of a page stay cached (0: not cached)."""
    return conf.HISTORY_CACHE_TIMEOUT


def show_author():
    """Whether public pages name who published a version (default: no)."""
    return conf.HISTORY_SHOW_AUTHOR


@dataclass
class Version:
    """A publication that changed at least one public field.

    ``number`` counts from 1 (the first publication) to ``total``; ``published_at`` is
    when it went live; ``url`` is its public page (``None`` if the page has no route).
    """

    number: int
    total: int
    published_at: dt.datetime
    revision_id: int
    previous_revision_id: int | None
    url: str | None
    changes: list = field(default_factory=list)
    author: str | None = None
    tzinfo: object = None

    @property
    def is_latest(self):
        return self.number == self.total

    @property
    def title(self):
        return _("Version %(number)s (sur %(total)s)") % {
            "number": self.number,
            "total": self.total,
        }

    @property
    def published_at_text(self):
        return format_published_at(self.published_at, self.tzinfo)

    @property
    def changed_labels(self):
        return [change.display_label for change in self.changes]

    def as_dict(self, with_changes=False):
        """JSON-ready: number, total, published_at (ISO 8601), revision_id, url,
        changed_fields (names) and, with ``with_changes``, the changes themselves."""
        data = {
            "number": self.number,
            "total": self.total,
            "title": self.title,
            "published_at": self.published_at.isoformat(),
            "revision_id": self.revision_id,
            "url": self.url,
            "changed_fields": [change.name for change in self.changes],
        }
        if self.author is not None:
            data["author"] = self.author
        if with_changes:
            data["changes"] = [change.as_dict() for change in self.changes]
        return data


class VersionNotFound(LookupError):
    """No published version with that number (or the page is not public)."""


def is_public(page):
    """Live and without view restrictions (password, login, groups) on it or an ancestor."""
    return bool(page.live) and not page.get_view_restrictions().exists()


class PageHistory:
    """The published versions of one page, computed once (use one per request).

    ``language`` sets the language of labels, choices and dates (default: the active
    one). With ``require_public`` (the default), a page that is not live and public has
    no versions at all.
    """

    def __init__(self, page, language=None, *, require_public=True, request=None, public=None):
        self.page = page.specific if type(page) is Page else page
        self.language = language
        self.require_public = require_public
        self.request = request
        if public is not None:  # already checked by the caller
            self.__dict__["is_public"] = public

    # -- helpers ------------------------------------------------------------------

    @cached_property
    def is_public(self):
        return is_public(self.page)

    @cached_property
    def tzinfo(self):
        tz = getattr(self.page, "tzinfo", None)
        return tz if isinstance(tz, dt.tzinfo) else timezone.get_current_timezone()

    @cached_property
    def specs(self):
        return history_fields(type(self.page))

    @cached_property
    def language_name(self):
        """The content's language, named in itself."""
        locale = getattr(self.page, "locale", None)
        return language_name(locale.language_code) if locale is not None else None

    @cached_property
    def base_url(self):
        try:
            return self.page.get_url(self.request)
        except Exception:  # noqa: BLE001 - no site, no URL: the history still works
            return None

    def url_for(self, route, *args):
        if not self.base_url or not hasattr(self.page, "reverse_subpage"):
            return None
        try:
            return self.base_url.rstrip("/") + "/" + self.page.reverse_subpage(route, args=args)
        except NoReverseMatch:
            return None

    @property
    def list_url(self):
        return self.url_for(ROUTE_LIST)

    @property
    def feed_url(self):
        return self.url_for(ROUTE_FEED)

    def _entries(self):
        """``(revision_id, timestamp, content, user_id)`` of each publication, oldest first."""
        return list(
            self._publications()
            .order_by("timestamp", "pk")
            .values_list("revision_id", "timestamp", "revision__content", "user_id")
        )

    # -- the versions ------------------------------------------------------------------

    @cached_property
    def versions(self):
        """Every version, oldest first (``newest_first`` gives the public order).

        Cached (``RENCONTRES_HISTORY_CACHE_TIMEOUT`` seconds, default an hour; 0 turns
        the cache off) under a key that changes with every publication of the page.
        """
        if self.require_public and not self.is_public:
            return []
        language = self.language or translation.get_language()
        key = self._cache_key(language)
        versions = cache.get(key) if key else None
        if versions is None:
            with translation.override(language):
                versions = self._compute()
            if key:
                cache.set(key, versions, cache_timeout())
        for version in versions:
            version.url = self.url_for(ROUTE_VERSION, version.number)
        return versions

    def _cache_key(self, language):
        """A key naming the page's latest publication (one small query), so that any
        publication, even of a page object loaded earlier, computes the versions anew."""
        if not cache_timeout() or not self.page.pk:
            return None
        latest = (
            self._publications().order_by("-timestamp", "-pk").values_list("pk", flat=True).first()
        )
        if latest is None:
            return None
        return f"rencontres:history:{self.page.pk}:{latest}:{language}:{int(bool(show_author()))}"

    def _publications(self):
        return PageLogEntry.objects.filter(
            page_id=self.page.pk,
            action__in=PUBLISH_ACTIONS,
            revision__isnull=False,
            revision__object_id=str(self.page.pk),
        )

    @property
    def newest_first(self):
        return list(reversed(self.versions))

    def version(self, number):
        """The version ``number`` (1-based); raises :class:`VersionNotFound`."""
        if not isinstance(number, int) or not 1 <= number <= len(self.versions):
            raise VersionNotFound(number)
        return self.versions[number - 1]

    def _compute(self):
        entries = self._entries()
        model = type(self.page)
        resolver = Resolver()
        reader = RevisionReader(model, self.specs, resolver, known_keys(model))
        snapshots = [reader.read(content or {}) for _rev, _ts, content, _user in entries]
        resolver.resolve()
        finalise = finaliser()
        snapshots = [finalise(values, removed) for values, removed in snapshots]

        authors = {}
        if show_author():
            user_ids = {user_id for *_rest, user_id in entries if user_id}
            for user in get_user_model()._default_manager.filter(pk__in=user_ids):
                full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
                authors[user.pk] = full_name or user.get_username()

        versions = []
        previous = None
        previous_revision_id = None
        for (revision_id, timestamp, _content, user_id), snapshot in zip(
            entries, snapshots, strict=True
        ):
            changes = self._changes(previous, snapshot)
            if changes:
                versions.append(
                    Version(
                        number=len(versions) + 1,
                        total=0,
                        published_at=timestamp,
                        revision_id=revision_id,
                        previous_revision_id=previous_revision_id,
                        url=None,
                        changes=changes,
                        author=authors.get(user_id, "") if show_author() else None,
                        tzinfo=self.tzinfo,
                    )
                )
            previous = snapshot
            previous_revision_id = revision_id
        for version in versions:
            version.total = len(versions)
        return versions

    def _changes(self, previous, current):
        values, removed = current
        prev_values, prev_removed = previous if previous is not None else ({}, {})
        changes = []
        for spec in self.specs:
            after = values.get(spec.name, MISSING)
            if after is MISSING:
                continue
            if previous is None:
                before = ()
            else:
                before = prev_values.get(spec.name, MISSING)
                if before is MISSING:
                    continue  # the field did not exist yet: its first value is no change
            if before == after:
                continue
            changes.append(
                FieldChange(
                    name=spec.name,
                    label=str(spec.label),
                    language=self.page.locale.language_code if spec.translatable else None,
                    language_name=str(self.language_name) if spec.translatable else None,
                    before=before,
                    after=after,
                )
            )
        for name, after in removed.items():
            before = prev_removed.get(name, MISSING) if previous is not None else ()
            if before is MISSING or before == after:
                continue
            changes.append(
                FieldChange(
                    name=name,
                    label=removed_field_label(name),
                    language=None,
                    language_name=None,
                    before=before,
                    after=after,
                    removed_field=True,
                )
            )
        return changes


# -- module API -------------------------------------------------------------------------------


def published_versions(page, language=None, request=None):
    """The published versions of ``page``, newest first: ``list[Version]``.

    Empty for a page that is not live and public. ``language`` (e.g. ``"en"``) sets
    the language of the labels and dates; by default the active language.
    Use ``version.as_dict()`` for JSON.
    """
    return PageHistory(page, language=language, request=request).newest_first


def version_changes(page, number, language=None, request=None):
    """The changes of version ``number`` of ``page``: ``list[FieldChange]``.

    Raises :class:`VersionNotFound` when there is no such published version (or the
    page is not public). Use ``change.as_dict()`` for JSON: ``name``, ``label``,
    ``display_label`` (with the content language), ``language``, ``before``, ``after``
    (plain text, one line per paragraph or ``•item``) and ``diff``.
    """
    return PageHistory(page, language=language, request=request).version(number).changes


def last_version(page, request=None):
    """The latest version of a live, public page (``None`` if it has none), for « Mis à
    jour le … » on the page itself. Its number and date are cached under a key that
    changes with every publication, so a page view costs one query (view restrictions)."""
    if not page.live or not page.pk or page.get_view_restrictions().exists():
        return None
    history = PageHistory(page, request=request, public=True)
    published = page.last_published_at.timestamp() if page.last_published_at else ""
    key = f"rencontres:history:last:{page.pk}:{page.live_revision_id}:{published}"
    cached = cache.get(key) if cache_timeout() else None
    if cached is None:
        latest = history.versions[-1] if history.versions else None
        cached = (latest.number, latest.published_at, latest.revision_id) if latest else (0,)
        if cache_timeout():
            cache.set(key, cached, cache_timeout())
    if not cached[0]:
        return None
    number, published_at, revision_id = cached
    return Version(
        number=number,
        total=number,
        published_at=published_at,
        revision_id=revision_id,
        previous_revision_id=None,
        url=history.url_for(ROUTE_VERSION, number),
        tzinfo=history.tzinfo,
    )
