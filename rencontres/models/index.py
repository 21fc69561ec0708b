"""« Les rencontres locales »: the index page listing the rencontres."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail_localize.fields import TranslatableField

from ..conf import conf
from ..routing import OPENDATA_VIEWS, PUBLIC_VIEWS, view


class RencontreIndexPage(RoutablePageMixin, Page):
    """« Les rencontres locales »: the listing of every rencontre."""

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("introduction")]

    # RENCONTRES_INDEX_PARENT_PAGE_TYPES (any page by default).
    subpage_types = ["rencontres.RencontrePage"]

    @classmethod
    def allowed_parent_page_models(cls):
        labels = conf.INDEX_PARENT_PAGE_TYPES
        if labels is None:
            return super().allowed_parent_page_models()
        return [apps.get_model(label) for label in labels]

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
        context.update(view(f"{PUBLIC_VIEWS}.listing_context")(self, request))
        return context

    # Served as …/agenda.ics too (rencontres.urls): Wagtail paths have no dots.
    @path("agenda/", name="calendar")
    def calendar_route(self, request):
        return view(f"{PUBLIC_VIEWS}.listing_calendar")(self, request)

    @path("flux/", name="feed")
    def feed_route(self, request):
        return view(f"{PUBLIC_VIEWS}.listing_feed")(self, request)

    @path("flux/atom/", name="atom_feed")
    def atom_feed_route(self, request):
        return view(f"{PUBLIC_VIEWS}.listing_feed")(self, request, atom=True)
