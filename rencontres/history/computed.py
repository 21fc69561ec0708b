"""A page's published versions recomputed from its revisions: the history as it was
computed before the publication log existed, kept to back-fill the log
(:mod:`.backfill`), to check that the log says the same
(``manage.py publication_log comparer``), for a history asked in a language other than
the page's own (its texts are then written in that language), and as a fallback
(``RENCONTRES_HISTORY_SOURCE = "revisions"``).

Wagtail keeps every save as a :class:`~wagtail.models.Revision`;
:class:`ComputedHistory` turns the *published* ones into numbered versions, as Decidim
did ("Version 2 (sur 2)"), but without Decidim's faults:

* only publications count: a revision is a version when a ``wagtail.publish`` (or
  ``wagtail.publish.scheduled``, a scheduled revision going live) log entry names it;
  drafts, scheduled revisions that have not gone live, and every revision of a page
  that is not live and public never appear;
* a publication that changed no public field is not a version (no empty versions);
  version 1 is the first publication, every non-empty field shown as added;
* only the public fields (:mod:`.fields`) are compared, as readable text
  (:mod:`.revisions`); values redacted by an administrator (:mod:`.redaction`) are
  masked.

Cost: one query loads every published revision's content with its log entry, then
one query per kind of referenced object (départements, organisations, images,
documents, pages); everything else is computed in Python. The number of queries does
not grow with the number of revisions, but the time does: the log reads faster.
"""

from functools import cached_property

from django.utils import translation
from wagtail.models import PageLogEntry

from ..conf import conf
from ..faults import cache_get, cache_set
from .base import PUBLISH_ACTIONS, ROUTE_VERSION, BaseHistory, Version, show_author
from .diffs import FieldChange
from .fields import known_keys
from .redaction import Masker, redactions_for
from .references import Resolver
from .revisions import MISSING, RevisionReader, finaliser


def cache_timeout():
    """Seconds the computed versions of a page stay cached (0: not cached)."""
    return conf.HISTORY_CACHE_TIMEOUT


class ComputedHistory(BaseHistory):
    """The published versions of one page, computed from its revisions (one per request)."""

    def _versions(self):
        """Cached (``RENCONTRES_HISTORY_CACHE_TIMEOUT`` seconds, default an hour; 0 turns
        the cache off) under a key that changes with every publication of the page."""
        language = self.language or translation.get_language()
        key = self._cache_key(language)
        versions = cache_get(key) if key else None
        if versions is None:
            with translation.override(language):
                versions, _snapshots = self.compute()
            if key:
                cache_set(key, versions, cache_timeout())
        return versions

    def _cache_key(self, language):
        """A key naming the page's latest publication and redaction, so that any
        publication, even of a page object loaded earlier, computes the versions anew."""
        if not cache_timeout() or not self.page.pk:
            return None
        latest = (
            self._publications().order_by("-timestamp", "-pk").values_list("pk", flat=True).first()
        )
        if latest is None:
            return None
        redacted = "-".join(str(redaction.pk) for redaction in self.redactions)
        return (
            f"rencontres:history:{self.page.pk}:{latest}:{language}:"
            f"{int(bool(show_author()))}:{redacted}"
        )

    def _publications(self):
        return PageLogEntry.objects.filter(
            page_id=self.page.pk,
            action__in=PUBLISH_ACTIONS,
            revision__isnull=False,
            revision__object_id=str(self.page.pk),
        )

    def _entries(self):
        """``(revision_id, timestamp, content, user_id, action)`` of each publication,
        oldest first."""
        return list(
            self._publications()
            .order_by("timestamp", "pk")
            .values_list("revision_id", "timestamp", "revision__content", "user_id", "action")
        )

    @cached_property
    def redactions(self):
        return redactions_for(self.page.pk) if self.page.pk else []

    def compute(self):
        """``(versions, snapshots)``: the versions, oldest first (each with the
        ``user_id`` and log ``action`` of its publication), and the public content of
        every published revision (``{revision id: {field name: tuple of lines}}``,
        fields the revision did not hold left out), in the active language."""
        entries = self._entries()
        model = type(self.page)
        resolver = Resolver()
        reader = RevisionReader(model, self.specs, resolver, known_keys(model))
        snapshots = [reader.read(content or {}) for _rev, _ts, content, _user, _act in entries]
        resolver.resolve()
        finalise = finaliser()
        snapshots = [finalise(values, removed)[0] for values, removed in snapshots]
        if self.redactions:
            mask = Masker(self.redactions, self.page.pk)
            snapshots = [mask.snapshot(values) for values in snapshots]

        authors = self.authors(user_id for *_rest, user_id, _action in entries)
        versions = []
        published = {}
        previous = None
        previous_revision_id = None
        for (revision_id, timestamp, _content, user_id, action), snapshot in zip(
            entries, snapshots, strict=True
        ):
            changes = self._changes(previous, snapshot)
            if changes:
                version = Version(
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
                version.user_id = user_id
                version.action = action
                versions.append(version)
            published[revision_id] = {
                name: lines for name, lines in snapshot.items() if lines is not MISSING
            }
            previous = snapshot
            previous_revision_id = revision_id
        for version in versions:
            version.total = len(versions)
        return versions, published

    def _changes(self, previous, values):
        prev_values = previous if previous is not None else {}
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
        return changes


def computed_last_version(page, request=None):
    """The latest computed version of a live, public page (``None`` if it has none).
    Its number and date are cached under a key that changes with every publication."""
    if not page.live or not page.pk or page.get_view_restrictions().exists():
        return None
    history = ComputedHistory(page, request=request, public=True)
    published = page.last_published_at.timestamp() if page.last_published_at else ""
    key = f"rencontres:history:last:{page.pk}:{page.live_revision_id}:{published}"
    cached = cache_get(key) if cache_timeout() else None
    if cached is None:
        latest = history.versions[-1] if history.versions else None
        cached = (latest.number, latest.published_at, latest.revision_id) if latest else (0,)
        if cache_timeout():
            cache_set(key, cached, cache_timeout())
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
