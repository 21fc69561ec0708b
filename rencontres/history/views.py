"""Public pages of a rencontre's change history, served by the page's routes:

* ``changements/``: its published versions, newest first;
* ``changements/<n>/``: what version n changed, unified or side by side (``?affichage=``);
* ``changements/feed/``: an Atom feed of the versions.

Only live, public pages have a history: for any other page these routes answer 404
(checked by :func:`hide_history_of_non_public_pages` before Wagtail's view
restrictions, which would otherwise ask for a login or a password).
"""

import datetime as dt
from urllib.parse import urljoin
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.feedgenerator import Atom1Feed, rfc3339_date
from django.utils.http import http_date
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from ..addresses import page_relative
from ..dates import date_range_text
from ..sanitize import SafeAtom1Feed, one_line, xml_safe
from .versions import HISTORY_ROUTES, PageHistory, VersionNotFound, is_public

#: ``?affichage=`` values: the unified view (default) and side by side.
UNIFIED = "unifie"
SIDE_BY_SIDE = "cote-a-cote"
LAYOUTS = {
    UNIFIED: gettext_lazy("Vue unifiée"),
    SIDE_BY_SIDE: gettext_lazy("Vue côte à côte"),
}


def hide_history_of_non_public_pages(page, request, serve_args, serve_kwargs):
    """``before_serve_page`` hook: the history of a page that is not public is a 404."""
    match = getattr(request, "routable_resolver_match", None)
    if match is None or match.url_name not in HISTORY_ROUTES:
        return None
    if not is_public(page):
        raise Http404
    request.rencontres_public_page_id = page.pk
    return None


def _history(request, page):
    checked = getattr(request, "rencontres_public_page_id", None) == page.pk
    history = PageHistory(page, request=request, public=True if checked else None)
    if not history.is_public:
        raise Http404
    return history


def _page_title(page):
    return _("Changements sur «%(title)s»") % {"title": page.title}


def _context(request, page, history, **extra):
    return {
        "page": page,
        "self": page,
        "request": request,
        "history": history,
        "history_title": _page_title(page),
        **extra,
    }


def history_list(request, page):
    """The list of the published versions of ``page``, newest first."""
    history = _history(request, page)
    return TemplateResponse(
        request,
        "rencontres/history/list.html",
        _context(
            request,
            page,
            history,
            versions=history.newest_first,
            meta_description=ngettext(
                "La version publiée de la rencontre « %(title)s » (%(dates)s).",
                "Les %(count)s versions publiées de la rencontre « %(title)s » (%(dates)s) "
                "et ce que chacune a changé.",
                len(history.versions),
            )
            % {
                "count": len(history.versions),
                "title": page.title,
                "dates": date_range_text(page.local_start, page.local_end),
            },
        ),
    )


def history_version(request, page, number):
    """What version ``number`` changed, field by field."""
    history = _history(request, page)
    try:
        version = history.version(number)
    except VersionNotFound:
        raise Http404(_("Cette version n’existe pas.")) from None
    layout = request.GET.get("affichage", UNIFIED)
    if layout not in LAYOUTS:
        layout = UNIFIED
    layouts = [
        {"value": value, "label": label, "url": f"?affichage={value}", "current": value == layout}
        for value, label in LAYOUTS.items()
    ]
    previous = history.versions[number - 2] if number > 1 else None
    following = history.versions[number] if number < len(history.versions) else None
    return TemplateResponse(
        request,
        "rencontres/history/version.html",
        _context(
            request,
            page,
            history,
            version=version,
            meta_description=_(
                "%(version)s de la rencontre « %(title)s », publiée le %(date)s : %(fields)s."
            )
            % {
                "version": version.title,
                "title": page.title,
                "date": version.published_at_text,
                "fields": ", ".join(str(label) for label in version.changed_labels),
            },
            layout=layout,
            layouts=layouts,
            side_by_side=layout == SIDE_BY_SIDE,
            previous_version=previous,
            next_version=following,
            layout_query=f"?affichage={layout}" if layout != UNIFIED else "",
        ),
    )


