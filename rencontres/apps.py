from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RencontresConfig(AppConfig):
    name = "rencontres"
    verbose_name = _("Rencontres")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        signals.connect()

        # Before any app imports Wagtail's API v3 (wagtail.contrib.redirects does).
        from .api.v3 import register_schemas

        register_schemas()
