"""The interface catalogues: French msgids, every one translated into English.

Two catalogues, kept apart: the plugin's in rencontres/locale/ (shipped in its wheel) and
the demo project's in locale/. ``make test`` first fails when ``makemessages`` would change
either (scripts/check-messages), then compiles them; these tests check what the drift check
cannot: that each English msgstr is filled, not fuzzy, and is what visitors get.
"""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

import rencontres

PLUGIN_DIR = Path(rencontres.__file__).resolve().parent
CATALOGUES = {"plugin": PLUGIN_DIR / "locale", "demo": Path(settings.BASE_DIR) / "locale"}
LANGUAGES = [code for code, _name in settings.LANGUAGES]
TARGETS = [code for code in LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(code, name):
    path = CATALOGUES[name] / code / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run `make makemessages` and translate it"
    return polib.pofile(str(path))


def entries(code, name):
    return [entry for entry in catalogue(code, name) if not entry.obsolete]


def locations(entry):
    return sorted({path for path, _line in entry.occurrences})


def label(entry):
    return f"{entry.msgid!r} ({', '.join(locations(entry))})"


@pytest.mark.parametrize(("name", "at_least"), [("plugin", 300), ("demo", 50)])
def test_every_language_has_a_catalogue_with_the_same_strings(name, at_least):
    source = {(e.msgctxt, e.msgid) for e in entries(settings.LANGUAGE_CODE, name)}
    assert len(source) > at_least
    for code in TARGETS:
        assert {(e.msgctxt, e.msgid) for e in entries(code, name)} == source, code


def test_the_plugin_and_the_demo_have_their_own_catalogue():
    """The plugin's strings come from rencontres/ only (paths relative to the package),
    the demo's from anywhere else; a string both use is in both."""
    plugin = entries(settings.LANGUAGE_CODE, "plugin")
    demo = entries(settings.LANGUAGE_CODE, "demo")
    outside = [
        label(e) for e in plugin if not all((PLUGIN_DIR / p).is_file() for p in locations(e))
    ]
    inside = [label(e) for e in demo if any(p.startswith("rencontres/") for p in locations(e))]
    assert outside == []
    assert inside == []
    assert "Voir le fil d’Ariane" in {e.msgid for e in plugin} & {e.msgid for e in demo}


@pytest.mark.parametrize("name", CATALOGUES)
@pytest.mark.parametrize("code", TARGETS)
def test_every_string_is_translated_and_none_is_fuzzy(code, name):
    po = catalogue(code, name)
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


@pytest.mark.parametrize("name", CATALOGUES)
def test_french_msgids_are_the_french_interface(name):
    """French is the source: no other catalogue (Django, Wagtail, DSFR…) rewrites a msgid."""
    with translation.override(settings.LANGUAGE_CODE):
        rewritten = [
            (entry.msgid, shown(entry))
            for entry in entries(settings.LANGUAGE_CODE, name)
            if shown(entry) != (entry.msgstr or entry.msgid)
        ]
    assert rewritten == []


@pytest.mark.parametrize("name", CATALOGUES)
@pytest.mark.parametrize("code", TARGETS)
def test_visitors_get_the_compiled_translation(code, name):
    """The compiled .mo (make messages) is the .po: every string comes out translated."""
    with translation.override(code):
        wrong = [
            (entry.msgid, shown(entry, 2))
            for entry in entries(code, name)
            if shown(entry, 2) != (entry.msgstr_plural[1] if entry.msgid_plural else entry.msgstr)
        ]
    assert wrong == [], "run `make messages` to compile the catalogues"
