"""The interface catalogues: French msgids, every one translated into English.

``make test`` first fails when ``makemessages`` would change locale/ (scripts/check-messages),
then compiles the catalogues; these tests check what the drift check cannot: that each
English msgstr is filled, not fuzzy, and is what visitors get.
"""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
TARGETS = [code for code in LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(code):
    path = LOCALE_DIR / code / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run `make makemessages` and translate it"
    return polib.pofile(str(path))


def entries(code):
    return [entry for entry in catalogue(code) if not entry.obsolete]


def label(entry):
    return f"{entry.msgid!r} ({', '.join(sorted({path for path, _line in entry.occurrences}))})"


def test_every_language_has_a_catalogue_with_the_same_strings():
    source = {(e.msgctxt, e.msgid) for e in entries(settings.LANGUAGE_CODE)}
    assert len(source) > 100
    for code in TARGETS:
        assert {(e.msgctxt, e.msgid) for e in entries(code)} == source, code


@pytest.mark.parametrize("code", TARGETS)
def test_every_string_is_translated_and_none_is_fuzzy(code):
    po = catalogue(code)
    assert po.metadata["Language"] == code
    assert not po.metadata_is_fuzzy
    untranslated = [label(entry) for entry in po.untranslated_entries()]
    fuzzy = [label(entry) for entry in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {code}: {untranslated}"
    assert fuzzy == [], f"fuzzy in {code}: {fuzzy}"


def shown(entry, n=1):
    """What the active language shows for ``entry`` (``n`` items for a plural)."""
    if entry.msgid_plural:
        if entry.msgctxt:
            return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
        return translation.ngettext(entry.msgid, entry.msgid_plural, n)
    if entry.msgctxt:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    return translation.gettext(entry.msgid)


def test_french_msgids_are_the_french_interface():
    """French is the source: no other catalogue (Django, Wagtail, DSFR…) rewrites a msgid."""
    with translation.override(settings.LANGUAGE_CODE):
        rewritten = [
            (entry.msgid, shown(entry))
            for entry in entries(settings.LANGUAGE_CODE)
            if shown(entry) != (entry.msgstr or entry.msgid)
        ]
    assert rewritten == []


@pytest.mark.parametrize("code", TARGETS)
def test_visitors_get_the_compiled_translation(code):
    """The compiled .mo (make messages) is the .po: every string comes out translated."""
    with translation.override(code):
        wrong = [
            (entry.msgid, shown(entry, 2))
            for entry in entries(code)
            if shown(entry, 2) != (entry.msgstr_plural[1] if entry.msgid_plural else entry.msgstr)
        ]
    assert wrong == [], "run `make messages` to compile the catalogues"
