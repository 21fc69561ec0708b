"""Languages are set in one place: settings.LANGUAGES, from the LANGUAGES environment variable.

A third language is a settings change plus its catalogue: its locale, its URL prefix and
its entry in the language switcher follow.
"""

import json
import os
import subprocess
import sys

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from rencontres.models import RencontrePage
from tests.factories import RencontrePageFactory
from tests.html import soup, text

from .helpers import LocalisedTestCase, translate

# Imports the settings module afresh for each environment, as a new process would, and
# prints what the tests look at. Lazy names are shown as their msgid.
SHOW_SETTINGS = """
import importlib, json, os, sys
from django.utils.functional import Promise

def name(value):
    return value._args[0] if isinstance(value, Promise) else value

results = []
for environ in json.loads(sys.argv[1]):
    for key in ("LANGUAGES", "DEEPL_API_KEY", "LIBRETRANSLATE_URL", "LIBRETRANSLATE_API_KEY"):
        os.environ.pop(key, None)
    os.environ.update(environ)
    for module in [m for m in sys.modules if m.startswith("rencontres_site.settings")]:
        del sys.modules[module]
    s = importlib.import_module("rencontres_site.settings.test")
    results.append({
        "LANGUAGE_CODE": s.LANGUAGE_CODE,
        "LANGUAGES": [[code, name(label)] for code, label in s.LANGUAGES],
        "WAGTAIL_CONTENT_LANGUAGES": [code for code, _ in s.WAGTAIL_CONTENT_LANGUAGES],
        "WAGTAILADMIN_PERMITTED_LANGUAGES": [
            code for code, _ in s.WAGTAILADMIN_PERMITTED_LANGUAGES
        ],
        "translator": s.WAGTAILLOCALIZE_MACHINE_TRANSLATOR,
    })
print(json.dumps(results))
"""


def settings_with(*environs):
    """The settings a process started with each of ``environs`` gets, in one subprocess."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SHOW_SETTINGS, json.dumps(environs)],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_french_and_english_by_default():
    (values,) = settings_with({})
    assert values["LANGUAGE_CODE"] == "fr"
    assert values["LANGUAGES"] == [["fr", "Français"], ["en", "Anglais"]]
    assert values["WAGTAIL_CONTENT_LANGUAGES"] == ["fr", "en"]
    assert values["WAGTAILADMIN_PERMITTED_LANGUAGES"] == ["fr", "en"]


def test_a_third_language_is_an_environment_variable():
    (values,) = settings_with({"LANGUAGES": "fr,en,de"})
    assert values["LANGUAGES"] == [["fr", "Français"], ["en", "Anglais"], ["de", "German"]]
    assert values["WAGTAIL_CONTENT_LANGUAGES"] == ["fr", "en", "de"]
    assert values["WAGTAILADMIN_PERMITTED_LANGUAGES"] == ["fr", "en", "de"]


def test_machine_translation_backend_by_environment():
    dummy, deepl, libre = (
        values["translator"]
        for values in settings_with(
            {},
            {"DEEPL_API_KEY": "clef:fx"},
            {
                "LIBRETRANSLATE_URL": "https://libretranslate.example.org/",
                "LIBRETRANSLATE_API_KEY": "k",
            },
        )
    )
    assert dummy["CLASS"] == "wagtail_localize.machine_translators.dummy.DummyTranslator"
    assert deepl == {
        "CLASS": "wagtail_localize.machine_translators.deepl.DeepLTranslator",
        "OPTIONS": {"AUTH_KEY": "clef:fx"},
    }
    assert libre == {
        "CLASS": "wagtail_localize.machine_translators.libretranslate.LibreTranslator",
        "OPTIONS": {"LIBRETRANSLATE_URL": "https://libretranslate.example.org", "API_KEY": "k"},
    }


class URLPrefixTests(LocalisedTestCase):
    """French without a prefix, every other language under /<code>/."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = RencontrePageFactory(parent=cls.index, title="Atelier territorial Loire")
        cls.page = RencontrePage.objects.get(pk=cls.page.pk)
        cls.english_page, _translation = translate(cls.page, cls.en)

    def test_prefixes_of_the_default_languages(self):
        for code, prefix in (("fr", "/"), ("en", "/en/")):
            with translation.override(code):
                self.assertEqual(reverse("wagtail_serve", args=[""]), prefix)
        self.assertEqual(self.page.url, "/rencontres/atelier-territorial-loire/")
        self.assertEqual(self.english_page.url, "/en/meetings/en-atelier-territorial-loire/")
        for url, lang in ((self.page.url, "fr"), (self.english_page.url, "en")):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertEqual(soup(response).html["lang"], lang)

    def test_a_language_not_in_the_settings_has_no_prefix(self):
        self.assertEqual(self.client.get("/de/").status_code, 404)

    def test_a_third_language_follows_the_settings(self):
        languages = [*settings.LANGUAGES, ("de", "Allemand")]
        with override_settings(LANGUAGES=languages, WAGTAIL_CONTENT_LANGUAGES=languages):
            german = Locale.objects.create(language_code="de")
            german_home, _translation = translate(self.home, german, lambda s: f"DE: {s}")

            with translation.override("de"):
                self.assertEqual(reverse("wagtail_serve", args=[""]), "/de/")
            response = self.client.get("/de/")
            self.assertEqual(response.status_code, 200)
            html = soup(response)
            self.assertEqual(html.html["lang"], "de")
            self.assertEqual(text(html.find("h1")), german_home.title)
            # The switcher offers the three languages, in the settings' order.
            switcher = html.select(".fr-translate__language")
            self.assertEqual([a["hreflang"] for a in switcher], ["fr", "en", "de"])
            self.assertEqual(switcher[2]["href"], "/de/")
