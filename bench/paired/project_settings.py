"""The project's settings in ``make bench-http``: production, with 20 rencontres per page
like the peer's listing. Everything else (secret key, hosts, database, static and media
folders) comes from the environment the benchmark sets, as in production."""

from rencontres_site.settings.production import *  # noqa: F403

RENCONTRES_PER_PAGE = 20
