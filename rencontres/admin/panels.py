"""The rencontre's edit view: its form class and tabs, attached to the model when the
app is ready (the model lists its fields' panels; the admin assembles them)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList, TabbedInterface

from ..history.compare.removed import RemovedFieldsPanel
from ..models import RencontrePage
from .forms import RencontrePageForm


def rencontre_edit_handler(model):
    return TabbedInterface(
        [
            ObjectList(model.content_panels, heading=_("Contenu")),
            ObjectList(model.practical_panels, heading=_("Informations pratiques")),
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
