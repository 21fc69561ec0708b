"""A page's published versions, as the public sees them: the readers' entry point.

The versions are read from the publication log (:class:`.logged.LoggedHistory`);
:class:`.computed.ComputedHistory` recomputes them from revisions when asked for
another language than the page's own (the log keeps the texts in the page's
language) or when ``RENCONTRES_HISTORY_SOURCE = "revisions"`` (a fallback while the
log is repaired, and the reference the log is compared with).

Public API (also used by the JSON API, see ``as_dict()``)::

    published_versions(page, language=None) -> list[Version]   # newest first
    version_changes(page, number, language=None) -> list[FieldChange]
    last_version(page) -> Version | None                        # « Mis à jour le »
    PageHistory(page, language=None)   # the object they use; one per request
"""

from wagtail.models import Page

from ..conf import conf
from .base import (
    HISTORY_ROUTES,
    PUBLISH_ACTIONS,
    ROUTE_FEED,
    ROUTE_LIST,
    ROUTE_VERSION,
    BaseHistory,
    Version,
    VersionNotFound,
    is_public,
)
from .computed import ComputedHistory, computed_last_version
from .logged import LoggedHistory

#: ``RENCONTRES_HISTORY_SOURCE`` values.
SOURCE_LOG = "log"
SOURCE_REVISIONS = "revisions"


def _content_language(page):
    locale = getattr(page, "locale", None)
    return locale.language_code if locale is not None else conf.source_language


def reads_revisions(page, language=None):
    """Whether the history of ``page`` in ``language`` is computed from revisions."""
    if conf.HISTORY_SOURCE == SOURCE_REVISIONS:
        return True
    return bool(language) and language != _content_language(page)


def PageHistory(page, language=None, **kwargs):  # a function: it chooses the reader
    """The history of ``page`` (a :class:`~.base.BaseHistory`): from the publication
    log, or computed from revisions (see the module's docstring).

    ``language`` sets the language of labels and dates (default: the active one);
    ``require_public`` (default true): a page that is not live and public has no
    versions; ``request`` builds the URLs; ``public`` skips the visibility check."""
    page = page.specific if type(page) is Page else page
    reader = ComputedHistory if reads_revisions(page, language) else LoggedHistory
    return reader(page, language=language, **kwargs)


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
    jour le … » on the page itself: two small queries (view restrictions, the log)."""
    if not page.live or not page.pk:
        return None
    if reads_revisions(page):
        return computed_last_version(page, request=request)
    history = LoggedHistory(page, request=request)
    return history.last_version()


__all__ = [
    "HISTORY_ROUTES",
    "PUBLISH_ACTIONS",
    "ROUTE_FEED",
    "ROUTE_LIST",
    "ROUTE_VERSION",
    "SOURCE_LOG",
    "SOURCE_REVISIONS",
    "BaseHistory",
    "ComputedHistory",
    "LoggedHistory",
    "PageHistory",
    "Version",
    "VersionNotFound",
    "is_public",
    "last_version",
    "published_versions",
    "reads_revisions",
    "version_changes",
]
