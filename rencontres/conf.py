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
    "IMPORT_STALE_AFTER": Setting(
        15 * 60,
        "Seconds after which a running Decidim import that wrote no progress is taken "
        "for dead (its worker stopped): it no longer holds its index's lock.",
    ),
    "IMPORT_FETCH_TIMEOUT": Setting(
        120,
        "Seconds the download of a Decidim open-data address may take in all (redirects "
        "and body; connection and reads are bounded by the OUTBOUND_* timeouts).",
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
    # -- where rencontres are: geocoding, communes, distances, maps -----------------------
    "GEOCODER_URL": Setting(
        "",
        "Root URL of a geocoder speaking the national address base's API (/search/ and "
        "/search/csv/), e.g. https://api-adresse.data.gouv.fr; empty: no geocoding.",
    ),
    "GEOCODER_TIMEOUT": Setting(5, "Seconds the geocoder has to answer one request."),
    "GEOCODER_MIN_SCORE": Setting(
        0.5, "Lowest score (0 to 1) of a geocoder's answer that is taken as the place."
    ),
    "GEOCODER_BATCH_SIZE": Setting(
        1000, "Addresses sent at once to the geocoder's batch endpoint (imports)."
    ),
    "GEOCODER_UNCOVERED": Setting(
        ("986", "987", "988"),
        "Postcode or département prefixes the address base does not cover (overseas "
        "collectivities): never sent, located at their commune's centre.",
    ),
    "COMMUNES_PACKAGES_DIR": Setting(
        "node_modules",
        "Where manage.py load_communes reads the npm packages of communes and coordinates "
        "(relative to the current directory unless absolute).",
    ),
    "NEAR_RADII": Setting((10, 25, 50, 100), "Distances (km) offered by « Près de »."),
    "NEAR_DEFAULT_RADIUS": Setting(25, "Distance (km) of « Près de » when none is chosen."),
    "MAP_TILES_URL": Setting(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Tile server of the maps (Leaflet URL template); empty: no map is shown. Its "
        "origin must be allowed by the site's Content-Security-Policy (img-src).",
    ),
    "MAP_TILES_ATTRIBUTION": Setting(
        '© <a href="https://www.openstreetmap.org/copyright">les contributeurs d’OpenStreetMap</a>',
        "Attribution of the tiles shown on the maps (HTML).",
    ),
    "MAP_MAX_ZOOM": Setting(19, "Largest zoom level of the tile server."),
    "MAP_OPEN_URL": Setting(
        "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}",
        "Where a rencontre's page opens its place in a map service ({lat}, {lon}).",
    ),
    "MAP_OPEN_NAME": Setting("OpenStreetMap", "The name of that map service, in the link."),
    "MAP_MAX_FEATURES": Setting(
        5000, "Rencontres at most in the listing's map and its carte.geojson."
    ),
    "OUTBOUND_ALLOW_PRIVATE": Setting(
        False,
        "Whether outbound requests (webhooks, Decidim URL import: rencontres.outbound) "
        "may reach private, loopback, link-local, multicast or reserved addresses. Keep "
        "False in production: an address typed in the admin could otherwise make the "
        "server call itself or its private network.",
    ),
    "OUTBOUND_ALLOWED_NETWORKS": Setting(
        [],
        'Networks (CIDR strings, e.g. "10.1.2.0/24" or "127.0.0.1/32") outbound '
        "requests may reach although they are not public: a partner on the private "
        "network, or the local receivers of the tests.",
    ),
    "OUTBOUND_CONNECT_TIMEOUT": Setting(
        5, "Seconds an outbound request waits for the connection to open."
    ),
    "OUTBOUND_READ_TIMEOUT": Setting(
        10, "Seconds an outbound request waits for each read of the answer."
    ),
    "OUTBOUND_TIMEOUT": Setting(
        30,
        "Seconds an outbound request may take in all (connection, redirects, the whole "
        "body): beyond, it is cut off.",
    ),
    "OUTBOUND_MAX_BYTES": Setting(
        5 * 1024 * 1024,
        "Bytes of the largest answer body an outbound request accepts (a caller may ask "
        "for more, e.g. the import up to IMPORT_MAX_FILE_SIZE).",
    ),
    "OUTBOUND_MAX_REDIRECTS": Setting(
        5, "Redirects an outbound request follows at most (each new address checked)."
    ),
    "OUTBOUND_USER_AGENT": Setting(
        "Rencontres (Wagtail)", "User-Agent header of outbound requests."
    ),
    "OUTBOUND_CA_BUNDLE": Setting(
        None,
        "Path of a PEM file of certificate authorities trusted by outbound https "
        "requests; None: the system's.",
    ),
    "WEBHOOK_TIMEOUT": Setting(
        10,
        "Seconds a webhook delivery may take in all (then it counts as failed and is "
        "retried with the retry helper's backoff, TASK_* settings).",
    ),
    "WEBHOOK_DISABLE_AFTER": Setting(
        20,
        "Failed delivery attempts in a row after which a webhook endpoint is disabled "
        "(administrators see a notice in the admin); a success resets the count.",
    ),
    "WEBHOOK_SECRET_GRACE": Setting(
        24 * 60 * 60,
        "Seconds the previous secret of a webhook endpoint keeps signing deliveries "
        "(a second signature) after the secret is changed.",
    ),
    "API_DETAIL_URL_NAME": Setting(
        "wagtailapi:rencontres:detail",
        "URL name (reversed with the page id) of a rencontre in the API v2, for the "
        "api_url of webhook payloads; prefixed with WAGTAILAPI_BASE_URL.",
    ),
    "PREVIEW_FRONTEND_URLS": Setting(
        {},
        "Headless preview: the front end that shows a draft, per site and language, "
        '{"<site hostname or *>": {"<language code or *>": "https://front/preview"}}. '
        "The editor's « Aperçu » gets a « Site partenaire » mode sending it there with "
        "?token=…; empty: no such mode.",
    ),
    "PREVIEW_TOKEN_MAX_AGE": Setting(10 * 60, "Seconds a headless preview token is valid."),
    "CACHE_MAX_AGE": Setting(
        60,
        "Seconds browsers may keep a public page, feed, calendar or open-data file "
        "(Cache-Control: max-age); short, since only the shared cache is purged.",
    ),
    "CACHE_SHARED_MAX_AGE": Setting(
        600,
        "Seconds the shared cache (Varnish) keeps them (Cache-Control: s-maxage); "
        "every change a visitor can see purges them at once, so this bounds only what "
        "depends on the time (a rencontre becoming past). 0: nothing is cached.",
    ),
    "CACHE_PURGE_URLS": Setting(
        [],
        "Addresses of the HTTP caches to purge (each Varnish running "
        'deploy/varnish/rencontres.vcl), e.g. ["http://127.0.0.1:8080/"]; empty: '
        "no purge is sent.",
    ),
    "FRAGMENT_CACHE_BYTES": Setting(
        32 * 1024 * 1024,
        "Bytes of rendered HTML (the listing's results, a rencontre's content) each app "
        "process keeps until the next publication (0: none kept).",
    ),
    "CACHE_PURGE_TIMEOUT": Setting(
        5, "Seconds a purge request may take before it fails (and is retried)."
    ),
    "CACHE_PURGE_MAX_ATTEMPTS": Setting(
        6, "Attempts of a purge before it is given up (logged, recorded as a TaskFailure)."
    ),
    "CACHE_PURGE_RETRY_DELAY": Setting(
        5, "Seconds before a failed purge is tried again; each next wait doubles."
    ),
    "CACHE_PURGE_ALL_MODELS": Setting(
        [],
        "Models (« app.Model » labels) whose saving or deletion purges every cached "
        "response: what every page shows (the header and footer configuration…). "
        "Wagtail's site and generic settings always do.",
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
    def api_base_url(self):
        """The API's base URL for absolute links built outside a request (webhooks)."""
        return getattr(settings, "WAGTAILAPI_BASE_URL", "") or getattr(
            settings, "WAGTAILADMIN_BASE_URL", ""
        )

    @property
    def site_name(self):
        return getattr(settings, "WAGTAIL_SITE_NAME", "")

    @property
    def allow_unicode_slugs(self):
        return getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)


conf = Conf()
