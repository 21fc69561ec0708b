"""What a host project must provide (README « Install in your Wagtail project »): the
system checks name the missing app or setting, the index goes under any page unless
the host says otherwise, and the README lists every setting with its default."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings
from django.core import checks
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.models import Page

import rencontres.queues
from rencontres.api.urls import api_v2_urls, api_v3_urls
from rencontres.conf import SETTINGS
from rencontres.models import RencontreIndexPage, RencontrePage
from tests.factories import build_site

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def messages(**kwargs):
    """``(id, msg)`` of the plugin's checks for the current settings."""
    return [
        (message.id, message.msg)
        for message in checks.run_checks(**kwargs)
        if message.id and message.id.startswith("rencontres.")
    ]


def check_in_process(change):
    """``manage.py check`` in a new process under ``tests.plugin_settings`` changed by
    ``change`` (Python acting on ``values``, the settings' dict)."""
    script = (
        "import django\n"
        "from django.conf import settings\n"
        "from django.core.management import call_command\n"
        "import tests.plugin_settings as base\n"
        "values = {name: getattr(base, name) for name in dir(base) if name.isupper()}\n"
        f"{change}"
        "settings.configure(**values)\n"
        "django.setup()\n"
        "call_command('check')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT
    )


def urlconf(patterns):
    """A host's URLconf holding ``patterns``, for ``ROOT_URLCONF``."""
    module = ModuleType("host_urls")
    module.urlpatterns = patterns
    return module


