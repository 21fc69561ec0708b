"""Does the publication log say what the revisions say? The versions a page's history
reads from the log (:class:`.logged.LoggedHistory`) against the ones computed from its
revisions (:class:`.computed.ComputedHistory`): numbers, dates, revisions, authors,
changed fields and every line of every change.

``manage.py publication_log comparer`` runs it on every rencontre; the tests run it on
the demo and on a rencontre published 200 times.
"""

from django.utils import translation

from .computed import ComputedHistory
from .logged import LoggedHistory


def _version(version):
    data = version.as_dict(with_changes=True)
    data.pop("url", None)
    for change in data["changes"]:
        change.pop("diff", None)  # derived from before and after
    return data


def differences(page):
    """What differs between the logged and the computed history of ``page`` (in its
    own language, whether or not it is public): a list of sentences, empty if none."""
    language = page.locale.language_code
    with translation.override(language):
        logged = LoggedHistory(page, language=language, require_public=False).versions
        computed, _snapshots = ComputedHistory(
            page, language=language, require_public=False
        ).compute()
        logged = [_version(version) for version in logged]
        computed = [_version(version) for version in computed]
    found = []
    if len(logged) != len(computed):
        found.append(f"page {page.pk}: {len(logged)} versions in the log, {len(computed)} computed")
    for mine, theirs in zip(logged, computed, strict=False):
        for key in sorted(set(mine) | set(theirs)):
            if mine.get(key) != theirs.get(key):
                found.append(
                    f"page {page.pk}, version {theirs['number']}: {key} differs "
                    f"(log: {mine.get(key)!r}, revisions: {theirs.get(key)!r})"
                )
    return found
