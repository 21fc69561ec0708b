"""The DSFR scripts of the public pages: the core, the scheme and the components they use.

django-dsfr's ``{% dsfr_js %}`` loads the whole DSFR (``dsfr.module.min.js``, 110 KB,
and ``dsfr.nomodule.min.js``, 274 KB, for browsers without modules). The DSFR also ships
each part on its own (``dist/core``, ``dist/scheme``, ``dist/component/<name>``): pages
load the core, the scheme (``data-fr-scheme="system"`` on ``<html>``: light or dark as
the system's) and the script of each component of ``home.dsfr_css.COMPONENTS`` that has
one, in the bundle's order, each with its ``integrity`` (sha384, computed once per
process) unless ``DSFR_USE_INTEGRITY_CHECKSUMS`` is False, as django-dsfr does.

No ``nomodule`` fallback: every browser the site supports runs modules (the copies
without modules serve Internet Explorer 11 and browsers older than 2018), and each
component's would double the count of script tags for none of them. No nonce either:
the public policy allows the site's own files (``script-src 'self'``), as for
django-dsfr's tag, which the templates called without one.

The core starts the DSFR as soon as it runs (``requestAnimationFrame`` once the page is
parsed), and module scripts run one by one: the core could start before the header's
script registered, the collapses of the language selector would then set their
``--collapse`` style property first, and the header's script, which copies the tools'
links into the mobile menu through ``innerHTML``, would copy it as a ``style`` attribute,
which the policy (``style-src 'self'``, no ``'unsafe-inline'``) blocks. As in the bundle,
the DSFR starts once every script has registered: ``home/dsfr-manual.js`` sets its
``manual`` mode before the core, ``home/dsfr-start.js`` starts it after the components.
"""

import base64
import hashlib
from functools import cache

from django.conf import settings
from django.templatetags.static import static

from home.dsfr_css import COMPONENTS, DIST, DIST_URL

#: The components that have a script, in the order of ``dsfr.module.min.js`` (DSFR 1.14):
#: a component's dependencies come before it (navigation and modal before the header).
BUNDLE_ORDER = [
    "accordion", "button", "card", "checkbox", "segmented", "breadcrumb", "tooltip",
    "toggle", "sidemenu", "modal", "password", "navigation", "tab", "tag", "transcription",
    "tile", "range", "header", "display", "table",
]  # fmt: skip
CORE = DIST / "core" / "core.module.min.js"
SCHEME = DIST / "scheme" / "scheme.module.min.js"
MANUAL = "home/dsfr-manual.js"
START = "home/dsfr-start.js"


def component_script(name):
    return DIST / "component" / name / f"{name}.module.min.js"


def script_files():
    """The DSFR's files a page loads, in order."""
    components = [name for name in COMPONENTS if component_script(name).exists()]
    unknown = set(components) - set(BUNDLE_ORDER)
    if unknown:
        raise ValueError(f"DSFR components with a script missing from BUNDLE_ORDER: {unknown}")
    ordered = sorted(components, key=BUNDLE_ORDER.index)
    return [CORE, SCHEME, *(component_script(name) for name in ordered)]


def integrity(path):
    digest = hashlib.sha384(path.read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


@cache
def _scripts():
    return [
        (DIST_URL + path.relative_to(DIST).as_posix(), integrity(path)) for path in script_files()
    ]


def scripts():
    """``[(static path, integrity or "")]`` of the scripts a page loads, in order."""
    use_integrity = getattr(settings, "DSFR_USE_INTEGRITY_CHECKSUMS", True) is not False
    dsfr = [(path, digest if use_integrity else "") for path, digest in _scripts()]
    return [(MANUAL, ""), *dsfr, (START, "")]


def script_tags_context(nonce=""):
    return {
        "scripts": [{"src": static(path), "integrity": digest} for path, digest in scripts()],
        "nonce": nonce,
    }
