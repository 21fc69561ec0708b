"""The Decidim import: compare each meeting with what was last imported, then create,
update or leave its rencontre page, and say what happened.

For each row of the export:

* its fingerprint equals the one recorded at the last import: **unchanged**, nothing
  is read or written (the fast path of a re-import);
* it cannot be mapped (no title, unreadable date, unknown département, end before
  start, a page that would not validate): **skipped**, with its line and reasons;
* no page has its Decidim id yet: **created**, in batches by :class:`BulkPageCreator`;
* otherwise the page is **updated**, in its own transaction, with the fields Decidim
  changed since the last import (a new revision, published) — except the fields an
  editor changed here since then: those keep the editor's value and are reported as
  **conflicts**. A page with unpublished changes gets the update as a draft revision.

English (or any other content language) values become the page's translation through
wagtail-localize (:mod:`.translations`). With ``dry_run`` the same decisions are made
and reported, and nothing is written.

Callers (the command, the admin) use :func:`preview_import` and :func:`perform_import`
on a file read by :mod:`.files`; both return an :class:`ImportReport`.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from ..conf import conf
from ..models import Departement, ImportRecord, RencontrePage
from ..models.choices import RencontreFormat
from ..places.tasks import deferred as geocoding_deferred
from .decidim import (
    DepartementLookup,
    Meeting,
    MeetingMapper,
    RowError,
    clean_text,
    source_hash,
    translated,
)
from .report import Change, Conflict, ImportReport, Inference
from .translations import ensure_translated_ancestors, get_locale, translate_page, translation_of
from .validation import conflict_values, diff_fields, validate_page, validation_reasons
from .writer import (
    STREAM_FIELDS,
    BulkPageCreator,
    SlugAllocator,
    fingerprint,
    fingerprints,
    reuse_block_ids,
)

BATCH_SIZE = 250


class StopImport(Exception):  # noqa: N818 - a request, not a fault
    """Raised by a ``progress`` callback to stop an import (a cancellation): what is
    written stays written, whole; the report says where it stopped."""


class _Rollback(Exception):  # noqa: N818 - internal control flow
    def __init__(self, reasons):
        self.reasons = reasons


class DecidimImporter:
    """Imports Decidim meetings as rencontres under ``index`` (see the module doc)."""

    def __init__(
        self,
        index,
        *,
        dry_run=False,
        user=None,
        batch_size=BATCH_SIZE,
        progress: Callable[[str, int, int], None] | None = None,
    ):
        self.index = index
        self.dry_run = dry_run
        self.user = user
        self.batch_size = batch_size
        self.progress = progress or (lambda phase, done, total: None)
        self.source_language = index.locale.language_code
        languages = [code for code, _name in conf.content_languages]
        self.mapper = MeetingMapper(
            DepartementLookup(Departement.objects.all()), self.source_language, languages
        )
        self.creator = BulkPageCreator(index, user=user)
        self.report = ImportReport(dry_run=dry_run)
        self._pending = []
        self._to_translate = []
        self._locales = {}

    # -- entry point -----------------------------------------------------------------

    def run(self, rows):
        report = self.report
        report.total = len(rows)
        ids = {clean_text(row.data.get("id")) for row in rows} - {""}
        records = self._records(ids)
        orphans = dict(
            RencontrePage.objects.filter(
                decidim_id__in=ids - set(records), locale_id=self.index.locale_id
            ).values_list("decidim_id", "id")
        )
        self.slugs = SlugAllocator(
            Page.objects.filter(
                path__startswith=self.index.path, depth=self.index.depth + 1
            ).values_list("slug", flat=True),
            routed=getattr(self.index.specific_deferred, "routes_slug", None),
        )
        seen = {}
        line = 0
        try:
            for done, row in enumerate(rows, start=1):
                line = row.line
                self._row(row, records, orphans, seen)
                self.progress("rows", done, len(rows))
        except StopImport:
            # The rows read are written whole (their batch too); their translations
            # are left to the next import, which finds their fingerprint empty.
            self._flush()
            report.cancelled, report.stopped_at = True, line
            return report
        self._flush()
        try:
            self._translate_created()
        except StopImport:
            report.cancelled, report.stopped_at = True, line
        return report

    def _records(self, ids):
        records = {}
        ids = sorted(ids)
        for start in range(0, len(ids), 1000):
            for record in ImportRecord.objects.filter(decidim_id__in=ids[start : start + 1000]):
                records[record.decidim_id] = record
        return records

    # -- one row ---------------------------------------------------------------------

    def _row(self, row, records, orphans, seen):
        decidim_id = clean_text(row.data.get("id"))
        if decidim_id and decidim_id in seen:
            reason = _("identifiant Decidim en double (déjà ligne %(line)s)") % {
                "line": seen[decidim_id]
            }
            self._skip(RowError(row.line, decidim_id, [reason]))
            return
        seen[decidim_id] = row.line
        record = records.get(decidim_id)
        if record is not None and record.source_hash == source_hash(row.data):
            if record.page_id is None:
                self._skip(RowError(row.line, decidim_id, [self._deleted_reason()]))
            else:
                title = translated(row.data, "title", self.source_language)
                self.report.unchanged.append(Change(row.line, decidim_id, title))
            return
        meeting = self.mapper.map(row)
        if isinstance(meeting, RowError):
            self._skip(meeting)
        elif record is not None and record.page_id is None:
            self._skip(RowError(row.line, decidim_id, [self._deleted_reason()]))
        elif record is not None or decidim_id in orphans:
            page_id = record.page_id if record is not None else orphans[decidim_id]
            self._update(meeting, record, page_id)
        else:
            self._create(meeting)

    def _deleted_reason(self):
        return _("la rencontre a été supprimée sur ce site depuis le dernier import : non recréée")

    def _skip(self, error):
        self.report.skipped.append(error)

    def _infer(self, meeting):
        inferred = meeting.inferred_format
        if inferred is not None:
            label = str(RencontreFormat(inferred.format).label)
            self.report.inferred.append(
                Inference(
                    meeting.line,
                    meeting.decidim_id,
                    meeting.title,
                    inferred.format,
                    label,
                    inferred.reason,
                )
            )

    # -- creation --------------------------------------------------------------------

    def _create(self, meeting: Meeting):
        page = RencontrePage(
            decidim_id=meeting.decidim_id, decidim_url=meeting.decidim_url, **meeting.fields
        )
        page.slug = self.slugs.allocate(meeting.title)
        self.creator.prepare(page)
        reasons = validate_page(page)
        if reasons:
            self._skip(RowError(meeting.line, meeting.decidim_id, reasons))
            return
        self.report.created.append(Change(meeting.line, meeting.decidim_id, meeting.title))
        self._infer(meeting)
        if self.dry_run:
            return
        source, fields = self.source_language, meeting.fields
        values = fingerprints(fields)
        # What the page holds is most often the very value mapped: its digest is known.
        written = {
            name: values[name]
            if getattr(page, name) is value
            else fingerprint(name, getattr(page, name))
            for name, value in fields.items()
        }
        record = ImportRecord(
            decidim_id=meeting.decidim_id,
            decidim_url=meeting.decidim_url,
            # Known only once the translations are written (see _translate_created).
            source_hash="" if meeting.translations else meeting.source_hash,
            values={source: values},
            written={source: written},
            imported_at=timezone.now(),
        )
        self._pending.append((page, record))
        if meeting.translations:
            self._to_translate.append((meeting, page, record))
        if len(self._pending) >= self.batch_size:
            self._flush()

    def _flush(self):
        if self._pending:
            self.creator.create(self._pending)
            self._pending = []

    def _translate_created(self):
        total = len(self._to_translate)
        for done, (meeting, page, record) in enumerate(self._to_translate, start=1):
            for language in meeting.translations:
                self._ready_locale(language)  # outside the page's transaction, parents first
            mark = self.report.mark()
            try:
                with transaction.atomic():
                    self._translate(meeting, page, record, french_changed=False)
                    record.source_hash = meeting.source_hash
                    record.save(update_fields=["values", "written", "source_hash"])
            except ValidationError as error:
                # The page stays, untranslated; its empty fingerprint makes the next
                # import try again.
                self.report.reset(mark)
                self.report.translation_errors.append(
                    RowError(meeting.line, meeting.decidim_id, validation_reasons(error))
                )
            self.progress("translations", done, total)

    # -- update ----------------------------------------------------------------------

    def _update(self, meeting: Meeting, record, page_id):
        if meeting.translations and not self.dry_run:
            for language in meeting.translations:
                self._ready_locale(language)
        mark = self.report.mark()
        try:
            with transaction.atomic():
                self._update_in_transaction(meeting, record, page_id)
        except _Rollback as rollback:
            self.report.reset(mark)
            self._skip(RowError(meeting.line, meeting.decidim_id, rollback.reasons))
        except ValidationError as error:  # a translation the page model refuses
            self.report.reset(mark)
            self._skip(RowError(meeting.line, meeting.decidim_id, validation_reasons(error)))
        except RencontrePage.DoesNotExist:
            self.report.reset(mark)
            self._skip(RowError(meeting.line, meeting.decidim_id, [self._deleted_reason()]))

    def _update_in_transaction(self, meeting, record, page_id):
        source = self.source_language
        if record is None:
            record = ImportRecord(decidim_id=meeting.decidim_id, page_id=page_id)
        elif not self.dry_run:
            record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        pages = RencontrePage.objects.select_related("departement")
        if not self.dry_run:
            pages = pages.select_for_update(of=("self", "page_ptr"))
        page = pages.get(pk=page_id)
        draft = page.get_latest_revision_as_object() if page.has_unpublished_changes else page
        new_values = fingerprints(meeting.fields)
        written = dict(record.written.get(source, {}))
        current = {name: fingerprint(name, getattr(draft, name)) for name in new_values}
        changes, conflicts = diff_fields(
            current, new_values, record.values.get(source, {}), written
        )
        if conflicts:
            values = conflict_values(draft, meeting.fields, conflicts)
            self.report.conflicts.append(
                Conflict(meeting.line, meeting.decidim_id, draft.title, source, conflicts, values)
            )
        self._infer(meeting)
        is_draft = page.has_unpublished_changes or not page.live
        if changes:
            for name in changes:
                value = meeting.fields[name]
                if name in STREAM_FIELDS:
                    value = reuse_block_ids(list(getattr(draft, name).raw_data), value)
                setattr(draft, name, value)
            draft.decidim_url = meeting.decidim_url
            reasons = validate_page(draft, check_slug=True)
            if reasons:
                raise _Rollback(reasons)
            change = Change(meeting.line, meeting.decidim_id, draft.title, changes, is_draft)
            self.report.updated.append(change)
            if not self.dry_run:
                revision = draft.save_revision(user=self.user, log_action=True, clean=False)
                if not is_draft:
                    revision.publish(user=self.user, log_action=True)
                for name in changes:
                    written[name] = fingerprint(name, getattr(draft, name))
        elif page.decidim_url != meeting.decidim_url and not self.dry_run:
            RencontrePage.objects.filter(pk=page.pk).update(decidim_url=meeting.decidim_url)

        translations_done, translated = True, []
        if meeting.translations:
            if is_draft and changes:
                translations_done = False  # never publish a translation of unpublished content
            else:
                translated = self._translate(meeting, draft, record, french_changed=bool(changes))
                if translated and not changes:
                    self.report.updated.append(
                        Change(meeting.line, meeting.decidim_id, draft.title, translated)
                    )
        if not changes and not translated:
            self.report.unchanged.append(Change(meeting.line, meeting.decidim_id, draft.title))
        if self.dry_run:
            return
        record.values[source] = new_values
        record.written[source] = written
        record.decidim_url = meeting.decidim_url
        record.source_hash = meeting.source_hash if translations_done else ""
        record.imported_at = timezone.now()
        record.save()

    # -- translations ----------------------------------------------------------------

    def _ready_locale(self, language):
        if language not in self._locales:
            locale = get_locale(language)
            ensure_translated_ancestors(self.index, locale)
            self._locales[language] = locale
        return self._locales[language]

    def _existing_locale(self, language):
        """The locale of ``language`` if it exists (a dry run creates none)."""
        if language not in self._locales:
            locale = Locale.objects.filter(language_code=language).first()
            if locale is None:
                return None
            self._locales[language] = locale
        return self._locales[language]

    def _translate(self, meeting, page, record, *, french_changed):
        """Write the page's translations; returns the names of the fields translated
        (``"<field> (<language>)"``) for the report."""
        translated = []
        for language, values in meeting.translations.items():
            new_values = fingerprints(values)
            written = dict(record.written.get(language, {}))
            if self.dry_run:
                locale = self._existing_locale(language)
            else:
                locale = self._ready_locale(language)
            existing = translation_of(page, locale) if locale is not None else None
            if existing is None:
                to_write, conflicts = list(values), []
            else:
                current = {name: fingerprint(name, getattr(existing, name)) for name in new_values}
                to_write, conflicts = diff_fields(
                    current, new_values, record.values.get(language, {}), written
                )
                if french_changed:
                    # Translations hang on the French strings: a changed French text
                    # needs its translation again, unless an editor translated it here.
                    to_write = [
                        name
                        for name in new_values
                        if name in to_write
                        or (name not in conflicts and written.get(name) == current[name])
                    ]
            if conflicts:
                self.report.conflicts.append(
                    Conflict(
                        meeting.line,
                        meeting.decidim_id,
                        meeting.title,
                        language,
                        conflicts,
                        conflict_values(existing, values, conflicts),
                    )
                )
            if self.dry_run:
                translated.extend(f"{name} ({language})" for name in to_write)
                continue
            if to_write or (french_changed and existing is not None):
                result = translate_page(page, locale, values, fields=to_write, user=self.user)
                self.report.translated += 1
                for name in to_write:
                    value = fingerprint(name, getattr(result, name))
                    if value != written.get(name):
                        translated.append(f"{name} ({language})")
                    written[name] = value
            record.values[language] = new_values
            record.written[language] = written
        return translated


# -- entry points ----------------------------------------------------------------------


def preview_import(index, export, *, user=None):
    """What importing ``export`` (a :class:`.files.ExportFile`) into ``index`` would do:
    the import's own decisions — created, updated (which fields), unchanged, skipped
    (line, reasons), conflicts (field, value here, value in Decidim), formats inferred —
    with nothing written."""
    importer = DecidimImporter(index, dry_run=True, user=user)
    importer.report.file = export.label
    return importer.run(export.rows)


def perform_import(index, export, *, user=None, progress=None, batch_size=BATCH_SIZE):
    """Import ``export`` into ``index``; returns the :class:`ImportReport`. New pages are
    written in batches of ``batch_size``, each batch and each updated page in its own
    transaction: an interruption leaves nothing half-written, and running it again
    finishes the job."""
    importer = DecidimImporter(index, user=user, progress=progress, batch_size=batch_size)
    importer.report.file = export.label
    # The addresses to geocode go to the geocoder's batch endpoint, once, at the end.
    with geocoding_deferred():
        return importer.run(export.rows)
