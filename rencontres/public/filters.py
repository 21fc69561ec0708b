"""The public filter form of the listing (GET), turned into a ``RencontreFilters``.

Every field is optional and the form never changes the page by itself (RGAA 7.4): the
visitor submits it. Bad values (an unknown département, a malformed date, a date range
upside down) get a readable message in French, and the other filters still apply.
"""

import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Departement, Organisation, Region, RencontreFormat, RencontreStatus
from ..selectors import Period, RencontreFilters, organisation_choices

QUERY_MAX_LENGTH = 200
# Dates far outside any rencontre's are typos (and would overflow in time zone maths).
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)


class DsfrSelect(forms.Select):
    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "fr-select", **(attrs or {})}, choices)


class RencontreFilterForm(forms.Form):
    """Query-string names are the public URL contract (README): keep them stable."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        help_text=_("Un mot du titre ou de la description, une commune, un code postal."),
        widget=forms.TextInput(attrs={"class": "fr-input", "type": "search"}),
        error_messages={"max_length": _("La recherche est limitée à %(limit_value)d caractères.")},
    )
    periode = forms.ChoiceField(
        label=_("Période"),
        choices=Period.choices,
        required=False,
        widget=DsfrSelect(),
        error_messages={"invalid_choice": _("Choisissez une période dans la liste.")},
    )
    du = forms.DateField(
        label=_("Du"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Saisissez une date valide, par exemple 14/03/2025.")},
    )
    au = forms.DateField(
        label=_("Au"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Saisissez une date valide, par exemple 14/03/2025.")},
    )
    region = forms.ModelChoiceField(
        label=_("Région"),
        queryset=Region.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Toutes les régions"),
        widget=DsfrSelect(),
        error_messages={
            "invalid_choice": _("Cette région n’existe pas : choisissez-en une dans la liste.")
        },
    )
    departement = forms.ModelChoiceField(
        label=_("Département"),
        queryset=Departement.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Tous les départements"),
        widget=DsfrSelect(),
        error_messages={
            "invalid_choice": _("Ce département n’existe pas : choisissez-en un dans la liste.")
        },
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Tous les formats")), *RencontreFormat.choices],
        required=False,
        widget=DsfrSelect(),
        error_messages={"invalid_choice": _("Choisissez un format dans la liste.")},
    )
    statut = forms.ChoiceField(
        label=_("Statut"),
        choices=[("", _("Tous les statuts")), *RencontreStatus.choices],
        required=False,
        widget=DsfrSelect(),
        error_messages={"invalid_choice": _("Choisissez un statut dans la liste.")},
    )
    organisateur = forms.ModelChoiceField(
        label=_("Organisateur"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Tous les organisateurs"),
        widget=DsfrSelect(),
        error_messages={
            "invalid_choice": _("Cet organisateur n’existe pas : choisissez-en un dans la liste.")
        },
    )

    #: Fields grouped in the template's fieldsets, in this order.
    WHERE = ("region", "departement")
    WHEN = ("periode", "du", "au")
    WHAT = ("format", "statut", "organisateur")

    def __init__(self, data=None, *, index=None, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and not data.get("periode"):
            # A date range alone means "between these dates", past or not.
            data["periode"] = Period.ALL if data.get("du") or data.get("au") else Period.UPCOMING
        kwargs.setdefault("auto_id", "filtre-%s")
        super().__init__(data, **kwargs)
        if index is not None:
            self.fields["organisateur"].queryset = organisation_choices(index)

    def full_clean(self):
        super().full_clean()
        # Each field with an error points to its message and says it is invalid.
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["aria-describedby"] = f"{self[name].id_for_label}-erreur"
            attrs["aria-invalid"] = "true"
            base = attrs.get("class", "").split()[0] if attrs.get("class") else ""
            if base:
                attrs["class"] = f"{base} {base}--error"

    def _clean_date(self, name):
        value = self.cleaned_data[name]
        if value is not None and not MIN_DATE <= value <= MAX_DATE:
            raise forms.ValidationError(
                gettext("Saisissez une date comprise entre le %(min)s et le %(max)s.")
                % {"min": date_format(MIN_DATE), "max": date_format(MAX_DATE)}
            )
        return value

    def clean_du(self):
        return self._clean_date("du")

    def clean_au(self):
        return self._clean_date("au")

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("du"), cleaned.get("au")
        if start and end and start > end:
            self.add_error(
                "au", gettext("La date de fin doit être postérieure ou égale à la date de début.")
            )
        return cleaned

    def to_filters(self):
        """The filters of the valid fields (call ``is_valid()`` first).

        A field with an error is left out, the others still apply.
        """
        data = getattr(self, "cleaned_data", {})
        return RencontreFilters(
            period=data.get("periode") or Period.UPCOMING,
            date_from=data.get("du"),
            date_to=data.get("au"),
            departement=data.get("departement"),
            region=data.get("region"),
            format=data.get("format") or "",
            status=data.get("statut") or "",
            organisation=data.get("organisateur"),
            query=data.get("q") or "",
        )

    def field_groups(self):
        """``[(legend, [bound fields])]`` for the template's fieldsets."""
        return [
            (_("Lieu"), [self[name] for name in self.WHERE]),
            (_("Dates"), [self[name] for name in self.WHEN]),
            (_("Type de rencontre"), [self[name] for name in self.WHAT]),
        ]


def describe_filters(filters):
    """The active filters in a few words, for the page title and the result count.

    ``["à venir", "42 - Loire", "en ligne", "« vallée »"]``
    """
    parts = []
    if filters.period == Period.UPCOMING:
        parts.append(gettext("à venir"))
    elif filters.period == Period.PAST:
        parts.append(gettext("passées"))
    if filters.date_from:
        parts.append(gettext("à partir du %(date)s") % {"date": date_format(filters.date_from)})
    if filters.date_to:
        parts.append(gettext("jusqu’au %(date)s") % {"date": date_format(filters.date_to)})
    if filters.region is not None:
        parts.append(filters.region.name)
    if filters.departement is not None:
        parts.append(str(filters.departement))
    if filters.format:
        parts.append(str(RencontreFormat(filters.format).label).lower())
    if filters.status:
        parts.append(str(RencontreStatus(filters.status).label).lower())
    if filters.organisation is not None:
        parts.append(filters.organisation.name)
    if filters.query:
        parts.append(gettext("« %(query)s »") % {"query": filters.query})
    return parts
