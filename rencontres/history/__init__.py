"""The public change history of a rencontre, and its comparison in the admin."""

from .core import (
    HISTORY_ROUTES,
    ROUTE_FEED,
    ROUTE_LIST,
    ROUTE_VERSION,
    FieldChange,
    PageHistory,
    Version,
    VersionNotFound,
    is_public,
    last_version,
    published_versions,
    version_changes,
)

__all__ = [
    "HISTORY_ROUTES",
    "ROUTE_FEED",
    "ROUTE_LIST",
    "ROUTE_VERSION",
    "FieldChange",
    "PageHistory",
    "Version",
    "VersionNotFound",
    "is_public",
    "last_version",
    "published_versions",
    "version_changes",
]
