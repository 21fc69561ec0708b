"""The rencontre's edit view: its form class and tabs, attached to the model when the
app is ready (the model lists its fields' panels; the admin assembles them)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList, TabbedInterface

from ..history.compare.removed import RemovedFieldsPanel
from ..models import RencontrePage
from .forms import RencontrePageForm
from .geocoding import GeocodingPanel


def _with_geocoding(panels):
    """The practical panels with the geocoding notice after the place's fields."""
    result = []
    for panel in panels:
        result.append(panel)
        if any(getattr(child, "field_name", None) == "address" for child in _fields(panel)):
            result.append(GeocodingPanel(heading=_("Point sur les cartes")))
    return result


def _fields(panel):
    for child in getattr(panel, "children", []):
        yield child
        yield from _fields(child)


def rencontre_edit_handler(model):
    return TabbedInterface(
        [
            ObjectList(model.content_panels, heading=_("Contenu")),
            ObjectList(
                _with_geocoding(model.practical_panels), heading=_("Informations pratiques")
            ),
            ObjectList(model.after_panels, heading=_("Après la rencontre")),
            ObjectList(model.promote_panels, heading=_("Promotion")),
            ObjectList(
                [*model.settings_panels, RemovedFieldsPanel()],
                heading=_("Paramètres"),
                classname="settings",
            ),
        ]
    )


def attach():
    """Give :class:`RencontrePage` its admin form and tabs (from ``AppConfig.ready``)."""
    RencontrePage.base_form_class = RencontrePageForm
    RencontrePage.edit_handler = rencontre_edit_handler(RencontrePage)
