"""The query parameters of the rencontre endpoints, shared by API v2 and v3.

:class:`RencontreQuery` is a typed model: v3 declares it as its query parameters
(Django Ninja validates them and answers 422), v2 validates ``request.GET`` with it
(and answers 400). It only parses: :meth:`RencontreQuery.to_filters` turns the
parameters into a :class:`rencontres.selectors.RencontreFilters`, which each API hands
to :func:`rencontres.selectors.select_rencontres`, the filters behind the public
listing and the feeds, so that the site and both APIs agree on what a filter means.

Values that only the database can check (an unknown département code, organisation,
locale or page) raise :class:`FilterError`, which each API turns into its own client
error. Nothing a consumer sends may reach the database unchecked: every text
parameter has a pattern, every number a range.
"""

import datetime as dt
import re
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import Field, field_validator
from wagtail.models import Locale

from ..models import Departement, Organisation, Region, RencontreFormat, RencontreStatus
from ..places.resolve import resolve
from ..selectors import ORDERING, Period, RencontreFilters

MAX_ID = 2**63 - 1

PERIODS = {"upcoming": Period.UPCOMING, "past": Period.PAST}

_ORDER_RE = re.compile(r"^-?[a-z_]+(,-?[a-z_]+)*$")
#: How a date parameter starts (pydantic would read a number as a Unix time).
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class FilterError(ValueError):
    """A query parameter whose value the database does not know."""

    def __init__(self, param, message):
        super().__init__(message)
        self.param = param
        self.message = str(message)


