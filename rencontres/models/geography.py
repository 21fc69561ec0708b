"""Régions and départements: the official list, seeded by a data migration."""

import zoneinfo

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .reference import DEFAULT_TIMEZONE

#: Paris time: metropolitan France's zone, and that of a rencontre without a département.
PARIS_TIME = zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)


def zone_of(departement):
    """The time zone of a rencontre in ``departement`` (Paris time without one).

    The one place a rencontre's zone comes from: the page (``RencontrePage.tzinfo``),
    its admin form and the history of its revisions all call it, and iCal, JSON-LD
    and the API read the page's.
    """
    return departement.zoneinfo if departement is not None else PARIS_TIME


def is_paris_time(tz):
    """Whether ``tz`` is Paris time, which visitors are not told (the site's default)."""
    return getattr(tz, "key", DEFAULT_TIMEZONE) == DEFAULT_TIMEZONE


def utc_offset(moment, tz):
    """« +11:00 »: the offset from UTC of ``tz`` at the aware datetime ``moment``."""
    offset = timezone.localtime(moment, tz).strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


def zone_label(departement, moment):
    """« heure locale (Nouvelle-Calédonie, UTC+11:00) » at ``moment``, "" in Paris time."""
    tz = zone_of(departement)
    if is_paris_time(tz) or moment is None:
        return ""
    return _("heure locale (%(place)s, UTC%(offset)s)") % {
        "place": departement.name,
        "offset": utc_offset(moment, tz),
    }


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
        """The département's time zone; Paris time if the stored name is unknown."""
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return PARIS_TIME
