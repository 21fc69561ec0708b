"""The public content of revisions as text — a *snapshot*, ``{field: [line, …]}`` of
the public fields (:mod:`.fields`) — and what changed between two snapshots: what the
publication log keeps of each version.

The text is the one the public history shows (:mod:`.revisions`), written in the
page's own language, with the references (département, organisations, images…) as
they are named when the snapshot is taken.
"""

from django.utils import translation

from .fields import history_fields, known_keys
from .references import Resolver
from .revisions import MISSING, RevisionReader, finaliser


def read_snapshots(model, contents, language):
    """The snapshots of ``contents`` (revisions' stored content, pages of ``model``),
    in ``language``: one query per kind of referenced object for all of them. A field
    a content does not hold (saved before the field existed) is left out."""
    specs = history_fields(model)
    resolver = Resolver()
    reader = RevisionReader(model, specs, resolver, known_keys(model))
    with translation.override(language):
        read = [reader.read(content or {}) for content in contents]
        resolver.resolve()
        finalise = finaliser()
        snapshots = []
        for values, _removed in read:
            values, _removed = finalise(values, {})
            snapshots.append(
                {name: list(lines) for name, lines in values.items() if lines is not MISSING}
            )
    return snapshots


def diff(previous, current, specs):
    """``{field: {"before": [...], "after": [...]}}`` of the public fields ``current``
    changed since ``previous`` (``None`` for a first publication: every non-empty
    field is added), in the order of ``specs``. A field ``previous`` did not hold is no
    change: it did not exist yet."""
    changes = {}
    for spec in specs:
        if spec.name not in current:
            continue
        if previous is None:
            before = []
        elif spec.name not in previous:
            continue
        else:
            before = list(previous[spec.name])
        after = list(current[spec.name])
        if before != after:
            changes[spec.name] = {"before": before, "after": after}
    return changes
