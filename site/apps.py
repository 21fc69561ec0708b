from django.apps import AppConfig


class RencontresSiteConfig(AppConfig):
    """The demo project itself, installed for its operations commands (backup, restore)."""

    name = "rencontres_site"
    label = "rencontres_site"
    verbose_name = "Rencontres (site)"
