"""sitemap.xml in every language.

Wagtail's default sitemap lists the descendants of the site's root page, which is the
French home page only: the English tree (a translation of the root, under /en/) would
be missing. This one lists the live, public pages under every translation of the root.
"""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class MultilingualSitemap(Sitemap):
    def items(self):
        root = self.get_wagtail_site().root_page
        roots = Page.objects.filter(translation_key=root.translation_key).only("path")
        under_a_root = Q()
        for translation in roots:
            under_a_root |= Q(path__startswith=translation.path)
        return (
            Page.objects.filter(under_a_root)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
