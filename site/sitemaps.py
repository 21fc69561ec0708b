"""sitemap.xml in every language, each URL with its language versions.

Wagtail's default sitemap lists the descendants of the site's root page, which is the
French home page only: the English tree (a translation of the root, under /en/) would
be missing. This one lists the published pages (:func:`rencontres.selectors.published_pages`)
under every translation of the root, and gives each page that exists in more than one
language its ``<xhtml:link rel="alternate" hreflang="…">`` versions, itself included,
so that the alternates of every version are the same set (search engines ignore
alternates that do not answer each other).
"""

from collections import defaultdict

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

    def _alternates(self):
        """translation_key -> [{lang_code, location}] of every published version."""
        versions = defaultdict(list)
        # Plain pages, their locale joined: one query (URLs come from the cached site roots).
        pages = published_pages(site=self.get_wagtail_site()).select_related("locale")
        for page in pages.order_by("path"):
            versions[page.translation_key].append(
                {
                    "lang_code": page.locale.language_code,
                    "location": page.get_full_url(self.request),
                }
            )
        return {key: found for key, found in versions.items() if len(found) > 1}

    def _urls(self, page, protocol, domain):
        alternates = self._alternates()
        urls, last_mods = [], set()
        for item in self.paginator.page(page).object_list:
            for url_info in item.get_sitemap_urls(self.request):
                if item.translation_key in alternates:
                    url_info["alternates"] = alternates[item.translation_key]
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
