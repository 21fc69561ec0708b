"""Factories of the demo's pages (the home app): only where the demo is installed."""

import factory
import wagtail_factories

from home.models import ContentPage, FooterRole, HomePage, SitemapPage


class HomePageFactory(wagtail_factories.PageFactory):
    """A home page; pass ``parent=Page.get_first_root_node()``, then ``make_site_root``."""

    title = "Construisons ensemble Quartiers 2030"
    slug = "accueil"
    introduction = factory.LazyFunction(
        lambda: [("paragraph", "<p>Les rencontres locales de la consultation.</p>")]
    )

    class Meta:
        model = HomePage


class ContentPageFactory(wagtail_factories.PageFactory):
    """A content page; ``footer_role=FooterRole.LEGAL_NOTICE`` makes it a footer link."""

    title = factory.Sequence(lambda n: f"Page de contenu n°{n}")
    body = factory.LazyFunction(lambda: [("paragraph", "<p>Un paragraphe de contenu.</p>")])
    footer_role = ""

    class Meta:
        model = ContentPage


class SitemapPageFactory(wagtail_factories.PageFactory):
    title = "Plan du site"
    slug = "plan-du-site"

    class Meta:
        model = SitemapPage


def build_footer_pages(home):
    """The four footer content pages and the sitemap under ``home``: ``{role: page}``."""
    pages = {
        role: ContentPageFactory(parent=home, title=role.label, slug=role.value, footer_role=role)
        for role in FooterRole
    }
    pages["sitemap"] = SitemapPageFactory(parent=home)
    return pages
