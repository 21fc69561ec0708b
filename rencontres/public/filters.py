"""The public filter form of the listing (GET), turned into a ``RencontreFilters``.

Every field is optional and the form never changes the page by itself (RGAA 7.4): the
visitor submits it. Bad values (an unknown département, a malformed date, a date range
upside down) get a readable message in French, and the other filters still apply.
"""

from django import forms
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..conf import conf
from ..models import Departement, Organisation, Region, RencontreFormat, RencontreStatus
from ..models.bounds import FIRST_DAY, LAST_DAY
from ..places.resolve import resolve
from ..selectors import Period, RencontreFilters, organisation_choices

QUERY_MAX_LENGTH = 200
PLACE_MAX_LENGTH = 100
# Dates outside the years of any rencontre are typos (rencontres.models.bounds).
MIN_DATE = FIRST_DAY
MAX_DATE = LAST_DAY


class DsfrSelect(forms.Select):
    """A DSFR ``<select>``, written in Python: the HTML of Django's own templates
    (``select.html``, ``select_option.html``, ``attrs.html``) byte for byte, without one
    template render per option — the département list's 108 options took more time to
    render than the rest of the listing's form. A widget whose options use another
    template is rendered by Django as usual."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "fr-select", **(attrs or {})}, choices)

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                if option["template_name"] != self.option_template_name:
                    return super().render(name, value, attrs, renderer)
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


def _attrs(attrs):
    """Django's ``attrs.html``: `` name="value"``, `` name`` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


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
    pres = forms.CharField(
        label=_("Près de"),
        required=False,
        max_length=PLACE_MAX_LENGTH,
        help_text=_("Une commune ou un code postal, par exemple Saint-Étienne ou 42000."),
        widget=forms.TextInput(attrs={"class": "fr-input", "autocomplete": "address-level2"}),
        error_messages={"max_length": _("Le lieu est limité à %(limit_value)d caractères.")},
    )
    distance = forms.TypedChoiceField(
        label=_("Dans un rayon de"),
        choices=(),
        coerce=int,
        required=False,
        empty_value=None,
        widget=DsfrSelect(),
        error_messages={"invalid_choice": _("Choisissez une distance dans la liste.")},
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
    WHERE = ("pres", "distance", "region", "departement")
    WHEN = ("periode", "du", "au")
    WHAT = ("format", "statut", "organisateur")

    def __init__(self, data=None, *, index=None, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and not data.get("periode"):
            # A date range alone means "between these dates", past or not.
            data["periode"] = Period.ALL if data.get("du") or data.get("au") else Period.UPCOMING
        kwargs.setdefault("auto_id", "filtre-%s")
        super().__init__(data, **kwargs)
        self.fields["distance"].choices = [
            (radius, _("%(km)s km") % {"km": radius}) for radius in conf.NEAR_RADII
        ]
        self.fields["distance"].initial = conf.NEAR_DEFAULT_RADIUS
        #: The place « Près de » resolved to, and the communes an ambiguous name may mean.
        self.place = None
        self.place_candidates = []
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

    def clean_pres(self):
        text = " ".join(self.cleaned_data["pres"].split())
        if not text:
            return text
        resolution = resolve(text)
        if resolution.candidates:
            self.place_candidates = resolution.candidates
            raise forms.ValidationError(
                gettext("Plusieurs communes répondent à « %(place)s » : choisissez la vôtre.")
                % {"place": text}
            )
        if resolution.error:
            raise forms.ValidationError(resolution.error)
        self.place = resolution.place
        return text

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
            near=self.place if data.get("pres") else None,
            radius_km=data.get("distance"),
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
    if filters.near is not None:
        parts.append(
            gettext("à %(km)s km au plus de %(place)s")
            % {"km": filters.radius, "place": filters.near.label}
        )
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
