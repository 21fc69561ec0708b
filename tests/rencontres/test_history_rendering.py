"""The history's list, Atom feed and API payloads are written without the machinery
that wrote them before (``format_html`` per value, Django's syndication framework, a
full URL and an API route reversed per version): each must give what the reference
gives, byte for byte, whatever the page holds (markup and control characters in its
title, a non-ASCII slug, an author's name, a zone outside Paris), read from the log
or computed, with the versions' URLs read from one prefix or one by one."""

import datetime as dt
from contextlib import contextmanager, nullcontext
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template import Context, Engine
from django.test import RequestFactory, TestCase, override_settings
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from wagtail.api.utils import get_full_url

from rencontres.api import history as api_history
from rencontres.api.v3 import history_api_path
from rencontres.dates import api_datetime
from rencontres.history.base import BaseHistory
from rencontres.history.diffs import FieldChange
from rencontres.history.versions import PageHistory
from rencontres.history.views import VersionsFeed, atom_feed
from rencontres.models import RencontrePage
from rencontres.templatetags.rencontres_history import history_changes, history_version_items
from tests.factories import (
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    departement,
    publish,
    publish_in_bulk,
    sections,
)

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

SOURCES = ("log", "revisions")


@contextmanager
def _within(*contexts):
    with contexts[0], contexts[1]:
        yield


# -- the references: how each was written before ----------------------------------------------


def reference_items(versions):
    """``history_version_items`` as it was: ``format_html`` for each item."""
    current_label = gettext("Version actuelle")
    published_label = gettext("Publiée le")
    changed_label = gettext("Champs modifiés :")
    items = []
    for version in versions:
        if version.url:
            title = format_html('<a href="{}">{}</a>', version.url, version.title)
        else:
            title = conditional_escape(version.title)
        badge = (
            format_html(
                '<span class="fr-badge fr-badge--sm fr-badge--info fr-ml-1w">{}</span>',
                current_label,
            )
            if version.is_latest
            else ""
        )
        author = (
            " " + gettext("par %(author)s") % {"author": version.author} if version.author else ""
        )
        items.append(
            format_html(
                '<li class="fr-mb-3w">\n<h2 class="fr-h5 fr-mb-1w">\n{}\n{}\n</h2>\n'
                '<p class="fr-mb-1w">\n{} <time datetime="{}">{}</time>{}\n</p>\n'
                '<p class="fr-text--sm fr-mb-0">{} {}</p>\n</li>',
                title,
                badge,
                published_label,
                version.published_at_iso,
                version.published_at_text,
                author,
                changed_label,
                ", ".join(str(label) for label in version.changed_labels),
            )
        )
    return mark_safe("\n".join(items))  # noqa: S308 -- every value escaped by format_html


#: The changes of a version's page as ``version.html`` wrote them, a template included
#: per line (``_line.html``).
REFERENCE_TEMPLATES = {
    "changes.html": (
        "{% load i18n %}{% for change in version.changes %}\n"
        '    <section class="fr-mb-4w rencontres-change" data-field="{{'
        ' change.name }}">\n'
        '      <h2 class="fr-h5">{{ change.display_label }}</h2>\n'
        "      {% if side_by_side %}\n"
        '        <div class="fr-table fr-table--no-caption'
        ' fr-table--layout-fixed">\n'
        "          <table>\n"
        "            <caption>{{ change.display_label }}</caption>\n"
        '            <thead><tr><th scope="col">{% translate "Avant"'
        ' %}</th><th scope="col">{% translate "Après" %}</th></tr></thead>\n'
        "            <tbody>\n"
        "              {% for before, after in change.side_by_side %}\n"
        "                <tr>\n"
        '                  <td class="rencontres-diff__cell{% if before %}'
        ' rencontres-diff__line--{{ before.kind }}{% endif %}">{% if before'
        ' %}{% include "rencontres/history/_line.html" with line=before %}{%'
        " elif forloop.first and not change.before %}<span"
        ' class="rencontres-diff__empty">{% translate "(vide)" %}</span>{%'
        " endif %}</td>\n"
        '                  <td class="rencontres-diff__cell{% if after %}'
        ' rencontres-diff__line--{{ after.kind }}{% endif %}">{% if after %}{%'
        ' include "rencontres/history/_line.html" with line=after %}{% elif'
        " forloop.first and not change.after %}<span"
        ' class="rencontres-diff__empty">{% translate "(vide)" %}</span>{%'
        " endif %}</td>\n"
        "                </tr>\n"
        "              {% empty %}\n"
        '                <tr><td colspan="2" class="rencontres-diff__empty">{%'
        ' translate "(vide)" %}</td></tr>\n'
        "              {% endfor %}\n"
        "            </tbody>\n"
        "          </table>\n"
        "        </div>\n"
        "      {% else %}\n"
        '        <ul class="rencontres-diff" aria-describedby="diff-legend">\n'
        "          {% for line in change.diff %}\n"
        '            <li class="rencontres-diff__line'
        ' rencontres-diff__line--{{ line.kind }}">{% include'
        ' "rencontres/history/_line.html" %}</li>\n'
        "          {% endfor %}\n"
        "        </ul>\n"
        "      {% endif %}\n"
        "    </section>\n"
        "  {% endfor %}"
    ),
    "rencontres/history/_line.html": (
        '{% load i18n %}{% if not line %}<span class="rencontres-diff__empty">'
        '{% translate "(vide)" %}</span>{% elif line.kind == "removed" %}<del>'
        '<span class="rencontres-diff__symbol" aria-hidden="true">−</span>'
        '<span class="fr-sr-only">{% translate "Supprimé :" %} </span>{{ line.text }}</del>'
        '{% elif line.kind == "added" %}<ins>'
        '<span class="rencontres-diff__symbol" aria-hidden="true">+</span>'
        '<span class="fr-sr-only">{% translate "Ajouté :" %} </span>{{ line.text }}</ins>'
        '{% else %}<span class="rencontres-diff__symbol" aria-hidden="true"> </span>'
        "{{ line.text }}{% endif %}\n"
    ),
}
REFERENCE_ENGINE = Engine(
    loaders=[("django.template.loaders.locmem.Loader", REFERENCE_TEMPLATES)],
    libraries={"i18n": "django.templatetags.i18n"},
)


