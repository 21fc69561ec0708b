"""Template tags of the change history: « Mis à jour le … — voir les changements »."""

import html
from types import SimpleNamespace

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from wagtail.models import Site

from .. import fragments
from ..history.base import iso_formatter
from ..history.versions import last_version

register = template.Library()


@register.simple_tag(takes_context=True)
def rencontre_last_version(context, page):
    """The latest published version of ``page`` (``None`` if it has none or is not public):
    its ``published_at`` (``_iso``, ``_text``) and ``url``, kept until the next
    publication (:mod:`rencontres.fragments`)."""
    if page is None or not getattr(page, "pk", None):
        return None
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None

    def read():
        version = last_version(page, request=request)
        if version is None:
            return None
        return SimpleNamespace(
            published_at=version.published_at,
            published_at_iso=version.published_at_iso,
            published_at_text=version.published_at_text,
            url=version.url,
        )

    key = ("last-version", page.pk, get_language(), getattr(site, "pk", None))
    return fragments.memo(key, read)


def _escape(value):
    """``conditional_escape`` (what ``format_html`` applies to its arguments), with a
    short way for plain strings."""
    return html.escape(value) if type(value) is str else conditional_escape(value)


@register.simple_tag
def history_version_items(versions):
    """The ``<li>`` of each version in the history list, written in Python: a list may
    hold hundreds of versions, and the template language spent most of the page's time
    on them. The markup is the one the template wrote (tests compare the two), each
    value escaped as ``format_html`` escaped it; what versions share (labels, the
    badge, the fields' names) is escaped once."""
    published_label = _escape(gettext("Publiée le"))
    changed_label = _escape(gettext("Champs modifiés :"))
    # gettext() outside the f-strings: xgettext does not read inside them.
    current_label = _escape(gettext("Version actuelle"))
    badge = f'<span class="fr-badge fr-badge--sm fr-badge--info fr-ml-1w">{current_label}</span>'

    by_author = None
    iso = iso_formatter()
    fields_html = {}
    items = []
    for version in versions:
        title = _escape(version.title)
        if version.url:
            title = f'<a href="{_escape(version.url)}">{title}</a>'
        author = ""
        if version.author:
            if by_author is None:
                by_author = gettext("par %(author)s")
            author = _escape(" " + by_author % {"author": version.author})
        labels = tuple(version.changed_labels)
        fields = fields_html.get(labels)
        if fields is None:
            fields = fields_html[labels] = _escape(", ".join(str(label) for label in labels))
        items.append(
            f'<li class="fr-mb-3w">\n<h2 class="fr-h5 fr-mb-1w">\n{title}\n'
            f"{badge if version.is_latest else ''}\n</h2>\n"
            f'<p class="fr-mb-1w">\n{published_label} <time datetime="'
            f'{_escape(iso(version.published_at))}">{_escape(version.published_at_text)}'
            f"</time>{author}\n</p>\n"
            f'<p class="fr-text--sm fr-mb-0">{changed_label} {fields}</p>\n</li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 -- every value escaped above


@register.simple_tag
def history_changes(changes, side_by_side=False):
    """The sections of a version's page, one per changed field, with the diff of its
    lines (unified, or side by side): written in Python, as the list's items are, since
    including a template per line cost a long text most of its page's time. The markup
    is the one the template wrote (``rencontres/history/version.html`` and its
    ``_line.html`` before, which tests keep and compare)."""
    empty = _escape(gettext("(vide)"))
    # gettext() outside the f-strings: xgettext does not read inside them.
    before_label = _escape(gettext("Avant"))
    after_label = _escape(gettext("Après"))
    line_html = _line_writer(empty)
    sections = []
    for change in changes:
        label = _escape(change.display_label)
        if side_by_side:
            rows = []
            for number, (before, after) in enumerate(change.side_by_side):
                cells = []
                for line, side in ((before, change.before), (after, change.after)):
                    kind = f" rencontres-diff__line--{_escape(line.kind)}" if line else ""
                    if line:
                        content = line_html(line)
                    elif number == 0 and not side:
                        content = f'<span class="rencontres-diff__empty">{empty}</span>'
                    else:
                        content = ""
                    cells.append(f'<td class="rencontres-diff__cell{kind}">{content}</td>')
                indent = "\n                  "
                rows.append(
                    f"\n                <tr>{indent}{cells[0]}{indent}{cells[1]}"
                    "\n                </tr>\n              "
                )
            if not rows:
                rows.append(
                    '\n                <tr><td colspan="2" class="rencontres-diff__empty">'
                    f"{empty}</td></tr>\n              "
                )
            body = (
                '\n        <div class="fr-table fr-table--no-caption fr-table--layout-fixed">'
                f"\n          <table>\n            <caption>{label}</caption>"
                f'\n            <thead><tr><th scope="col">{before_label}</th>'
                f'<th scope="col">{after_label}</th></tr></thead>'
                f"\n            <tbody>\n              {''.join(rows)}\n            </tbody>"
                "\n          </table>\n        </div>\n      "
            )
        else:
            lines = "".join(
                '\n            <li class="rencontres-diff__line rencontres-diff__line--'
                f'{_escape(line.kind)}">{line_html(line)}</li>\n          '
                for line in change.diff
            )
            body = (
                '\n        <ul class="rencontres-diff" aria-describedby="diff-legend">'
                f"\n          {lines}\n        </ul>\n      "
            )
        sections.append(
            '\n    <section class="fr-mb-4w rencontres-change" data-field="'
            f'{_escape(change.name)}">\n      <h2 class="fr-h5">{label}</h2>\n      '
            f"{body}\n    </section>\n  "
        )
    return mark_safe("".join(sections))  # noqa: S308 -- every value escaped above


def _line_writer(empty):
    """``line -> markup`` of one line of a diff (what ``_line.html`` wrote)."""
    symbol = '<span class="rencontres-diff__symbol" aria-hidden="true">'
    removed_label = _escape(gettext("Supprimé :"))
    added_label = _escape(gettext("Ajouté :"))
    removed = f'<del>{symbol}−</span><span class="fr-sr-only">{removed_label} </span>'
    added = f'<ins>{symbol}+</span><span class="fr-sr-only">{added_label} </span>'
    unchanged = f"{symbol} </span>"

    def write(line):
        if not line:
            return f'<span class="rencontres-diff__empty">{empty}</span>\n'
        text = _escape(line.text)
        if line.kind == "removed":
            return f"{removed}{text}</del>\n"
        if line.kind == "added":
            return f"{added}{text}</ins>\n"
        return f"{unchanged}{text}\n"

    return write
