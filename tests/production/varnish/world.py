"""The content the cache tests change, and every address that shows it."""

from dataclasses import dataclass

from wagtail.models import Locale

from tests.factories import (
    DsfrConfigFactory,
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    publish,
)

TITLE = "Atelier territorial Vallée du Gier"
ENGLISH_TITLE = "Gier valley workshop"


@dataclass
class World:
    home: object
    index: object
    page: object
    english: object
    organisation: object

    @property
    def page_paths(self):
        """The rencontre's own addresses, in both languages."""
        paths = []
        for page in (self.page, self.english):
            url = page.get_url()
            paths += [url, f"{url}changements/", f"{url}changements/feed/", f"{url}agenda.ics"]
        return paths

    @property
    def api_paths(self):
        pk = self.page.pk
        return [
            f"/api/v2/rencontres/{pk}/",
            f"/api/v2/rencontres/{pk}/history/",
            f"/api/v2/rencontres/{self.english.pk}/",
            f"/api/v3/rencontres/{pk}/",
            f"/api/v3/rencontres/{pk}/history/",
        ]

    @property
    def list_paths(self):
        """Listings (with filters), feeds, calendars, open data, home, API lists."""
        return [
            "/",
            "/en/",
            "/rencontres/",
            "/rencontres/?departement=42",
            "/rencontres/?format=presentiel&statut=prevue",
            "/en/rencontres/",
            "/rencontres/flux/",
            "/rencontres/flux/atom/",
            "/rencontres/agenda.ics",
            "/rencontres/donnees.csv",
            "/rencontres/donnees.json",
            "/api/v2/rencontres/",
            "/api/v2/pages/?type=rencontres.RencontrePage",
            "/api/v3/rencontres/",
        ]

    #: Lists that show no title (or only a URL).
    untitled_lists = ("/sitemap.xml", "/api/v2/rencontres/changes/", "/api/v3/rencontres/changes/")

    @property
    def every_path(self):
        return [*self.page_paths, *self.api_paths, *self.list_paths, *self.untitled_lists]


def build_world():
    """Home and index in French and English, a rencontre of the Loire with its English
    translation and an organiser, the site's configuration."""
    DsfrConfigFactory(site_tagline="Construisons ensemble Quartiers 2030")
    home, index = build_site()
    english_locale = Locale.objects.get_or_create(language_code="en")[0]
    for page in (home, index):
        publish(page.copy_for_translation(english_locale).specific)
    organisation = OrganisationFactory(name="Kaléido'Scop")
    page = RencontrePageFactory(parent=index, title=TITLE, slug="vallee-du-gier",
                                organisers=[organisation])  # fmt: skip
    page = publish(page)
    english = publish(page.copy_for_translation(english_locale).specific, title=ENGLISH_TITLE)
    return World(home=home, index=index, page=page, english=english, organisation=organisation)