class VersionsFeed(Feed):
    """Atom feed of a page's versions, newest first, for visitors who follow it.

    What the syndication framework writes with it is the reference: the view writes
    the same bytes directly (:func:`atom_feed`), and tests compare the two."""

    feed_type = SafeAtom1Feed  # valid XML whatever is stored

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, history):
        self.fields_text = _("Champs modifiés : %(fields)s")  # once, not once per version
        self.history = history
        return history

    def title(self, history):
        return _page_title(history.page)

    def subtitle(self, history):
        return _("Les versions publiées de cette rencontre et ce que chacune a changé.")

    def link(self, history):
        return page_relative(history.page, history.list_url, self.request)

    def feed_url(self, history):
        return page_relative(history.page, history.feed_url, self.request)

    def items(self, history):
        return history.newest_first

    def item_title(self, version):
        return version.title

    def item_link(self, version):
        return page_relative(self.history.page, version.url, self.request)

    def item_guid(self, version):
        return self.item_link(version)

    def item_pubdate(self, version):
        return version.published_at

    def item_updateddate(self, version):
        return version.published_at

    def item_description(self, version):
        return self.fields_text % {"fields": ", ".join(version.changed_labels)}


def _element(name, text=None, attrs=None):
    """One element as ``SimplerXMLGenerator.addQuickElement`` writes it (attributes
    sorted, an empty element closed short)."""
    opening = _start(name, attrs)
    if not text:
        return opening + "/>"
    return f"{opening}>{xml_escape(text)}</{name}>"


def _start(name, attrs=None):
    if not attrs:
        return "<" + name
    pairs = "".join(f" {key}={quoteattr(value)}" for key, value in sorted(attrs.items()))
    return "<" + name + pairs


def _one_line(value):
    return xml_safe(one_line(str(value)))


def atom_feed(request, history):
    """The Atom feed of ``history``: the response of :class:`VersionsFeed`, byte for
    byte, written without the syndication framework, which spent most of a long
    history's feed looking each attribute of each version up, joining each version's
    URL to the page's and writing the XML in small pieces."""
    page = history.page
    secure = request.is_secure()
    site_domain = []

    def absolute(url):  # add_domain(), reading the current site only when needed
        if url.startswith(("//", "http://", "https://", "mailto:")):
            return add_domain("", url, secure)
        if not site_domain:
            site_domain.append(get_current_site(request).domain)
        return add_domain(site_domain[0], url, secure)

    full_url = page.get_full_url(request) or ""
    link = absolute(urljoin(full_url, history.list_url))
    feed_url = xml_safe(absolute(urljoin(full_url, history.feed_url) or request.path))
    language = xml_safe(get_language())
    versions = history.newest_first
    dates = []
    for version in versions:
        published = version.published_at
        if timezone.is_naive(published):
            published = timezone.make_aware(published, timezone.get_default_timezone())
        dates.append(published)
    latest = max(dates, default=None) or dt.datetime.now(tz=dt.UTC)

    root = {"xmlns": Atom1Feed.ns}
    if language is not None:
        root["xml:lang"] = str(language)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        _start("feed", root) + ">",
        _element("title", _one_line(_page_title(page))),
        _element("link", "", {"rel": "alternate", "href": iri_to_uri(link)}),
    ]
    if feed_url is not None:
        parts.append(_element("link", "", {"rel": "self", "href": iri_to_uri(feed_url)}))
    subtitle = _("Les versions publiées de cette rencontre et ce que chacune a changé.")
    parts += [
        _element("id", link),
        _element("updated", rfc3339_date(latest)),
        _element("subtitle", xml_safe(str(subtitle))),
    ]
    # A version's URL is the same prefix and its number: joined to the page's once.
    prefix = history.version_url_prefix
    joined = urljoin(full_url, prefix) if prefix is not None else None
    joined_href = iri_to_uri(absolute(joined)) if joined is not None else None
    fields_text = _("Champs modifiés : %(fields)s")
    summaries = {}
    for version, published in zip(versions, dates, strict=True):
        number = version.number
        if joined is not None and version.url == f"{prefix}{number}/":
            guid = f"{joined}{number}/"
            href = f"{joined_href}{number}/"
        else:
            guid = urljoin(full_url, version.url)
            href = iri_to_uri(absolute(guid))
        labels = tuple(version.changed_labels)
        summary = summaries.get(labels)
        if summary is None:
            description = xml_safe(str(fields_text % {"fields": ", ".join(labels)}))
            summary = summaries[labels] = _element("summary", description, {"type": "html"})
        date = xml_escape(rfc3339_date(published))
        parts.append(
            f"<entry>{_element('title', _one_line(version.title))}"
            f"{_element('link', '', {'href': href, 'rel': 'alternate'})}"
            f"<published>{date}</published><updated>{date}</updated>"
            f"{_element('id', xml_safe(guid))}{summary}</entry>"
        )
    parts.append("</feed>")
    response = HttpResponse("".join(parts), content_type=SafeAtom1Feed.content_type)
    response.headers["Last-Modified"] = http_date(latest.timestamp())
    return response


def history_feed(request, page):
    """The Atom feed of ``page``'s versions."""
    history = _history(request, page)
    return atom_feed(request, history)
