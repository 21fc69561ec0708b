"""Public pages of a rencontre's change history, served by the page's routes:

* ``changements/``: its published versions, newest first;
* ``changements/<n>/``: what version n changed, unified or side by side (``?affichage=``);
* ``changements/feed/``: an Atom feed of the versions.

Only live, public pages have a history: for any other page these routes answer 404
(checked by :func:`hide_history_of_non_public_pages` before Wagtail's view
restrictions, which would otherwise ask for a login or a password).
"""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        _context(request, page, history, versions=history.newest_first),
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
            layout=layout,
            layouts=layouts,
            side_by_side=layout == SIDE_BY_SIDE,
            previous_version=previous,
            next_version=following,
            layout_query=f"?affichage={layout}" if layout != UNIFIED else "",
        ),
    )


class VersionsFeed(Feed):
    """Atom feed of a page's versions, newest first, for visitors who follow it."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, history):
        self.fields_text = _("Champs modifiés : %(fields)s")  # once, not once per version
        return history

    def title(self, history):
        return _page_title(history.page)

    def subtitle(self, history):
        return _("Les versions publiées de cette rencontre et ce que chacune a changé.")

    def link(self, history):
        return self.request.build_absolute_uri(history.list_url)

    def feed_url(self, history):
        return self.request.build_absolute_uri(history.feed_url)

    def items(self, history):
        return history.newest_first

    def item_title(self, version):
        return version.title

    def item_link(self, version):
        return self.request.build_absolute_uri(version.url)

    def item_guid(self, version):
        return self.item_link(version)

    def item_pubdate(self, version):
        return version.published_at

    def item_updateddate(self, version):
        return version.published_at

    def item_description(self, version):
        return self.fields_text % {"fields": ", ".join(version.changed_labels)}


def history_feed(request, page):
    """The Atom feed of ``page``'s versions."""
    history = _history(request, page)
    return VersionsFeed()(request, history=history)
