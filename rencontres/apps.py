from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RencontresConfig(AppConfig):
    name = "rencontres"
    verbose_name = _("Rencontres")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # registers the host project's checks

        # Missing apps or task queues: named now, before an import below fails with a
        # message about something else.
        checks.raise_startup_errors()
        # The layers above the models attach what they own to them (the models
        # import none of these modules).
        from . import fragments
        from .admin import panels, preview
        from .api import fields
        from .api.v3 import register_schemas
        from .signals import connect

        connect()
        fragments.connect()
        panels.attach()
        preview.attach()
        fields.attach()
        # Before any app imports Wagtail's API v3 (wagtail.contrib.redirects does).
        register_schemas()
