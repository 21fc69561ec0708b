"""Bookkeeping of the Decidim import: what was last imported for each meeting.

One :class:`ImportRecord` per Decidim meeting. It keeps the page the meeting became,
a fingerprint of the source row (a re-import of the same row is skipped without
touching the page) and, per language and field, a fingerprint (digest) of the value
last read from Decidim (``values``) and of the value the import wrote into the page
(``written``). Decidim's new value against ``values`` tells what changed *there*; the
page's current value against ``written`` tells what an editor changed *here* (a
conflict: the editor's value is kept and reported).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    """The last import of one Decidim meeting into one rencontre page."""

    decidim_id = models.CharField(_("identifiant Decidim"), max_length=64, unique=True)
    decidim_url = models.URLField(_("adresse sur Decidim"), max_length=500, blank=True)
    page = models.OneToOneField(
        "rencontres.RencontrePage",
        verbose_name=_("rencontre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_record",
        help_text=_("Vide si la page a été supprimée ici : l’import ne la recrée pas."),
    )
    source_hash = models.CharField(
        _("empreinte de la ligne importée"),
        max_length=64,
        help_text=_("Une ligne identique au dernier import est ignorée sans rien lire d’autre."),
    )
    values = models.JSONField(
        _("valeurs importées"),
        default=dict,
        help_text=_(
            "Par langue puis par champ : l’empreinte de la dernière valeur venue de Decidim."
        ),
    )
    written = models.JSONField(
        _("valeurs écrites"),
        default=dict,
        help_text=_(
            "Par langue puis par champ : l’empreinte de la valeur que l’import a écrite "
            "dans la page. Une page qui en diffère a été modifiée ici."
        ),
    )
    imported_at = models.DateTimeField(_("dernier import"))

    class Meta:
        verbose_name = _("import Decidim")
        verbose_name_plural = _("imports Decidim")

    def __str__(self):
        return f"Decidim {self.decidim_id}"
