"""What every reader of a page's history shares: :class:`Version`, the routes, the
visibility rule and :class:`BaseHistory` (the page, its language, time zone, URLs and
numbered versions).

Two readers derive from it: :class:`~.logged.LoggedHistory`, which reads the
publication log (what the public sees), and :class:`~.computed.ComputedHistory`, which
recomputes the versions from revisions (the back-fill of the log, and the check that
both agree).
"""

import datetime as dt
from functools import cached_property

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, PageViewRestriction

from ..conf import conf
from .fields import history_fields
from .text import PublishedAtFormatter, format_published_at, language_name

#: Log actions that mean "this revision went live".
PUBLISH_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")

#: Names of the routes of a page's history (see ``RencontrePage``).
ROUTE_LIST = "rencontre_history"
ROUTE_VERSION = "rencontre_history_version"
ROUTE_FEED = "rencontre_history_feed"
HISTORY_ROUTES = frozenset({ROUTE_LIST, ROUTE_VERSION, ROUTE_FEED})


def show_author():
    """Whether public pages name who published a version (default: no)."""
    return conf.HISTORY_SHOW_AUTHOR


def iso_formatter():
    """``value -> text``: :attr:`Version.published_at_iso` for many dates, the active
    time zone looked up once (what ``timezone.template_localtime`` does for each)."""
    tz = timezone.get_current_timezone() if settings.USE_TZ else None

    def iso(value):
        aware = value.utcoffset() is not None
        if tz is not None and aware and getattr(value, "convert_to_local_time", True):
            value = value.astimezone(tz)
        return value.replace(microsecond=0).isoformat()

    return iso


class Version:
    """A publication that changed at least one public field.

    ``number`` counts from 1 (the first publication) to ``total``; ``published_at`` is
    when it went live; ``url`` is its public page (``None`` if the page has no route).
    ``changes`` (a list of :class:`~.diffs.FieldChange`) may be loaded on first use by
    ``loader``, the names and labels of the changed fields being known (``fields``,
    ``[(name, display label)]``): a list of versions never loads their texts.
    """

    def __init__(
        self,
        number,
        total,
        published_at,
        revision_id,
        previous_revision_id=None,
        url=None,
        changes=None,
        author=None,
        tzinfo=None,
        *,
        fields=None,
        loader=None,
    ):
        self.number = number
        self.total = total
        self.published_at = published_at
        self.revision_id = revision_id
        self.previous_revision_id = previous_revision_id
        self.url = url
        self.author = author
        self.tzinfo = tzinfo
        self._changes = changes
        self._fields = fields
        self._loader = loader

    def __repr__(self):
        return f"<Version {self.number}/{self.total} {self.published_at.isoformat()}>"

    def __getstate__(self):  # cached by the computed history: never the loader
        state = dict(self.__dict__)
        state["_changes"] = self.changes
        state["_loader"] = None
        return state

    @property
    def changes(self):
        if self._changes is None:
            self._changes = self._loader() if self._loader is not None else []
        return self._changes

    @property
    def is_latest(self):
        return self.number == self.total

    @property
    def title(self):
        title = self.__dict__.get("_title")
        if title is None:
            title = _("Version %(number)s (sur %(total)s)")
        return title % {"number": self.number, "total": self.total}

    @property
    def published_at_text(self):
        text = self.__dict__.get("_published_at_text")
        if text is None:
            formatter = self.__dict__.get("_published_at_formatter")
            if formatter is not None:  # the list's, shared: written when first asked
                text = self._published_at_text = formatter(self.published_at)
            else:
                text = format_published_at(self.published_at, self.tzinfo)
        return text

    @property
    def published_at_iso(self):
        """The publication time in the active time zone, ISO 8601 to the second: a valid
        HTML ``<time datetime>`` (``|date:"c"`` writes microseconds, which HTML refuses
        beyond three digits)."""
        return iso_formatter()(self.published_at)

    @property
    def changed_fields(self):
        """Names of the fields this version changed."""
        if self._fields is not None:
            return [name for name, _label in self._fields]
        return [change.name for change in self.changes]

    @property
    def changed_labels(self):
        """Their labels as the public sees them (« Description (…) (Français) »)."""
        if self._fields is not None:
            return [label for _name, label in self._fields]
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
            "changed_fields": self.changed_fields,
        }
        if self.author is not None:
            data["author"] = self.author
        if with_changes:
            data["changes"] = [change.as_dict() for change in self.changes]
        return data


