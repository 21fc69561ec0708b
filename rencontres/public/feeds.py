"""RSS 2.0 and Atom feeds of new rencontres (Django's syndication framework).

The newest publications first, honouring the listing's filters (same query string,
same :mod:`rencontres.selectors`), so a feed reader can follow "new rencontres in the
Loire". Served by routes of :class:`rencontres.models.RencontreIndexPage`.
"""

from django.contrib.syndication.views import Feed
from django.utils.translation import gettext as _

from .. import selectors
from ..addresses import page_relative
from ..dates import date_range_text
from ..sanitize import SafeAtom1Feed, SafeRss201rev2Feed
from .seo import summary_text


class RencontreFeed(Feed):
    """Call as ``RencontreFeed()(request, index=index_page, filters=filters)``."""

    # Valid XML whatever is stored (rencontres.sanitize).
    feed_type = SafeRss201rev2Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, index, filters):
        return index, filters

    def title(self, obj):
        index, _filters = obj
        return index.seo_title or index.title

    def link(self, obj):
        index, _filters = obj
        return index.get_full_url(self.request)

    def feed_url(self, obj):
        """This feed's own address, filters included (``rel=self``), on the site's host."""
        index, _filters = obj
        return page_relative(index, self.request.get_full_path(), self.request)

    def description(self, obj):
        index, _filters = obj
        return index.search_description or _("Les nouvelles rencontres publiées sur le site.")

    def items(self, obj):
        index, filters = obj
        return selectors.feed_rencontres(index, filters)

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_description(self, item):
        lines = [date_range_text(item.local_start, item.local_end)]
        if item.timezone_label:
            lines[0] += f" ({item.timezone_label})"
        if item.has_place:
            lines.append(item.place_text)
        lines.append(
            " · ".join(
                str(value)
                for value in (
                    item.departement or "",
                    item.get_format_display(),
                    item.get_status_display(),
                )
                if value
            )
        )
        lines.append(item.search_description or summary_text(item.description))
        return "\n".join(line for line in lines if line)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [str(item.departement)] if item.departement_id else []


class RencontreAtomFeed(RencontreFeed):
    feed_type = SafeAtom1Feed
    subtitle = RencontreFeed.description
