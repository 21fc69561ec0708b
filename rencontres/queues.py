"""The task queues of the plugin (Django's tasks API), by how urgent and how slow their work is.

A separate queue per kind of work, so that a long import or a partner's dead endpoint
never delays what editors wait for. Workers take queues by group (``WORKERS``): each
group is one ``db_worker`` process (or more, to scale out).

This module imports nothing from Django, so that settings can list the queues::

    from rencontres.queues import QUEUES

    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}}
"""

#: Wagtail's own short jobs (search and reference index updates, file deletions, and
#: its cache purges unless sent to PURGE).
DEFAULT = "default"
#: Purges of the HTTP cache in front of the site.
PURGE = "purge"
#: Pushing synchronised fields of a published page to its translations.
TRANSLATIONS = "translations"
#: Calls to partners' endpoints (webhooks): may time out, retried for hours.
WEBHOOKS = "webhooks"
#: Geocoding addresses through an external service.
GEOCODING = "geocoding"
#: Imports (Decidim files or URLs): minutes of work each.
IMPORTS = "imports"

QUEUES = [DEFAULT, PURGE, TRANSLATIONS, WEBHOOKS, GEOCODING, IMPORTS]

#: Worker processes and the queues each one takes: what editors wait for, then calls
#: to outside services, then imports. ``make serve`` starts one process per group.
WORKERS = {
    "editorial": [DEFAULT, PURGE, TRANSLATIONS],
    "outbound": [WEBHOOKS, GEOCODING],
    "imports": [IMPORTS],
}
