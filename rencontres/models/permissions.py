"""The plugin's own permissions, those no model's add/change/delete expresses.

:class:`RencontresPermissions` has no table (``managed = False``): it only carries the
permissions, which groups receive like any other (migration 0009 gives them to
« Administration »). Code checks them with ``user.has_perm(IMPORT)`` etc.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Import rencontres from Decidim (the admin's import view).
IMPORT = "rencontres.import_rencontres"
#: Register, change and test webhook endpoints.
WEBHOOKS = "rencontres.manage_webhooks"
#: Download the rencontres as a spreadsheet from the admin.
EXPORT = "rencontres.export_rencontres"


class RencontresPermissions(models.Model):
    """Permissions of the plugin (import, webhooks, export); never stored."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("import_rencontres", _("Importer des rencontres depuis Decidim")),
            ("manage_webhooks", _("Gérer les webhooks")),
            ("export_rencontres", _("Exporter les rencontres en tableur")),
        ]
        verbose_name = _("droits sur les rencontres")
        verbose_name_plural = _("droits sur les rencontres")

    def __str__(self):
        return str(self._meta.verbose_name)
