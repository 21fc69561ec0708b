"""Snippet viewsets: organisations, and départements with their searchable chooser."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import Departement, Organisation
from .choosers import ChosenOrNoneChooserViewSet, DepartementChooserViewSet


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "url", "locale"]
    search_fields = ["name"]
    ordering = ["name"]
    chooser_viewset_class = ChosenOrNoneChooserViewSet


class DepartementViewSet(SnippetViewSet):
    """The official list: staff choose from it (searchable chooser), rarely edit it."""

    model = Departement
    icon = "site"
    menu_label = _("Départements")
    add_to_settings_menu = True
    list_display = ["code", "name", "region", "timezone"]
    list_filter = ["region"]
    search_fields = ["code", "name"]
    # The data migration fills no search index: search the 107 rows with the ORM.
    search_backend_name = None
    chooser_viewset_class = DepartementChooserViewSet
    ordering = ["sort_order"]
    list_per_page = 120
    chooser_per_page = 20
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("region"), FieldPanel("timezone")]