class ChecksTests(SimpleTestCase):
    def test_these_settings_pass(self):
        self.assertEqual(messages(), [])

    def test_what_breaks_the_start_is_named_before_it_does(self):
        # Without these apps or the plugin's task queues the plugin's own imports, or
        # Wagtail's checks of its models, fail while Django starts, with a message about
        # something else (a model without an app, an invalid queue): RencontresConfig.ready
        # names each first. In a process of its own: apps cannot be made ready twice.
        gone = ("dsfr", "wagtail_localize", "wagtail.search", "wagtail.images", "wagtail.embeds")
        result = check_in_process(
            "values['INSTALLED_APPS'] = "
            f"[a for a in values['INSTALLED_APPS'] if a not in {gone!r}]\n"
            "del values['TASKS']\n"
        )
        self.assertEqual(result.returncode, 1, result.stderr)
        last = result.stderr[result.stderr.index("ImproperlyConfigured: ") :]
        self.assertTrue(last.startswith("ImproperlyConfigured: The rencontres plugin cannot start"))
        self.assertIn(
            "(rencontres.E001) 'dsfr' is missing from INSTALLED_APPS: the rencontres plugin "
            "needs it for the DSFR template tags of the block previews (django-dsfr).",
            last,
        )
        for app in gone:
            self.assertIn(f"(rencontres.E001) '{app}' is missing from INSTALLED_APPS", last)
        self.assertIn(f"HINT: Add '{gone[-1]}' to INSTALLED_APPS", last)
        self.assertIn(
            "(rencontres.E004) The task backend TASKS['default'] does not accept the "
            "rencontres plugin's queues 'purge', 'translations', 'webhooks'",
            last,
        )
        self.assertIn("rencontres.queues.QUEUES", last)

    def test_parent_page_types_must_be_page_models(self):
        cases = {
            "home.HomePage": "not 'home.HomePage'",  # a string, not a list
            ("nowhere.Page",): "names 'nowhere.Page', which is not an installed page type",
            ("rencontres.Departement",): "names 'rencontres.Departement'",
            ("pages",): "names 'pages'",
        }
        for value, expected in cases.items():
            with self.subTest(value=value):
                with override_settings(RENCONTRES_INDEX_PARENT_PAGE_TYPES=value):
                    found = messages()
                self.assertEqual([id_ for id_, _ in found], ["rencontres.E002"])
                self.assertIn("RENCONTRES_INDEX_PARENT_PAGE_TYPES", found[0][1])
                self.assertIn(expected, found[0][1])

    def test_parent_page_types_of_pages_pass(self):
        with override_settings(RENCONTRES_INDEX_PARENT_PAGE_TYPES=["wagtailcore.Page"]):
            self.assertEqual(messages(), [])

    def test_a_value_of_the_wrong_kind_is_named(self):
        cases = {
            "RENCONTRES_PER_PAGE": ("12", "must be a whole number, 0 or more, not '12'"),
            "RENCONTRES_HISTORY_SHOW_AUTHOR": (1, "must be True or False, not 1"),
            "RENCONTRES_HISTORY_SOURCE": (
                "revision",
                "must be 'log' or 'revisions', not 'revision'",
            ),
            "RENCONTRES_ICAL_UID_DOMAIN": (None, "must be a string, not None"),
        }
        for name, (value, expected) in cases.items():
            with self.subTest(name=name), override_settings(**{name: value}):
                self.assertEqual(messages(), [("rencontres.E003", f"{name} {expected}.")])
        with override_settings(RENCONTRES_PER_PAGE=0):
            self.assertEqual(
                messages(),
                [
                    (
                        "rencontres.E003",
                        "RENCONTRES_PER_PAGE must be a whole number, 1 or more, not 0.",
                    )
                ],
            )

    def test_an_unknown_setting_is_a_warning_with_the_likely_name(self):
        with override_settings(RENCONTRES_PERPAGE=20):
            found = checks.run_checks()
        found = [message for message in found if message.id == "rencontres.W001"]
        self.assertEqual(len(found), 1)
        self.assertEqual(
            found[0].msg,
            "RENCONTRES_PERPAGE is not a setting of the rencontres plugin: it is ignored.",
        )
        self.assertIn("Did you mean RENCONTRES_PER_PAGE?", found[0].hint)

    def test_task_backend_without_the_plugin_queues(self):
        backend = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        for tasks in ({"default": backend}, {"default": {**backend, "QUEUES": ["default"]}}):
            with self.subTest(tasks=tasks), override_settings(TASKS=tasks):
                found = messages()
            self.assertEqual([id_ for id_, _ in found], ["rencontres.E004"])
            self.assertIn("TASKS['default'] does not accept", found[0][1])
            self.assertIn("'translations'", found[0][1])
        # Every queue accepted (an empty list), or the plugin's listed beside the host's.
        for queues in ([], ["mine", *rencontres.queues.QUEUES]):
            with override_settings(TASKS={"default": {**backend, "QUEUES": queues}}):
                self.assertEqual(messages(), [])

    def test_the_open_data_middleware_first_and_with_the_generation(self):
        opendata = "rencontres.public.opendata.OpenDataMiddleware"
        generation = "rencontres.fragments.GenerationMiddleware"
        security = "django.middleware.security.SecurityMiddleware"
        for middleware, expected in (
            ([opendata, security, generation], []),
            ([security], []),  # optional
            ([security, opendata, generation], ["it is not first in MIDDLEWARE"]),
            ([opendata, security], [f"{generation} is not in MIDDLEWARE"]),
        ):
            with self.subTest(middleware), override_settings(MIDDLEWARE=middleware):
                found = messages()
            self.assertEqual([id_ for id_, _ in found], ["rencontres.W002"] * len(expected))
            for (_id, text), words in zip(found, expected, strict=True):
                self.assertIn(words, text)

    def test_the_urls_the_pages_and_payloads_link_to(self):
        # Forgotten, no page fails: its links to agenda.ics, donnees.csv and the map's
        # carte.geojson answer 404, and webhook payloads lose their api_url.
        pages = path("", include(wagtail_urls))
        apis = [path("api/v2/", api_v2_urls), path("api/v3/", api_v3_urls)]
        files = path("", include("rencontres.urls"))
        cases = (
            ([*apis, files, pages], []),
            ([*apis, pages], ["rencontres.W003"]),
            ([files, pages], ["rencontres.W004", "rencontres.W004"]),
            ([apis[0], files, pages], ["rencontres.W004"]),
        )
        for patterns, expected in cases:
            with (
                self.subTest(patterns=patterns),
                override_settings(ROOT_URLCONF=urlconf(patterns)),
            ):
                found = messages()
            self.assertEqual([id_ for id_, _ in found], expected)
        with override_settings(ROOT_URLCONF=urlconf([*apis, pages])):
            (_, text), *_ = messages()
        self.assertIn("rencontres.urls is not in the URLconf", text)
        self.assertIn("agenda.ics", text)
        with override_settings(ROOT_URLCONF=urlconf([files, pages])):
            v2, v3 = (text for _, text in messages())
        self.assertIn("RENCONTRES_API_DETAIL_URL_NAME", v2)
        self.assertIn("'wagtailapi:rencontres:detail'", v2)
        self.assertIn("api_v3_urls", v3)
        # A host's own API router under another name says so in the setting.
        with override_settings(
            ROOT_URLCONF=urlconf([*apis, files, pages]),
            RENCONTRES_API_DETAIL_URL_NAME="partenaires:rencontres:detail",
        ):
            found = messages()
        self.assertEqual([id_ for id_, _ in found], ["rencontres.W004"])
        self.assertIn("'partenaires:rencontres:detail'", found[0][1])

    def test_a_base_template_without_the_blocks_the_pages_fill(self):
        # A host's layout whose content block has another name: every page of the plugin
        # answered 200 with an empty body, and the checks said nothing.
        engine = settings.TEMPLATES[0]
        cases = {
            "<main>{% block body %}{% endblock %}</main>": (
                ["rencontres.E006", "rencontres.W005"],
                "title, meta, extra_css, body_class, breadcrumb, extra_js",
            ),
            # wagtail start's layout: no meta, no breadcrumb (the README says to add them).
            "<title>{% block title %}{% endblock %}</title>{% block extra_css %}{% endblock %}"
            "<body class='{% block body_class %}{% endblock %}'>{% block content %}"
            "{% endblock %}{% block extra_js %}{% endblock %}": (
                ["rencontres.W005"],
                "meta, breadcrumb",
            ),
            # Blocks inherited from the layout base.html extends count too.
            '{% extends "plugin_layout.html" %}': ([], ""),
        }
        for layout, (expected, missing) in cases.items():
            with tempfile.TemporaryDirectory() as folder:
                Path(folder, "base.html").write_text(layout)
                engine_dirs = [folder, *engine["DIRS"]]
                Path(folder, "plugin_layout.html").write_text(
                    (Path(engine["DIRS"][0]) / "base.html").read_text()
                )
                with (
                    self.subTest(layout=layout),
                    override_settings(TEMPLATES=[{**engine, "DIRS": engine_dirs}]),
                ):
                    found = messages()
            self.assertEqual([id_ for id_, _ in found], expected)
            if "rencontres.E006" in expected:
                self.assertIn("base.html has no {% block content %}", found[0][1])
            if missing:
                self.assertIn(f"base.html has no block {missing}", found[-1][1])

    def test_no_base_template_to_extend(self):
        engine = settings.TEMPLATES[0]
        with override_settings(TEMPLATES=[{**engine, "DIRS": []}]):
            found = messages()
        self.assertEqual([id_ for id_, _ in found], ["rencontres.E005"])
        self.assertIn("No template 'base.html'", found[0][1])


class ParentPageTypesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()

    def test_any_page_by_default(self):
        self.assertFalse(hasattr(settings, "RENCONTRES_INDEX_PARENT_PAGE_TYPES"))
        # Without the demo the site's root is Wagtail's plain page: the index is under it.
        self.assertIs(type(self.home.specific), Page)
        self.assertEqual(self.index.get_parent().pk, self.home.pk)
        self.assertTrue(RencontreIndexPage.can_create_at(Page.get_first_root_node()))
        self.assertTrue(RencontreIndexPage.can_create_at(self.home))

    def test_the_host_chooses(self):
        with override_settings(RENCONTRES_INDEX_PARENT_PAGE_TYPES=["wagtailcore.Page"]):
            self.assertTrue(RencontreIndexPage.can_create_at(self.home))
            self.assertIn(RencontreIndexPage, type(self.home).creatable_subpage_models())
        # Under rencontres only (which accept none): nowhere, in the admin's choices too.
        with override_settings(RENCONTRES_INDEX_PARENT_PAGE_TYPES=["rencontres.RencontrePage"]):
            self.assertEqual(RencontreIndexPage.clean_parent_page_models(), [RencontrePage])
            self.assertFalse(RencontreIndexPage.can_create_at(self.home))
            self.assertNotIn(RencontreIndexPage, type(self.home).creatable_subpage_models())
        self.assertTrue(RencontreIndexPage.can_create_at(self.home))


class ReadmeTests(SimpleTestCase):
    def test_install_section_lists_every_setting_with_its_default(self):
        section = README.read_text().split("## Install in your Wagtail project", 1)[1]
        section = section.split("\n## ", 1)[0]
        rows = dict(re.findall(r"^\| `RENCONTRES_(\w+)` \| `([^`]*)` \|", section, re.M))
        self.assertEqual(sorted(rows), sorted(SETTINGS))
        for name, default in rows.items():
            with self.subTest(name=name):
                self.assertEqual(default, repr(SETTINGS[name].default))
