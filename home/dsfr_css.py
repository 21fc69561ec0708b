"""The DSFR stylesheet of the public pages: only the rules they can use.

django-dsfr's ``{% dsfr_css %}`` loads the whole DSFR (``dsfr.min.css``, 700 KB, and the
utility stylesheet with every icon, 458 KB) on every page. This module builds one
stylesheet from the DSFR ``dist`` that django-dsfr ships: the core and the components
the site's templates use, and the icon subsets, each rule kept only when every class
its selector names can appear on a page — in a template of the project or of its
apps, in their Python code (widget classes, badge classes), or added at run time by
the DSFR scripts (``SCRIPT_CLASSES``). Rules without classes (elements, ``:root``
variables, ``@font-face``) are kept whole. ``url(…)`` references (fonts, icon SVGs) are
rewritten to point to django-dsfr's files.

The stylesheet is served as ``home/dsfr-site.css`` by :class:`DsfrSubsetFinder`, a
static files finder: ``runserver``, WhiteNoise and ``collectstatic`` find it like any
static file; it is built once per process (and per django-dsfr version) into a cache
folder, never committed. ``tests/home/test_dsfr_css.py`` holds it to 150 KB.
"""

import hashlib
import posixpath
import re
import tempfile
from functools import cache
from pathlib import Path

import dsfr
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

#: The static path of the built stylesheet.
SUBSET_PATH = "home/dsfr-site.css"
DIST = Path(dsfr.__file__).parent / "static" / "dsfr" / "dist"
DIST_URL = "dsfr/dist/"

#: The DSFR components the public pages use (folders of ``dist/component``).
COMPONENTS = [
    "skiplink", "logo", "header", "navigation", "modal", "translate", "button", "link",
    "breadcrumb", "badge", "card", "callout", "quote", "alert", "notice", "form", "input",
    "select", "search", "pagination", "footer", "content", "highlight", "tag", "accordion",
    "download", "table",
]  # fmt: skip
#: Where the classes a page can carry are written.
SOURCE_APPS = ["home", "rencontres"]
#: Classes built in templates from a variable (``fr-notice--{{ type }}``).
DYNAMIC_CLASSES = {
    "fr-notice--info", "fr-notice--warning", "fr-notice--alert", "fr-notice--weather-orange",
    "fr-notice--weather-red", "fr-notice--weather-purple", "fr-notice--kidnapping",
    "fr-notice--attack", "fr-notice--witness", "fr-notice--cyberattack",
}  # fmt: skip
#: The classes the scripts that home/dsfr_js.py loads add at run time (their ``addClass``
#: calls, DSFR 1.14). They never write a class whole but build it from their prefix
#: (``ns.selector("collapsing")``, a disclosure's ``selector + "--" + state``): reading
#: them finds none. Without ``fr-modal--opened`` the header's menu never shows on a phone.
SCRIPT_CLASSES = {
    "fr-collapse--expanded", "fr-collapsing", "fr-modal--opened", "fr-scroll-divider",
    "fr-nav__item--align-right", "fr-table__shadow", "fr-table__shadow--left",
    "fr-table__shadow--right",
}  # fmt: skip
CLASS_RE = re.compile(r"(?<![\w-])(fr-[a-z0-9][a-z0-9_-]*)")
SELECTOR_CLASS_RE = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
URL_RE = re.compile(r"url\((['\"]?)(?!data:|https?:|/)([^)'\"]+)\1\)")


def _css_files():
    files = [DIST / "core" / "core.main.min.css"]
    for name in COMPONENTS:
        path = DIST / "component" / name / f"{name}.main.min.css"
        if path.exists():
            files.append(path)
    files += sorted((DIST / "utility" / "icons").glob("icons-*/icons-*.main.min.css"))
    return files


def _source_files():
    folders = [Path(folder) for config in settings.TEMPLATES for folder in config["DIRS"]]
    folders += [Path(apps.get_app_config(label).path) for label in SOURCE_APPS]
    for folder in folders:
        for pattern in ("**/*.html", "**/*.py", "**/*.js", "**/*.css"):
            yield from (path for path in folder.glob(pattern) if "migrations" not in path.parts)


