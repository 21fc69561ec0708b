"""The département chooser: search the official list by code or name, accents ignored."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.images.widgets import AdminImageChooser
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
)
from wagtail.snippets.widgets import AdminSnippetChooser

from ..models import Departement


class ChosenOrNoneMixin:
    """A chooser widget that shows a posted id that is no id (``abc``, from a forged or
    damaged form) as no choice: Wagtail's widgets look it up and raise while the form is
    shown again with the field's French error (« Sélectionnez un choix valide »)."""

    def get_instance(self, value):
        try:
            return super().get_instance(value)
        except (ValueError, TypeError, ValidationError):
            return None


class ChosenOrNoneSnippetChooser(ChosenOrNoneMixin, AdminSnippetChooser):
    pass


class ChosenOrNoneImageChooser(ChosenOrNoneMixin, AdminImageChooser):
    pass


class ChosenOrNoneChooserViewSet(SnippetChooserViewSet):
    base_widget_class = ChosenOrNoneSnippetChooser


def fold(text):
    """Lower case without accents: « Ardèche » and « ardeche » match."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


class DepartementSearchForm(BaseFilterForm):
    """Search by code (« 42 », « 2a », « 97 ») or name, accents and case ignored.

    The official list is 107 rows: matched in Python, so the search works on a fresh
    database (the data migration fills no search index) and on SQLite alike.
    """

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Code ou nom, par exemple 42 ou Loire")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if not query:
            return objects
        needle = fold(query)
        matches = [
            pk
            for pk, code, name in objects.values_list("pk", "code", "name")
            if fold(code).startswith(needle)
            or needle in fold(name)
            or needle in fold(f"{code} - {name}")
        ]
        self.is_searching = True
        self.search_query = query
        return objects.filter(pk__in=matches)


class DepartementChooseMixin:
    filter_form_class = DepartementSearchForm

    def get_object_list(self):
        return Departement.objects.select_related("region")

    @property
    def columns(self):
        return [
            *super().columns,
            Column("region", label=_("Région"), accessor="region"),
            Column("timezone", label=_("Fuseau horaire"), accessor="timezone"),
        ]


class DepartementChooseView(DepartementChooseMixin, ChooseView):
    pass


class DepartementChooseResultsView(DepartementChooseMixin, ChooseResultsView):
    pass


class DepartementChooserViewSet(ChosenOrNoneChooserViewSet):
    """The snippet chooser of the département field, with its own search."""

    choose_view_class = DepartementChooseView
    choose_results_view_class = DepartementChooseResultsView