class VersionNotFound(LookupError):
    """No published version with that number (or the page is not public)."""


def is_public(page):
    """Live and without view restrictions (password, login, groups) on it or an ancestor
    (one query: the rule of :func:`rencontres.selectors.published_q`, by tree path)."""
    if not page.live:
        return False
    step = page.steplen
    paths = [page.path[:end] for end in range(step, len(page.path) + 1, step)]
    return not PageViewRestriction.objects.filter(page__path__in=paths).exists()


def restricted_paths(exclude=None):
    """The tree paths of the pages under a view restriction (one query), but the
    restriction ``exclude`` (its id).

    A page is private when one of them starts its own path: the rule of
    :func:`rencontres.selectors.published_q` (Wagtail's ``private_q``), applied in
    memory so that the recording can leave out a restriction being added or removed,
    or judge a page at its place before a move."""
    restrictions = PageViewRestriction.objects.all()
    if exclude is not None:
        restrictions = restrictions.exclude(pk=exclude)
    return set(restrictions.values_list("page__path", flat=True))


def visibility(pages, paths=None):
    """``{page id: whether the page is live and public}`` for ``pages`` (one query, or
    none with the ``paths`` of :func:`restricted_paths`)."""
    if paths is None:
        paths = restricted_paths()
    return {
        page.pk: bool(page.live) and not any(page.path.startswith(path) for path in paths)
        for page in pages
    }


class BaseHistory:
    """The published versions of one page (use one per request).

    ``language`` sets the language of labels and dates (default: the active one).
    With ``require_public`` (the default), a page that is not live and public has no
    versions at all. Subclasses compute :meth:`_versions` (oldest first, numbered).
    """

    def __init__(self, page, language=None, *, require_public=True, request=None, public=None):
        self.page = page.specific if type(page) is Page else page
        self.language = language
        self.require_public = require_public
        self.request = request
        if public is not None:  # already checked by the caller
            self.__dict__["is_public"] = public

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
    def content_language(self):
        """The language code of the page's content."""
        locale = getattr(self.page, "locale", None)
        return locale.language_code if locale is not None else conf.source_language

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

    @cached_property
    def versions(self):
        """Every version, oldest first (``newest_first`` gives the public order), with
        its URL, title and date as text (translated once for the whole list: a list of
        200 versions would otherwise spend most of its time translating; the dates are
        written when first read, a version's page reads one or three)."""
        if self.require_public and not self.is_public:
            return []
        versions = self._versions()
        if not versions:
            return versions
        prefix = self.version_url_prefix
        title = _("Version %(number)s (sur %(total)s)")
        published_at = PublishedAtFormatter(self.tzinfo)
        for version in versions:
            version.url = (
                f"{prefix}{version.number}/"
                if prefix is not None
                else self.url_for(ROUTE_VERSION, version.number)
            )
            version._title = title
            version._published_at_formatter = published_at
        return versions

    @cached_property
    def version_url_prefix(self):
        """What the URL of every version starts with, its number and a slash ending it
        (the route reversed once), or ``None`` if the URLs do not read so."""
        sample = self.url_for(ROUTE_VERSION, 1)
        if sample is None or not sample.endswith("/1/"):
            return None
        return sample[: -len("1/")]

    def _versions(self):
        raise NotImplementedError

    @property
    def newest_first(self):
        return list(reversed(self.versions))

    def version(self, number):
        """The version ``number`` (1-based); raises :class:`VersionNotFound`."""
        if not isinstance(number, int) or not 1 <= number <= len(self.versions):
            raise VersionNotFound(number)
        return self.versions[number - 1]

    def last_version(self):
        """The latest version (``None`` if there is none)."""
        return self.versions[-1] if self.versions else None

    def authors(self, user_ids):
        """``{user id: name}`` of who published, when the history names them."""
        if not show_author():
            return {}
        names = {}
        for user in get_user_model()._default_manager.filter(pk__in=set(user_ids) - {None}):
            full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
            names[user.pk] = full_name or user.get_username()
        return names