def reference_changes(changes, side_by_side):
    context = Context({"version": {"changes": changes}, "side_by_side": side_by_side})
    return REFERENCE_ENGINE.get_template("changes.html").render(context)


def reference_version(page, version, request, version_api_path, with_changes=False):
    """One version in the API as it was: the page's full URL and the API route per version."""
    data = version.as_dict(with_changes=with_changes)
    data["published_at"] = api_datetime(version.published_at, page.tzinfo)
    data["url"] = api_history._absolute(page, data["url"], request)
    path = version_api_path(page, version.number) if version_api_path else None
    data["detail_url"] = get_full_url(request, path) if path else None
    return data


def reference_payload(page, request, version_api_path):
    history = api_history.page_history(page, request)
    items = [
        reference_version(page, version, request, version_api_path)
        for version in history.newest_first
    ]
    rencontre = api_history._rencontre(page, history, request)
    return {"rencontre": rencontre, "count": len(items), "items": items}


def reference_version_payload(page, number, request, version_api_path):
    history = api_history.page_history(page, request)
    version = history.version(number)
    data = reference_version(page, version, request, version_api_path, with_changes=True)
    data["rencontre"] = api_history._rencontre(page, history, request)
    return data


def number_in_the_middle(page, number):
    """An API route whose path does not end with the version's number."""
    return f"/api/x/{number}/of/{page.pk}/"


# -- the data ---------------------------------------------------------------------------------


def publications(page, count):
    """``count`` publications in bulk: venue, status, description items."""
    content = page.serializable_data()
    when = page.last_published_at
    contents = []
    for n in range(1, count + 1):
        content = dict(content)
        if n % 3 == 0:
            content["venue"] = f"Salle n°{n} « <b>Briand</b> » & 'annexe'"
        elif n % 3 == 1:
            content["status"] = "complete" if content["status"] == "prevue" else "prevue"
        else:
            content["capacity"] = 40 + n
        when = when + dt.timedelta(hours=5, microseconds=123456)
        contents.append((content, when))
    return publish_in_bulk(page, contents)


class RenderingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, index = build_site()
        cls.editor = get_user_model().objects.create_superuser(
            "camille",
            "camille@example.org",
            "secret",
            first_name="Camille",
            last_name="<M> & 'Cie'",
        )
        organisation = OrganisationFactory(name="Kaléido’Scop")
        unusual = RencontrePageFactory(
            parent=index,
            title='Atelier « A & B » <b>"l\'été"</b>',
            slug="atelier-été-à-saint-étienne",
            organisers=[organisation],
            description=sections(pourquoi=["Partager un diagnostic"]),
        )
        unusual.save_revision().publish()
        unusual = publications(RencontrePage.objects.get(pk=unusual.pk), 12)
        unusual = publish(unusual, user=cls.editor, venue="Salle Jean <Moulin>")
        # What the admin refuses but an import or an old row may hold: a feed's title
        # keeps to one line and to what XML can hold.
        RencontrePage.objects.filter(pk=unusual.pk).update(title=f"{unusual.title}\x0b\x01  suite")
        noumea = RencontrePageFactory(
            parent=index,
            title="Atelier de Nouméa",
            departement=departement("988"),
            organisers=[organisation],
        )
        noumea.save_revision().publish()
        noumea = publications(RencontrePage.objects.get(pk=noumea.pk), 5)
        cls.pages = [publish(noumea, user=cls.editor, venue="Centre Tjibaou"), unusual]

    def setUp(self):
        cache.clear()

    def cases(self):
        """``(page, authors, settings)``: every page, read from the log and computed, with
        and without authors."""
        for page in self.pages:
            for source in SOURCES:
                for authors in (False, True):
                    settings = override_settings(
                        RENCONTRES_HISTORY_SOURCE=source,
                        RENCONTRES_HISTORY_CACHE_TIMEOUT=0,
                        RENCONTRES_HISTORY_SHOW_AUTHOR=authors,
                    )
                    case = self.subTest(page=page.slug, source=source, authors=authors)
                    yield RencontrePage.objects.get(pk=page.pk), authors, _within(case, settings)

    def test_the_list_items_are_what_format_html_wrote(self):
        for page, authors, case in self.cases():
            with case:
                versions = PageHistory(page).newest_first
                self.assertGreater(len(versions), 5)
                written = history_version_items(versions)
                self.assertEqual(written, reference_items(versions))
                self.assertEqual("par Camille &lt;M&gt; &amp; &#x27;Cie&#x27;" in written, authors)
                with mock.patch.object(BaseHistory, "version_url_prefix", None):
                    versions = PageHistory(page).newest_first
                    self.assertEqual(history_version_items(versions), reference_items(versions))

    def test_the_feed_is_what_the_syndication_framework_wrote(self):
        for page, _authors, case in self.cases():
            with case:
                self.assert_same_feeds(page)
        # The page's title on one line and without what XML cannot hold; its
        # non-ASCII slug encoded in the links.
        self.assertIn('&lt;b&gt;"l\'été"&lt;/b&gt; suite»</title>'.encode(), self.written)
        self.assertIn(b"/rencontres/atelier-%C3%A9t%C3%A9-%C3%A0-saint-%C3%A9tienne/", self.written)

    def assert_same_feeds(self, page):
        for secure in (False, True):
            request = RequestFactory().get(f"{page.url}changements/feed/", secure=secure)
            for prefix in (True, False):
                patch = mock.patch.object(BaseHistory, "version_url_prefix", None)
                with (
                    self.subTest(secure=secure, prefix=prefix),
                    patch if not prefix else nullcontext(),
                ):
                    history = PageHistory(page, request=request)
                    written = atom_feed(request, history)
                    reference = VersionsFeed()(request, history=PageHistory(page, request=request))
                    self.assertEqual(written.content, reference.content)
                    self.assertEqual(written["Last-Modified"], reference["Last-Modified"])
                    self.assertEqual(written["Content-Type"], reference["Content-Type"])
                    self.written = written.content

    def test_the_api_payloads_are_what_each_version_wrote(self):
        request = RequestFactory().get("/api/v3/rencontres/")
        for page, _authors, case in self.cases():
            with case:
                self.assert_same_payloads(page, request)

    def assert_same_payloads(self, page, request):
        for route in (history_api_path, number_in_the_middle, None):
            with self.subTest(route=getattr(route, "__name__", None)):
                self.assertEqual(
                    api_history.versions_payload(page, request, route),
                    reference_payload(page, request, route),
                )
                for number in (1, 2, len(PageHistory(page).versions)):
                    self.assertEqual(
                        api_history.version_payload(page, number, request, route),
                        reference_version_payload(page, number, request, route),
                    )
        with mock.patch.object(BaseHistory, "version_url_prefix", None):
            self.assertEqual(
                api_history.versions_payload(page, request, history_api_path),
                reference_payload(page, request, history_api_path),
            )

    def test_the_changes_are_what_the_template_wrote(self):
        for page, _authors, case in self.cases():
            with case:
                for version in PageHistory(page).versions:
                    for side_by_side in (False, True):
                        self.assertEqual(
                            history_changes(version.changes, side_by_side),
                            reference_changes(version.changes, side_by_side),
                        )


def change(before, after, **kwargs):
    values = {"name": "description", "label": "Description", "language": "fr"}
    values["language_name"] = "Français"
    return FieldChange(**{**values, **kwargs}, before=before, after=after)


CHANGES = [
    change(("• A & <b>", 'B "c" l\'été'), ("• A & <b>", "C", "D", 'B "c" l\'été')),
    change((), ("Première valeur",)),
    change(("Dernière valeur",), ()),
    change((), ()),
    change(("x",), ("y",), name="old<field>", label="old (champ supprimé)", removed_field=True),
    change(("1", "2", "3"), ("3", "2", "1"), language=None, language_name=None),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("side_by_side", [False, True])
def test_changes_of_every_kind_are_what_the_template_wrote(language, side_by_side):
    with translation.override(language):
        for changes in ([], CHANGES, CHANGES[3:4]):
            assert history_changes(changes, side_by_side) == reference_changes(
                changes, side_by_side
            )
