"""« Les rencontres locales »: the index page listing the rencontres."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail_localize.fields import TranslatableField

from ..conf import conf
from ..fragments import PublicPageMixin
from ..routing import OPENDATA_VIEWS, PUBLIC_VIEWS, view
from ..sanitize import single_line_errors
from .revisions import KeepsPublishedRevisionsMixin


class RencontreIndexPage(KeepsPublishedRevisionsMixin, PublicPageMixin, RoutablePageMixin, Page):
    """« Les rencontres locales »: the listing of every rencontre."""

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("introduction")]

    # RENCONTRES_INDEX_PARENT_PAGE_TYPES (any page by default).
    subpage_types = ["rencontres.RencontrePage"]

    @classmethod
    def clean_parent_page_models(cls):
        """The parent types from the setting, read on each call (Wagtail caches its own
        ``parent_page_types``); every check of where an index may go (the admin's
        choices, moves, ``can_create_at``) reads this. Labels that are not page types
        are left out: the system check ``rencontres.E002`` names them."""
        labels = conf.INDEX_PARENT_PAGE_TYPES
        if labels is None:
            return super().clean_parent_page_models()
        models = []
        for label in labels:
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError, TypeError, AttributeError):
                continue
            if issubclass(model, Page):
                models.append(model)
        return models

    override_translatable_fields = [
        TranslatableField("title"),
        TranslatableField("introduction"),
        TranslatableField("slug"),
        TranslatableField("seo_title"),
        TranslatableField("search_description"),
    ]

    template = "rencontres/rencontre_index_page.html"

    class Meta:
        verbose_name = _("index des rencontres")
        verbose_name_plural = _("index des rencontres")

    def clean(self):
        super().clean()
        errors = single_line_errors(self, ("title", "seo_title"))
        if errors:
            raise ValidationError(errors)

    def routes_slug(self, slug):
        """Whether the index serves ``…/<slug>/`` itself (``agenda``, ``flux``): a child
        page with that slug would never be reached (the index's routes come first)."""
        try:
            self.resolve_subpage(f"/{slug}/")
        except Http404:
            return False
        return True

    # -- open data (rencontres.public.opendata) -------------------------------------------
    # Served as …/donnees.csv and …/donnees.json too (rencontres.public.opendata.opendata_pattern):
    # Wagtail paths have no dots.

    @path("donnees/csv/", name="opendata_csv")
    def opendata_csv_route(self, request):
        return view(f"{OPENDATA_VIEWS}.csv_view")(request, self)

    @path("donnees/json/", name="opendata_json")
    def opendata_json_route(self, request):
        return view(f"{OPENDATA_VIEWS}.json_view")(request, self)

    # -- public views (rencontres.public.views) ----------------------------------------

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(view(f"{PUBLIC_VIEWS}.deferred_listing_context")(self, request))
        return context

    # Served as …/agenda.ics too (rencontres.urls): Wagtail paths have no dots.
    @path("agenda/", name="calendar")
    def calendar_route(self, request):
        return view(f"{PUBLIC_VIEWS}.listing_calendar")(self, request)

    # Served as …/carte.geojson too (rencontres.urls).
    @path("carte/geojson/", name="map_geojson")
    def map_geojson_route(self, request):
        return view(f"{PUBLIC_VIEWS}.listing_geojson")(self, request)

    @path("flux/", name="feed")
    def feed_route(self, request):
        return view(f"{PUBLIC_VIEWS}.listing_feed")(self, request)

    @path("flux/atom/", name="atom_feed")
    def atom_feed_route(self, request):
        return view(f"{PUBLIC_VIEWS}.listing_feed")(self, request, atom=True)
