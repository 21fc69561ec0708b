"""The public change history of a rencontre, and its comparison in the admin.

One module per job, each importing only those above it in this list:

* :mod:`.text`: values written for people (language names, dates in the rencontre's
  time zone, notes for removed blocks and fields);
* :mod:`.fields`: which fields of a page the history shows;
* :mod:`.references`: the objects revisions reference, loaded in bulk;
* :mod:`.lines`: stored values (HTML, StreamField data) as lines of text, the one text
  of the content (:mod:`rencontres.text`, the blocks' ``text_lines``);
* :mod:`.revisions`: one revision's content as lines per field;
* :mod:`.diffs`: what changed in a field, line by line;
* :mod:`.base`: a version, the routes, what every reader of a history shares;
* :mod:`.redaction`: values an administrator erased from the public history;
* :mod:`.computed`: the versions recomputed from revisions (back-fill, comparison);
* :mod:`.snapshots`: a revision's public content as text, and its diff with the
  previous one, as the publication log keeps them;
* :mod:`.recording`: writing the publication log when something visible changes;
* :mod:`.backfill`: the log written from revisions, for pages published before it;
* :mod:`.logged`: the versions read from the publication log;
* :mod:`.comparison`: the logged versions against the computed ones;
* :mod:`.versions`: the readers' entry point (:func:`PageHistory`, ``published_versions``…);
* :mod:`.views`: the public pages and feed of the history;
* :mod:`.compare`: Wagtail's admin « Comparer » made complete for rencontres.
"""

from .diffs import DiffLine, FieldChange
from .fields import FieldSpec, history_fields
from .revisions import MISSING
from .versions import (
    HISTORY_ROUTES,
    PUBLISH_ACTIONS,
    ROUTE_FEED,
    ROUTE_LIST,
    ROUTE_VERSION,
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
    "MISSING",
    "PUBLISH_ACTIONS",
    "ROUTE_FEED",
    "ROUTE_LIST",
    "ROUTE_VERSION",
    "DiffLine",
    "FieldChange",
    "FieldSpec",
    "PageHistory",
    "Version",
    "VersionNotFound",
    "history_fields",
    "is_public",
    "last_version",
    "published_versions",
    "version_changes",
]
