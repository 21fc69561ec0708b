"""A page's published versions read from the publication log: what the public history
pages, their feed, the history API and « Mis à jour le » show.

Each version is a publication event that changed public content
(:class:`~rencontres.models.PublicationEvent`, ``is_version``), recorded with its
changes when it happened (:mod:`.recording`). Reading them costs one query for the
list (the changed fields' names, never their texts) and one more for the changes of
the version shown, whatever the number of versions.

Only the fields the page model declares public *now* are shown: a field taken off
``public_history_fields`` disappears from every past version, and a version that
changed nothing else is no longer a version (the numbers follow).
"""

from contextlib import nullcontext
from functools import cached_property, partial

from django.utils import translation

from ..models import PublicationEvent
from .base import BaseHistory, Version, show_author
from .diffs import FieldChange
from .text import language_name


class LoggedHistory(BaseHistory):
    """The published versions of one page, from the publication log (one per request)."""

    def _language(self):
        return translation.override(self.language) if self.language else nullcontext()

    def _rows(self):
        rows = list(
            PublicationEvent.objects.of_page(self.page.pk)
            .versions()
            .values_list("pk", "time", "revision_id", "user_id", "changed_fields", "locale")
        )
        if rows:  # the page's language, as its events say: no query for its locale
            self.__dict__["content_language"] = rows[0][-1]
        return [row[:-1] for row in rows]

    @cached_property
    def language_name(self):
        return language_name(self.content_language)

    def _versions(self):
        if not self.page.pk:
            return []
        order = {spec.name: position for position, spec in enumerate(self.specs)}
        shown_of = {}  # the names an event lists -> those shown, in the specs' order
        rows = []
        for pk, time, revision_id, user_id, names in self._rows():
            key = tuple(names)
            shown = shown_of.get(key)
            if shown is None:
                shown = shown_of[key] = tuple(
                    sorted((name for name in names if name in order), key=order.__getitem__)
                )
            if shown:
                rows.append((pk, time, revision_id, user_id, shown))
        named = show_author()
        authors = self.authors(row[3] for row in rows) if named else {}
        versions = []
        previous_revision_id = None
        total = len(rows)
        tzinfo = self.tzinfo
        load = self._load
        with self._language():
            specs = {spec.name: spec for spec in self.specs}
            shown_names = set(shown_of.values())
            labels = {name: self._display_label(specs[name]) for key in shown_names for name in key}
            fields_of = {shown: [(name, labels[name]) for name in shown] for shown in shown_names}
            for number, (pk, time, revision_id, user_id, names) in enumerate(rows, start=1):
                versions.append(
                    Version(
                        number=number,
                        total=total,
                        published_at=time,
                        revision_id=revision_id,
                        previous_revision_id=previous_revision_id,
                        author=authors.get(user_id, "") if named else None,
                        tzinfo=tzinfo,
                        fields=fields_of[names],
                        loader=partial(load, pk, names),
                    )
                )
                previous_revision_id = revision_id
        return versions

    def _display_label(self, spec):
        if spec.translatable and self.language_name:
            return f"{spec.label} ({self.language_name})"
        return str(spec.label)

    def _load(self, event_id, names):
        """The changes of one version (one query)."""
        changes = (
            PublicationEvent.objects.filter(pk=event_id).values_list("changes", flat=True).first()
        ) or {}
        specs = {spec.name: spec for spec in self.specs}
        with self._language():
            return [
                FieldChange(
                    name=name,
                    label=str(specs[name].label),
                    language=self.content_language if specs[name].translatable else None,
                    language_name=str(self.language_name) if specs[name].translatable else None,
                    before=tuple(changes[name]["before"]),
                    after=tuple(changes[name]["after"]),
                )
                for name in names
                if name in changes
            ]
