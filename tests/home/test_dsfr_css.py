"""The DSFR stylesheet of the public pages (home/dsfr_css.py): at most 150 KB, every
class the pages use, icons included, every file it points to present."""

import posixpath
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import TestCase

from home.dsfr_css import SCRIPT_CLASSES, SUBSET_PATH, build_css, purge, used_classes
from home.dsfr_js import script_files
from tests.factories import RencontrePageFactory, build_site
from tests.html import soup

BUDGET = 150 * 1024


class PurgeTests(TestCase):
    def test_rules_of_unused_classes_go_and_the_others_stay(self):
        css = (
            ".fr-btn{color:red}.fr-tile,.fr-btn--close{margin:0}a{color:blue}"
            "@media (min-width:48em){.fr-tile{x:1}.fr-btn{x:2}}.fr-btn:not(.fr-tile){y:1}"
        )
        self.assertEqual(
            purge(css, {"fr-btn", "fr-btn--close"}),
            ".fr-btn{color:red}.fr-btn--close{margin:0}a{color:blue}"
            "@media (min-width:48em){.fr-btn{x:2}}.fr-btn:not(.fr-tile){y:1}",
        )


class SiteStylesheetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.css = build_css()

    def test_it_fits_the_budget(self):
        size = len(self.css.encode())
        self.assertLessEqual(size, BUDGET, f"home/dsfr-site.css: {size / 1024:.1f} KB")

    def test_it_keeps_the_classes_of_the_templates_and_their_icons(self):
        used = used_classes()
        for name in ("fr-header", "fr-card", "fr-badge--error", "fr-pagination__link"):
            self.assertIn(name, used)
            self.assertIn("." + name, self.css)
        icons = {name for name in used if name.startswith("fr-icon-")}
        self.assertGreaterEqual(len(icons), 5, icons)
        for icon in icons:
            rule = re.search(
                r"\." + re.escape(icon) + r":before[^{]*\{[^}]*url\(([^)]+)\)", self.css
            )
            self.assertIsNotNone(rule, icon)

    def test_it_keeps_the_states_the_dsfr_scripts_add(self):
        # The header's menu on a phone is a modal: hidden unless .fr-modal--opened.
        self.assertIn(".fr-modal--opened{", self.css)
        self.assertIn(".fr-collapse--expanded", self.css)
        # The scripts the pages load still build each of these classes (DSFR update).
        scripts = "".join(path.read_text(encoding="utf-8") for path in script_files())
        for name in SCRIPT_CLASSES:
            self.assertIn(name, used_classes())
            block, _dashes, state = name.removeprefix("fr-").partition("--")
            whole = f'"{block}--{state}"' if state else f'"{block}"'
            parts = f'"{block}"' in scripts and (f'"{state}"' in scripts or f"--{state}" in scripts)
            self.assertTrue(whole in scripts or parts, name)

    def test_the_unused_parts_of_the_dsfr_are_gone(self):
        for name in (
            ".fr-tile",
            ".fr-sidemenu",
            ".fr-icon-bank-line",
            "--green-tilleul-verveine-975-75:",
        ):
            self.assertNotIn(name, self.css)

    def test_every_url_points_to_a_served_file(self):
        urls = set(re.findall(r"url\(([^)]+)\)", self.css))
        self.assertGreater(len(urls), 10)
        base = posixpath.dirname(SUBSET_PATH)
        for url in urls:
            path = posixpath.normpath(posixpath.join(base, url))
            self.assertIsNotNone(finders.find(path), (url, path))

    def test_the_finder_serves_it(self):
        found = finders.find(SUBSET_PATH)
        self.assertEqual(Path(found).read_text(encoding="utf-8"), self.css)


class PagesLoadTheSubsetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = build_site()
        cls.rencontre = RencontrePageFactory(parent=cls.index)

    def test_each_public_page_loads_at_most_150_kb_of_css(self):
        for url in ("/", self.index.url, self.rencontre.url, "/n-existe-pas/"):
            response = self.client.get(url)
            hrefs = [link["href"] for link in soup(response).select('link[rel="stylesheet"]')]
            self.assertIn("/static/home/dsfr-site.css", hrefs, url)
            total = 0
            for href in hrefs:
                path = finders.find(href.removeprefix("/static/"))
                self.assertIsNotNone(path, href)
                total += Path(path).stat().st_size
            self.assertLessEqual(total, BUDGET, (url, hrefs))
