"""Template context processors of the plugin."""

from django.utils.translation import get_language

from . import fragments


def site_config(request):
    """django-dsfr's ``SITE_CONFIG`` (the configuration of the active language, else the
    first one), read once per publication generation instead of twice per template.

    Use it in place of ``dsfr.context_processors.site_config``.
    """
    from dsfr.models import DsfrConfig

    def read(language):
        return DsfrConfig.objects.filter(language=language).first() or DsfrConfig.objects.first()

    language = get_language()
    return {"SITE_CONFIG": fragments.memo(("dsfr-config", language), lambda: read(language))}
