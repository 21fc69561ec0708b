"""Selectors for the page chrome: main navigation, footer links and language switcher.

Every public page needs the same few links: the home page and the rencontres index of
each language (navigation, language switcher), and the pages behind the mandatory footer
links. They are found by page type (and, for content pages, by their ``footer_role``
field), never by slug or title, so editors may rename or move them freely. One query
fetches them all, for every language at once, and the result is cached on the request:

* a slug lookup would break as soon as an editor translates or renames a slug;
* a setting with page choosers would point at one language's pages and need one more
  lookup per link to find the translations, and a second place to keep in sync.

A site is expected to have one home page per language (see ``HomePage.can_create_at``);
with several, the first one in tree order wins.
"""

from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import get_language_info
from wagtail.models import Page, Site

from rencontres import fragments
from rencontres.addresses import page_relative, site_root_url

from .models import ContentPage, FooterRole, HomePage, SitemapPage

_CACHE_ATTR = "_home_navigation"


def _rencontre_index_model():
    # home may use the rencontres plugin, never the reverse; tolerate its absence so the
    # home app works on its own.
    try:
        return apps.get_model("rencontres", "RencontreIndexPage")
    except LookupError:
        return None


@dataclass
class Link:
    title: str
    url: str


@dataclass
class LanguagePages:
    """The pages of one language that the page chrome links to."""

    home: Link | None = None
    rencontres: Link | None = None
    sitemap: Link | None = None
    footer: dict = field(default_factory=dict)  # FooterRole value -> Link


def _request_cache(request):
    if request is None:
        return {}
    cache = getattr(request, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(request, _CACHE_ATTR, cache)
    return cache


def _private_q(request):
    """The filter excluding private sections (one query, until the next publication)."""
    return fragments.memo("private-q", lambda: Page.objects.all().private_q())


def pages_by_language(request):
    """``{language_code: LanguagePages}`` for every language that has pages.

    One query for all languages (plus the private-section query shared with
    :func:`language_links`), cached on the request.
    """
    cache = _request_cache(request)
    if "pages" not in cache:
        # The links' URLs are relative to the request's site: one entry per site.
        site = Site.find_for_request(request) if request is not None else None
        cache["pages"] = fragments.memo(
            ("navigation", getattr(site, "pk", None)), lambda: _pages_by_language(request)
        )
    return cache["pages"]


def _pages_by_language(request):
    index_model = _rencontre_index_model()
    models = [HomePage, SitemapPage, ContentPage] + ([index_model] if index_model else [])
    content_types = ContentType.objects.get_for_models(*models)
    pages = (
        Page.objects.live()
        .exclude(_private_q(request))
        .filter(
            Q(
                content_type__in=[
                    content_types[model] for model in models if model is not ContentPage
                ]
            )
            | Q(content_type=content_types[ContentPage], contentpage__footer_role__gt="")
        )
        .annotate(
            language_code=F("locale__language_code"),
            link_role=F("contentpage__footer_role"),
        )
        .order_by("path")
    )
    result = {}
    type_of = {content_types[model].pk: model for model in models}
    for page in pages:
        entry = result.setdefault(page.language_code, LanguagePages())
        link = Link(title=page.title, url=page.get_url(request))
        model = type_of[page.content_type_id]
        if model is HomePage:
            entry.home = entry.home or link
        elif model is SitemapPage:
            entry.sitemap = entry.sitemap or link
        elif model is ContentPage:
            entry.footer.setdefault(page.link_role, link)
        else:
            entry.rencontres = entry.rencontres or link
    return result


def current_language_pages(request):
    """The :class:`LanguagePages` of the active language (empty if it has none)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return pages_by_language(request).get(language, LanguagePages())


def footer_links(request):
    """The mandatory footer links of the active language, in the DSFR's order.

    A list of ``(role, Link or None)``: ``None`` when no page of that kind exists yet.
    """
    pages = current_language_pages(request)
    return [(role, pages.footer.get(role.value)) for role in FooterRole]


def _language_home_url(language_code):
    try:
        with translation.override(language_code):
            return reverse("wagtail_serve", args=[""])
    except NoReverseMatch:
        return "/"


def _translations(request, page):
    """``{language_code: page}``: the live, public translations of ``page`` (itself
    included)."""
    siblings = (
        Page.objects.live()
        .filter(translation_key=page.translation_key)
        .exclude(_private_q(request))
        .annotate(language_code=F("locale__language_code"))
    )
    return {t.language_code: t for t in siblings}


@dataclass
class LanguageLink:
    code: str
    name: str  # in its own language: "Français", "English"
    url: str
    absolute_url: str  # for <link rel="alternate" hreflang>, on the Wagtail site's host
    is_current: bool
    is_translation: bool  # True: the current page in that language; False: its home


def language_links(request, page=None):
    """One :class:`LanguageLink` per language of ``settings.LANGUAGES``.

    Each leads to the current page's live, public translation in that language if there
    is one, otherwise to that language's home page. One query for the translations, on
    top of :func:`pages_by_language`.
    """
    current = translation.get_language() or settings.LANGUAGE_CODE
    translations = {}
    if isinstance(page, Page) and page.pk and page.live:
        translations = fragments.memo(
            ("translations", page.translation_key), lambda: _translations(request, page)
        )
    pages = pages_by_language(request)
    # On a sub-route of the page (its history, a version…), the other languages' entries
    # lead to their page, which is not an equivalent: no hreflang for them.
    this_page = translations.get(current)
    on_sub_route = (
        this_page is not None and request is not None and request.path != this_page.get_url(request)
    )
    links = []
    for code, _name in settings.LANGUAGES:
        translated = translations.get(code)
        absolute_url = None
        if translated is not None and on_sub_route and code == current:
            url = request.path
            absolute_url = page_relative(translated, url, request)
        elif translated is not None:
            url = translated.get_url(request)
            absolute_url = translated.get_full_url(request)
        elif code in pages and pages[code].home:
            url = pages[code].home.url
        else:
            url = _language_home_url(code)
        links.append(
            LanguageLink(
                code=code,
                name=get_language_info(code)["name_local"],
                url=url,
                absolute_url=absolute_url or urljoin(site_root_url(request), url),
                is_current=code == current,
                is_translation=translated is not None and (code == current or not on_sub_route),
            )
        )
    return links
