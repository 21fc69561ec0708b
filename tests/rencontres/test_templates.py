"""The plugin ships its templates, static files and catalogues in its package; its pages
extend an overridable ``rencontres/base.html``; nothing in it reaches for the demo's
templates or tags (home/, site/, the root templates/)."""

import ast
import re
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import engines
from django.test import TestCase, override_settings

import rencontres
from tests.factories import sections
from tests.html import soup, text

from .public import gier_rencontre, publish, site

PLUGIN = Path(rencontres.__file__).resolve().parent
DEMO_APPS = {"home"}
TEMPLATE_TAG = re.compile(r"{%\s*(load|extends|include|include_optional)\s+(.*?)\s*%}")


def plugin_templates():
    return sorted((PLUGIN / "templates").rglob("*.html"))


def quoted_names(arguments):
    """The template names a tag's arguments quote (``"rencontres/x.html" with …``)."""
    return re.findall(r"""["']([^"']+\.(?:html|txt))["']""", arguments)


def test_templates_and_static_files_are_inside_the_package():
    assert (PLUGIN / "templates" / "rencontres" / "rencontre_page.html").is_file()
    assert not (Path(settings.BASE_DIR) / "templates" / "rencontres").exists()
    found = finders.find("rencontres/css/history.css")
    assert found and Path(found).resolve().is_relative_to(PLUGIN / "static" / "rencontres")


def test_no_template_of_the_plugin_loads_a_tag_library_of_the_demo():
    libraries = engines["django"].engine.libraries  # {name: module}
    loaded = {}
    for path in plugin_templates():
        for tag, arguments in TEMPLATE_TAG.findall(path.read_text()):
            if tag == "load":
                names = arguments.split(" from ")[-1].split()
                for name in names:
                    loaded.setdefault(libraries[name], set()).add(path.name)
    assert "rencontres.templatetags.rencontres_tags" in loaded
    assert [m for m in loaded if m.startswith(("home.", "rencontres_site."))] == []


def test_the_plugin_includes_and_extends_no_template_of_the_demo():
    """Every template a plugin template extends or includes, and every one its Python
    code names, is shipped by the plugin or another installed app (Wagtail…), never only
    by the demo: the one exception is the project's ``base.html``, which
    ``rencontres/base.html`` extends by default."""
    names = set()
    for path in plugin_templates():
        for tag, arguments in TEMPLATE_TAG.findall(path.read_text()):
            if tag != "load":
                names.update((name, path.name) for name in quoted_names(arguments))
    for path in PLUGIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and re.fullmatch(r"[\w/.-]+\.html", value):
                names.add((value, path.name))
    assert len(names) > 20
    shipped = [
        Path(app.path) / "templates" for app in apps.get_app_configs() if app.name not in DEMO_APPS
    ]
    only_in_the_demo = sorted(
        (name, where)
        for name, where in names
        if not any((folder / name).is_file() for folder in shipped)
    )
    # rencontres/base.html extends it, and the system checks look for it (E005).
    assert only_in_the_demo == [("base.html", "base.html"), ("base.html", "checks.py")]


def test_no_python_module_of_the_plugin_imports_the_demo():
    imports = []
    for path in PLUGIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imports += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imports.append(node.module)
    assert "wagtail.models" in imports
    assert [name for name in imports if name.split(".")[0] in ("home", "rencontres_site")] == []


# A project whose base template knows nothing of the demo's: it overrides only
# rencontres/base.html, and the plugin's pages fill its blocks.
HOST_BASE = """<!DOCTYPE html>
<html lang="fr"><head><title>{% block title %}{% endblock title %} · Site hôte</title>
{% block meta %}{% endblock meta %}{% block extra_css %}{% endblock extra_css %}</head>
<body class="host {% block body_class %}{% endblock body_class %}">
<nav id="host-breadcrumb">{% block breadcrumb %}{% endblock breadcrumb %}</nav>
<main id="host-main">{% block content %}{% endblock content %}</main>
{% block extra_js %}{% endblock extra_js %}</body></html>
"""


class OverriddenBaseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = site()
        page = gier_rencontre(cls.index, description=sections(pourquoi=["Partager"]))
        cls.page = publish(page, description=sections(pourquoi=["Partager", "Imaginer"]))

    def setUp(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (folder / "rencontres").mkdir()
        (folder / "rencontres" / "base.html").write_text(HOST_BASE)
        templates = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
        self.enterContext(override_settings(TEMPLATES=templates))

    def get(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return soup(response)

    def test_every_public_page_of_the_plugin_uses_the_projects_rencontres_base(self):
        changes = "Changements sur «Atelier territorial Vallée du Gier»"
        pages = {
            self.index.url: "Les rencontres locales",
            self.page.url: "Atelier territorial Vallée du Gier",
            f"{self.page.url}changements/": changes,
            f"{self.page.url}changements/2/": changes,
        }
        for url, heading in pages.items():
            with self.subTest(url=url):
                html = self.get(url)
                self.assertEqual(text(html.select_one("#host-main h1")), heading)
                self.assertIn("Site hôte", text(html.title))
                self.assertIsNone(html.find("header", class_="fr-header"))  # the demo's

    def test_the_history_brings_its_breadcrumb_and_stylesheet(self):
        html = self.get(f"{self.page.url}changements/2/")
        crumbs = [text(a) for a in html.select("#host-breadcrumb .fr-breadcrumb a")]
        self.assertEqual(
            crumbs,
            [
                "Accueil",
                "Les rencontres locales",
                "Atelier territorial Vallée du Gier",
                "Changements",
                "Version 2 (sur 2)",
            ],
        )
        stylesheets = [link["href"] for link in html.select("link[rel=stylesheet]")]
        self.assertEqual(stylesheets, ["/static/rencontres/css/history.css"])
        self.assertIsNone(html.find("style"))
