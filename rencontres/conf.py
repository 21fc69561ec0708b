"""Every setting of the plugin, with its default and meaning: the only place they are read.

A host project sets ``RENCONTRES_<NAME>`` in its settings; code reads ``conf.NAME``
(looked up on each access, so ``override_settings`` in tests works)::

    from rencontres.conf import conf

    conf.PER_PAGE
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Setting:
    default: object
    doc: str


#: ``RENCONTRES_<NAME>``: default and meaning.
SETTINGS = {
    "PER_PAGE": Setting(12, "Rencontres per page of the public listing."),
    "FEED_ITEMS": Setting(30, "Items of the listing's RSS and Atom feeds."),
    "ICAL_MAX_EVENTS": Setting(500, "Events in the listing's calendar (agenda.ics)."),
    "ICAL_REFRESH": Setting("PT12H", "REFRESH-INTERVAL of the calendars (an iCalendar duration)."),
    "ICAL_UID_DOMAIN": Setting(
        "", "Domain of the calendar events' UIDs; empty: the site's host name."
    ),
    "API_CACHE_MAX_AGE": Setting(
        300, "Seconds of Cache-Control: max-age on API responses (0: no-cache)."
    ),
    "HISTORY_CACHE_TIMEOUT": Setting(
        60 * 60,
        "Seconds a page's public history computed from revisions (HISTORY_SOURCE = "
        '"revisions", or another language than the page\'s) stays cached (0: not '
        "cached); a publication replaces it at once whatever the value.",
    ),
    "HISTORY_SOURCE": Setting(
        "log",
        'Where the public history reads the versions: "log" (the publication log, '
        'written at publication) or "revisions" (recomputed from revisions on '
        "request, as before the log existed: slower; a fallback while the log is "
        "repaired).",
    ),
    "CHANGES_RETENTION_DAYS": Setting(
        90,
        "Days the change log of the API answers for: an older cursor gets 410 Gone "
        "(the consumer resynchronises), and « manage.py publication_log purger » "
        "deletes the older events that are not versions of the history.",
    ),
    "CHANGES_SETTLE_SECONDS": Setting(
        5,
        "Events younger than this are not listed yet by the change log, so that an "
        "event whose transaction commits late is never skipped by a consumer that "
        "already read past its time.",
    ),
    "CHANGES_PAGE_SIZE": Setting(
        100, "Entries of the change log per page (the most a consumer may ask with ?limit=)."
    ),
    "HISTORY_SHOW_AUTHOR": Setting(
        False, "Whether the public history names who published each version."
    ),
    "SYNC_TRANSLATIONS": Setting(
        True,
        "Whether publishing a source page (or saving an organisation) pushes its "
        "synchronised fields to its translations.",
    ),
    "IMPORT_MAX_FILE_SIZE": Setting(
        50 * 1024 * 1024,
        "Bytes of the largest file the Decidim import accepts (a CSV, a JSON or the "
        "open-data ZIP, as uploaded, downloaded or read from disk).",
    ),
    "IMPORT_MAX_UNCOMPRESSED_SIZE": Setting(
        200 * 1024 * 1024,
        "Bytes the Decidim import decompresses at most from a ZIP (the meetings file "
        "inside it): beyond, the archive is refused as a ZIP bomb.",
    ),
    "IMPORT_MAX_COMPRESSION_RATIO": Setting(
        200,
        "Largest ratio of decompressed to compressed size of the meetings file inside a "
        "ZIP (checked past its first megabyte): beyond, the archive is refused as a ZIP bomb.",
    ),
    "TASK_MAX_ATTEMPTS": Setting(
        5,
        "Attempts of a retrying task (rencontres.tasks.retrying_task) before it is "
        "given up and recorded as a TaskFailure; a task may set its own.",
    ),
    "TASK_RETRY_DELAY": Setting(
        30, "Seconds before a failed task's first retry; each next wait doubles."
    ),
    "TASK_RETRY_MAX_DELAY": Setting(
        60 * 60, "Longest wait, in seconds, between two attempts of a retrying task."
    ),
    "INDEX_PARENT_PAGE_TYPES": Setting(
        None,
        "Page types under which a rencontres index may be created (« app.Model » "
        "labels); None: any page.",
    ),
}


class Conf:
    """``conf.NAME`` is ``settings.RENCONTRES_NAME`` or its default from :data:`SETTINGS`."""

    def __getattr__(self, name):
        try:
            setting = SETTINGS[name]
        except KeyError:
            raise AttributeError(f"unknown rencontres setting {name!r}") from None
        return getattr(settings, f"RENCONTRES_{name}", setting.default)

    # -- project settings the plugin reads -------------------------------------

    @property
    def source_language(self):
        """The language content is written in (``LANGUAGE_CODE``)."""
        return settings.LANGUAGE_CODE

    @property
    def content_languages(self):
        """``(code, name)`` of the content's languages, the source first."""
        languages = getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", None) or settings.LANGUAGES
        return list(languages)

    @property
    def site_name(self):
        return getattr(settings, "WAGTAIL_SITE_NAME", "")

    @property
    def allow_unicode_slugs(self):
        return getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)


conf = Conf()
