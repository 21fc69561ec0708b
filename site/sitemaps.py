"""sitemap.xml in every language.

Wagtail's default sitemap lists the descendants of the site's root page, which is the
French home page only: the English tree (a translation of the root, under /en/) would
be missing. This one lists the published pages (:func:`rencontres.selectors.published_pages`)
under every translation of the root.
"""

from wagtail.contrib.sitemaps import Sitemap

from rencontres.selectors import published_pages


class MultilingualSitemap(Sitemap):
    def items(self):
        # The site's pages in every language, published as the rencontres' selectors
        # define it (live, outside any view restriction).
        return (
            published_pages(site=self.get_wagtail_site())
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
