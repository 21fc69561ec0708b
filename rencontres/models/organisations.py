"""Organisations that organise or facilitate rencontres (e.g. Kaléido’Scop)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from ..sanitize import single_line_error


class Organisation(TranslatableMixin, index.Indexed, models.Model):
    """An organiser, chosen in the ordered list of a rencontre's organisers."""

    name = models.CharField(_("nom"), max_length=255)
    url = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("url"), FieldPanel("description")]

    # The name is a proper noun: kept in step with the source, like the link.
    override_translatable_fields = [
        SynchronizedField("name"),
        SynchronizedField("url"),
        TranslatableField("description"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        message = single_line_error(self.name)
        if message:
            raise ValidationError({"name": message})