def used_classes():
    """Every ``fr-…`` class a page can carry."""
    found = set(DYNAMIC_CLASSES)
    for path in _source_files():
        found.update(CLASS_RE.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return found | SCRIPT_CLASSES


def source_properties():
    """The DSFR custom properties the project's own stylesheets and templates read."""
    found = set()
    for path in _source_files():
        if path.suffix in (".css", ".html"):
            found.update(VAR_RE.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return found


# -- a minimal CSS reader: top-level statements, nested blocks of @media / @supports ----


def _statements(css):
    """``(prelude, block)`` pairs of ``css`` (``block`` None for ``@charset …;``)."""
    position, length = 0, len(css)
    while position < length:
        depth, start, quote = 0, position, None
        while position < length:
            char = css[position]
            if quote:
                if char == "\\":
                    position += 1
                elif char == quote:
                    quote = None
            elif char in "\"'":
                quote = char
            elif css.startswith("/*", position):
                end = css.find("*/", position + 2)
                position = length if end < 0 else end + 1
            elif char == "{":
                if depth == 0:
                    brace = position
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    yield css[start:brace].strip(), css[brace + 1 : position]
                    position += 1
                    break
            elif char == ";" and depth == 0:
                yield css[start:position].strip(), None
                position += 1
                break
            position += 1


def _split_top_level(text, separator):
    """``text`` split at each ``separator`` outside quotes, brackets and parentheses
    (a selector list at its commas, a rule's block at its semicolons)."""
    parts, current, depth, quote = [], [], 0, None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _split_selectors(prelude):
    return _split_top_level(prelude, ",")


def _keep(selector, used):
    # Classes inside :not(…) need not be present.
    positive = re.sub(r":not\([^)]*\)", "", selector)
    return all(
        name in used for name in SELECTOR_CLASS_RE.findall(positive) if name.startswith("fr-")
    )


def _declarations(block):
    """The ``;``-separated declarations of a rule's block (quotes and brackets kept)."""
    return _split_top_level(block, ";")


VAR_RE = re.compile(r"var\(\s*(--[\w-]+)")
NESTING = ("@media", "@supports", "@layer", "@container")


def _rules(css):
    """Every ``(prelude, block)`` of ``css``, nested blocks of at-rules included."""
    for prelude, block in _statements(css):
        if block is None:
            continue
        if prelude.startswith(NESTING):
            yield from _rules(block)
        elif not prelude.startswith("@"):
            yield prelude, block


def _read_properties(css, used=()):
    """The custom properties something reads, directly or through another one."""
    definitions, used = {}, set(used)
    for _prelude, block in _rules(css):
        for declaration in _declarations(block):
            name, _colon, value = declaration.partition(":")
            if name.startswith("--"):
                definitions.setdefault(name, []).append(value)
            else:
                used.update(VAR_RE.findall(value))
    pending = list(used)
    while pending:
        for value in definitions.get(pending.pop(), ()):
            for name in VAR_RE.findall(value):
                if name not in used:
                    used.add(name)
                    pending.append(name)
    return used


def prune_custom_properties(css, used=None):
    """``css`` without the custom properties (``--name: …``) nothing reads: the DSFR
    defines its whole palette, light and dark, in ``:root``; a page reads a fraction."""
    used = _read_properties(css) if used is None else used
    out = []
    for prelude, block in _statements(css):
        if block is None:
            out.append(prelude + ";")
        elif prelude.startswith(NESTING):
            inner = prune_custom_properties(block, used)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{block}}}")
        else:
            kept = [
                d
                for d in _declarations(block)
                if not d.startswith("--") or d.partition(":")[0] in used
            ]
            if kept:
                out.append(f"{prelude}{{{';'.join(kept)}}}")
    return "".join(out)


def purge(css, used):
    """``css`` with only the rules whose selectors ``used`` classes can match."""
    out = []
    for prelude, block in _statements(css):
        if block is None:
            if not prelude.startswith("@import"):
                out.append(prelude + ";")
        elif prelude.startswith(NESTING):
            inner = purge(block, used)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{block}}}")  # @font-face, @keyframes…
        else:
            selectors = [s for s in _split_selectors(prelude) if _keep(s, used)]
            if selectors:
                out.append(f"{','.join(selectors)}{{{block}}}")
    return "".join(out)


def _rebase(css, source):
    """Rewrite relative ``url(…)`` of ``source`` (a dist file) for ``SUBSET_PATH``."""
    folder = posixpath.dirname(DIST_URL + source.relative_to(DIST).as_posix())
    here = posixpath.dirname(SUBSET_PATH)

    def rebase(match):
        target = posixpath.normpath(posixpath.join(folder, match.group(2)))
        return f"url({posixpath.relpath(target, here)})"

    return URL_RE.sub(rebase, css)


def build_css(used=None):
    """The stylesheet's text."""
    used = used_classes() if used is None else used
    parts = [_rebase(purge(path.read_text(encoding="utf-8"), used), path) for path in _css_files()]
    css = "".join(parts)
    css = prune_custom_properties(css, _read_properties(css, source_properties()))
    return f"/* The DSFR rules of this site's pages, from {DIST_URL} (home/dsfr_css.py) */\n{css}\n"


@cache
def built_file():
    """The stylesheet written once per process into a cache folder; its path."""
    css = build_css()
    digest = hashlib.sha256(css.encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"rencontres-dsfr-css-{digest}"
    path = folder / SUBSET_PATH
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{digest}.tmp")
        temporary.write_text(css, encoding="utf-8")
        temporary.replace(path)
    return path


class DsfrSubsetFinder(BaseFinder):
    """Finds ``home/dsfr-site.css`` (built on first use) for the static files machinery."""

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)
        if path != SUBSET_PATH:
            return [] if find_all else None
        found = str(built_file())
        return [found] if find_all else found

    def list(self, ignore_patterns):
        path = built_file()
        root = path.parents[len(Path(SUBSET_PATH).parts) - 1]
        yield SUBSET_PATH, FileSystemStorage(location=str(root))
