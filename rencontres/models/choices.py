"""Choices and constants of the domain, importable by every layer without loading models."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from .reference import DEFAULT_TIMEZONE

__all__ = [
    "DEFAULT_TIMEZONE",
    "DESCRIPTION_LABEL",
    "FORMATS_ONLINE",
    "FORMATS_WITH_PLACE",
    "POSTCODE_RE",
    "Period",
    "RegistrationMode",
    "RencontreFormat",
    "RencontreStatus",
    "SINGLE_LINE_FIELDS",
]

DESCRIPTION_LABEL = _(
    "Description (présentation du contexte de la rencontre mentionnant les organisateurs)"
)

#: Fields of a rencontre shown on one line (titles, calendar and feed lines): no line
#: break or control character (rencontres.sanitize); the importer makes them one line.
SINGLE_LINE_FIELDS = ("title", "seo_title", "venue", "address", "postcode", "commune")

# Metropolitan France 01000–95999 (Corsica 20xxx), overseas 97xxx and 98xxx.
POSTCODE_RE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-5]|97|98)\d{3}$")


class RencontreFormat(models.TextChoices):
    PRESENTIEL = "presentiel", _("Présentiel")
    EN_LIGNE = "en_ligne", _("En ligne")
    HYBRIDE = "hybride", _("Hybride")


class RencontreStatus(models.TextChoices):
    PREVUE = "prevue", _("Prévue")
    COMPLETE = "complete", _("Complète")
    REPORTEE = "reportee", _("Reportée")
    ANNULEE = "annulee", _("Annulée")


class RegistrationMode(models.TextChoices):
    NONE = "none", _("Sans inscription")
    LINK = "link", _("Lien d’inscription externe")
    EMAIL = "email", _("Contact par e-mail")


class Period(models.TextChoices):
    """Which side of "now" a listing shows; upcoming includes ongoing rencontres."""

    UPCOMING = "a-venir", _("À venir")
    PAST = "passees", _("Passées")
    ALL = "toutes", _("Toutes")


FORMATS_WITH_PLACE = {RencontreFormat.PRESENTIEL, RencontreFormat.HYBRIDE}
FORMATS_ONLINE = {RencontreFormat.EN_LIGNE, RencontreFormat.HYBRIDE}
