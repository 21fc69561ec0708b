"""Régions and départements: the official list, seeded by a data migration."""

import zoneinfo

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .reference import DEFAULT_TIMEZONE


class Region(models.Model):
    """A région of France (2016 boundaries), identified by its INSEE code."""

    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Departement(index.Indexed, models.Model):
    """A département or overseas collectivity, shown as ``42 - Loire``."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region,
        verbose_name=_("région"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departements",
        help_text=_("Vide pour les collectivités d’outre-mer."),
    )
    timezone = models.CharField(_("fuseau horaire"), max_length=64, default=DEFAULT_TIMEZONE)
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0, editable=False)

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("code"),
        index.AutocompleteField("code"),
        index.FilterField("code"),
    ]

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code} - {self.name}"

    @property
    def zoneinfo(self):
        return zoneinfo.ZoneInfo(self.timezone)
