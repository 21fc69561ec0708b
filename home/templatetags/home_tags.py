"""Template tags of the page chrome (header, footer, language switcher, breadcrumb).

The lookups live in :mod:`home.navigation`; these tags only adapt them to templates.
"""

import re
from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from dsfr.models import DsfrConfig
from wagtail.models import Page

from home import dsfr_js, navigation
from rencontres import fragments

register = template.Library()


def _aria_current(request, url, *, section=False):
    """``"page"`` for the current page, ``"true"`` inside a section, else ``""``."""
    if request is None or not url:
        return ""
    if request.path == url:
        return "page"
    if section and request.path.startswith(url):
        return "true"
    return ""


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """The main navigation items: ``[{"title", "url", "current"}]``."""
    request = context.get("request")
    pages = navigation.current_language_pages(request)
    items = []
    if pages.home:
        items.append(
            {
                "title": _("Accueil"),
                "url": pages.home.url,
                "current": _aria_current(request, pages.home.url),
            }
        )
    if pages.rencontres:
        items.append(
            {
                "title": pages.rencontres.title,
                "url": pages.rencontres.url,
                "current": _aria_current(request, pages.rencontres.url, section=True),
            }
        )
    return items


@register.simple_tag(takes_context=True)
def home_url(context):
    """The active language's home page URL."""
    request = context.get("request")
    pages = navigation.current_language_pages(request)
    return pages.home.url if pages.home else "/"


@register.simple_tag(takes_context=True)
def footer_links(context):
    """The mandatory footer links: ``{"accessibility": Link|None, …, "sitemap": Link|None}``."""
    request = context.get("request")
    links = dict(navigation.footer_links(request))
    pages = navigation.current_language_pages(request)
    return {
        "accessibility": links[navigation.FooterRole.ACCESSIBILITY],
        "legal_notice": links[navigation.FooterRole.LEGAL_NOTICE],
        "personal_data": links[navigation.FooterRole.PERSONAL_DATA],
        "cookies": links[navigation.FooterRole.COOKIES],
        "sitemap": pages.sitemap,
    }


@register.simple_tag(takes_context=True)
def language_links(context, page=None):
    """The language switcher's entries, see :func:`home.navigation.language_links`."""
    return navigation.language_links(context.get("request"), page)


@register.simple_tag
def breadcrumb_ancestors(page):
    """The live ancestors of ``page`` shown in the breadcrumb, from the home page down."""
    if not isinstance(page, Page) or not page.pk or page.depth <= 2:
        return []
    return fragments.memo(
        ("breadcrumb", page.pk),
        lambda: list(page.get_ancestors().filter(depth__gte=2).live()),
    )


@register.simple_tag(takes_context=True)
def accessibility_label(context):
    """ "Accessibilité : partiellement conforme", from the editable site configuration."""
    # The status labels come from DsfrConfig's choices (django-dsfr translates them); an
    # unconfigured site is "non conforme", the model's default.
    config = context.get("SITE_CONFIG") or DsfrConfig()
    return _("Accessibilité : %(status)s conforme") % {
        "status": config.get_accessibility_status_display()
    }


# A line break typed in a configuration text: a newline, or the ``<br>`` of django-dsfr's
# default brand (« République<br />française »).
_LINE_BREAK = re.compile(r"<br\s*/?>|\r\n|\r|\n", re.IGNORECASE)


@register.filter
def text_lines(value):
    """A site-configuration text as escaped text with its line breaks.

    Editors of the site configuration type text, not HTML: any markup in it is shown as
    typed, never interpreted; only line breaks are kept.
    """
    lines = _LINE_BREAK.split(str(value or ""))
    return format_html_join(SafeString("<br>"), "{}", ((line,) for line in lines))


@register.filter
def web_url(value):
    """``value`` when it is an http(s) address, else an empty string (no ``javascript:``)."""
    value = str(value or "").strip()
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return ""
    return value if scheme in ("http", "https") else ""


@register.inclusion_tag("includes/dsfr_js.html")
def dsfr_site_js(nonce=""):
    """The DSFR scripts of the public pages (:mod:`home.dsfr_js`), in place of django-dsfr's
    ``{% dsfr_js %}``; ``nonce`` as django-dsfr's tag takes it (the public pages need none)."""
    return dsfr_js.script_tags_context(nonce)