class RencontreQuery(Schema):
    """Filters, search and order of a list of rencontres (all optional)."""

    departement: str | None = Field(
        None,
        pattern=r"^[0-9A-Za-z]{1,3}$",
        description="Code du département, par exemple 42 ou 2A.",
    )
    region: str | None = Field(
        None, pattern=r"^[0-9]{1,3}$", description="Code INSEE de la région, par exemple 84."
    )
    format: RencontreFormat | None = Field(None, description="Format de la rencontre.")
    status: RencontreStatus | None = Field(None, description="Statut de la rencontre.")
    period: Literal["upcoming", "past"] | None = Field(
        None,
        description="upcoming : pas encore terminées (en cours comprises) ; past : terminées.",
    )
    start_after: dt.date | None = Field(
        None,
        description="Commencent ce jour-là ou après (AAAA-MM-JJ, heure locale de la rencontre).",
    )
    start_before: dt.date | None = Field(
        None,
        description="Commencent ce jour-là ou avant (AAAA-MM-JJ, heure locale de la rencontre).",
    )
    organisation: int | None = Field(
        None, ge=1, le=MAX_ID, description="Identifiant d’une organisation organisatrice."
    )
    updated_since: dt.datetime | None = Field(
        None,
        description=(
            "Publiées (ou republiées) depuis cette date : AAAA-MM-JJ ou date et heure "
            "ISO 8601 (heure de Paris sans décalage ; encodez « + » en %2B)."
        ),
    )
    slug: str | None = Field(
        None, pattern=r"^[-\w]+$", max_length=255, description="Slug exact de la page."
    )
    search: str | None = Field(
        None, min_length=1, max_length=255, description="Recherche plein texte."
    )
    locale: str | None = Field(
        None,
        pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,2}$",
        description="Code de langue, par exemple fr ou en.",
    )
    translation_of: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Les traductions de cette page (identifiant), sans elle-même.",
    )
    near: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        pattern=r"^[^\x00-\x1f]+$",
        description=(
            "Près d’un lieu : une commune (Saint-Étienne, « Saint-Pierre (974) »), un code "
            "postal (42000) ou des coordonnées « latitude,longitude » (45.43,4.39). Les "
            "résultats sont les rencontres à moins de radius_km, les plus proches d’abord, "
            "chacune avec sa distance_km ; les rencontres en ligne (sans lieu) n’en sont "
            "pas : demandez-les avec format=en_ligne."
        ),
    )
    radius_km: int | None = Field(
        None,
        ge=1,
        le=500,
        description="Rayon autour de near, en km (25 par défaut, 500 au plus).",
    )
    order: str | None = Field(
        None,
        max_length=200,
        description=(
            "Tri, champs séparés par des virgules, « - » pour l’ordre décroissant : "
            + ", ".join(ORDERING)
            + ". Par défaut : start (et -start pour period=past)."
        ),
    )

    @field_validator("start_after", "start_before", mode="before")
    @classmethod
    def _iso_date(cls, value):
        # Pydantic reads a number as a Unix time: 20300316 (a date without its hyphens)
        # would be 23 August 1970.
        if isinstance(value, str) and not _ISO_DATE_RE.match(value):
            raise ValueError(str(_("Date attendue au format AAAA-MM-JJ.")))
        return value

    @field_validator("updated_since", mode="before")
    @classmethod
    def _iso_datetime(cls, value):
        if isinstance(value, str) and not _ISO_DATE_RE.match(value):
            raise ValueError(
                str(
                    _(
                        "Date attendue au format AAAA-MM-JJ, ou date et heure ISO 8601 "
                        "(AAAA-MM-JJTHH:MM:SS+01:00)."
                    )
                )
            )
        return value

    @field_validator("search")
    @classmethod
    def _no_nul(cls, value):
        if value is not None and "\x00" in value:
            raise ValueError(str(_("La recherche ne peut pas contenir de caractère nul.")))
        return value

    @field_validator("order")
    @classmethod
    def _known_order(cls, value):
        if value is None:
            return value
        unknown = (
            [name for name in value.split(",") if name.lstrip("-") not in ORDERING]
            if _ORDER_RE.match(value)
            else [value]
        )
        if unknown:
            raise ValueError(
                str(_("Tri inconnu : %(names)s. Tris possibles : %(known)s."))
                % {"names": ", ".join(unknown), "known": ", ".join(ORDERING)}
            )
        return value

    @classmethod
    def parameter_names(cls):
        """The names of the parameters (API v2 rejects the ones it does not know)."""
        return frozenset(cls.model_fields)

    def to_filters(self, *, pages):
        """The :class:`RencontreFilters` these parameters ask for.

        ``pages``: the pages ``translation_of`` may name (the API's published pages).
        Raises :class:`FilterError` for a value the database does not know.
        """
        return RencontreFilters(
            period=PERIODS.get(self.period, Period.ALL),
            start_from=self.start_after,
            date_to=self.start_before,
            departement=self._get("departement", Departement, code=self.departement),
            region=self._get("region", Region, code=self.region),
            format=self.format or "",
            status=self.status or "",
            organisation=self._get("organisation", Organisation, pk=self.organisation),
            query=self.search or "",
            updated_since=self._aware(self.updated_since),
            slug=self.slug or "",
            locale=self._get("locale", Locale, language_code=self.locale),
            translation_of=self._translated_page(pages),
            order=tuple(self.order.split(",")) if self.order else (),
            near=self._place(),
            radius_km=self.radius_km,
        )

    def _place(self):
        if not self.near:
            return None
        resolution = resolve(self.near)
        if resolution.candidates:
            raise FilterError(
                "near",
                _("Plusieurs communes répondent à « %(near)s » : %(candidates)s.")
                % {
                    "near": self.near,
                    "candidates": "; ".join(c.value for c in resolution.candidates),
                },
            )
        if resolution.error or resolution.place is None:
            raise FilterError("near", resolution.error or _("Lieu inconnu."))
        return resolution.place

    @staticmethod
    def _aware(value):
        """A date and time without offset is in the site's time zone (Paris)."""
        if value is not None and timezone.is_naive(value):
            return timezone.make_aware(value)
        return value

    def _translated_page(self, pages):
        if not self.translation_of:
            return None
        page = pages.filter(pk=self.translation_of).first()
        if page is None:
            raise FilterError(
                "translation_of",
                _("Aucune page publiée n’a l’identifiant %(id)s.") % {"id": self.translation_of},
            )
        return page

    @staticmethod
    def _get(param, model, **lookup):
        (value,) = lookup.values()
        if value is None:
            return None
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            raise FilterError(
                param,
                _("Valeur inconnue pour %(param)s : %(value)s.") % {"param": param, "value": value},
            )
        return obj
