"""The rencontre page type (its index is in :mod:`.index`)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from ..cache.tags import page_tag
from ..fragments import PublicPageMixin
from ..routing import HISTORY_VIEWS, PUBLIC_VIEWS, view
from ..sanitize import single_line_errors
from .blocks import DescriptionBlock, ReportBlock
from .bounds import (
    DATE_FIELDS,
    SURELY_AFTER,
    SURELY_BEFORE,
    is_within,
    is_within_wall_clock,
    out_of_bounds_message,
)
from .choices import (
    DESCRIPTION_LABEL,
    FORMATS_ONLINE,
    FORMATS_WITH_PLACE,
    POSTCODE_RE,
    SINGLE_LINE_FIELDS,
    RegistrationMode,
    RencontreFormat,
    RencontreStatus,
)
from .geography import is_paris_time, zone_label, zone_of
from .places import MapPointSource, locate
from .querysets import RencontreManager
from .revisions import KeepsPublishedRevisionsMixin

validate_postcode = RegexValidator(
    POSTCODE_RE,
    _("Saisissez un code postal français valide, à cinq chiffres (par exemple 42000)."),
)


class RencontrePage(KeepsPublishedRevisionsMixin, PublicPageMixin, RoutablePageMixin, Page):
    """A rencontre locale (atelier territorial): when, where, why, for whom, how."""

    departement = models.ForeignKey(
        "rencontres.Departement",
        verbose_name=_("département"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Son fuseau horaire est celui des dates de la rencontre."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image d’illustration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Affichée dans les listes et lors des partages sur les réseaux sociaux."),
    )
    description = StreamField(
        DescriptionBlock(),
        verbose_name=DESCRIPTION_LABEL,
        blank=True,
        help_text=_(
            "Commencez par les sections « Pourquoi ? », « Pour et avec qui ? » et « Comment ? »."
        ),
    )

    start = models.DateTimeField(
        _("début"),
        help_text=_("Heure locale du département (Europe/Paris sans département)."),
    )
    end = models.DateTimeField(_("fin"), help_text=_("Heure locale du département."))
    format = models.CharField(
        _("format"),
        max_length=20,
        choices=RencontreFormat.choices,
        default=RencontreFormat.PRESENTIEL,
    )
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=RencontreStatus.choices,
        default=RencontreStatus.PREVUE,
        help_text=_("« Complète » quand il n’y a plus de place : les inscriptions sont ailleurs."),
    )

    venue = models.CharField(_("nom du lieu"), max_length=255, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[validate_postcode]
    )
    commune = models.CharField(_("commune"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_(
            "Laissez vide : le point est trouvé à partir de l’adresse. Saisissez-le pour "
            "le corriger (en degrés décimaux, par exemple 45.434)."
        ),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Par exemple 4.390 ; à l’ouest de Greenwich, négative (-1.55)."),
    )
    access_notes = models.TextField(
        _("accès"),
        blank=True,
        help_text=_("Transports, stationnement, accessibilité du lieu."),
    )
    online_url = models.URLField(
        _("lien de la rencontre en ligne"),
        max_length=500,
        blank=True,
        help_text=_(
            "Pour une rencontre en ligne ou hybride. Laissé vide, la page annonce que le "
            "lien sera communiqué aux inscrits."
        ),
    )

    registration_mode = models.CharField(
        _("inscription"),
        max_length=10,
        choices=RegistrationMode.choices,
        default=RegistrationMode.NONE,
    )
    registration_url = models.URLField(_("lien d’inscription"), max_length=500, blank=True)
    registration_email = models.EmailField(_("e-mail d’inscription"), blank=True)
    capacity = models.PositiveIntegerField(
        _("nombre de places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1, _("Le nombre de places doit être positif."))],
        help_text=_("Information pour les visiteurs ; les inscriptions ne sont pas gérées ici."),
    )
    registration_deadline = models.DateTimeField(
        _("date limite d’inscription"), null=True, blank=True
    )

    report = StreamField(
        ReportBlock(),
        verbose_name=_("compte rendu"),
        blank=True,
        help_text=_("Publié sur la page une fois la rencontre passée."),
    )
    attendance = models.PositiveIntegerField(_("nombre de participants"), null=True, blank=True)

    # The point on maps and in distances (rencontres.models.places.locate, on each save):
    # typed, geocoded from the address, or the commune's centre. Not edited, not public
    # history: derived from the fields above and from the geocoder's answers.
    map_latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, editable=False
    )
    map_longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, editable=False
    )
    map_point_source = models.CharField(
        max_length=10, choices=MapPointSource.choices, blank=True, editable=False
    )
    address_key = models.CharField(max_length=40, blank=True, editable=False, db_index=True)

    decidim_id = models.CharField(
        _("identifiant Decidim"), max_length=64, blank=True, db_index=True, editable=False
    )
    decidim_url = models.URLField(_("adresse sur Decidim"), blank=True, editable=False)

    objects = RencontreManager()
    # Attached when the app is ready, by the layers that own them: the admin form and
    # tabs (rencontres.admin.panels), the API shape of every field
    # (rencontres.api.fields).
    base_form_class = None
    api_fields = []
    api_meta_fields = []
    #: Preview modes beside Wagtail's own, ``{name: (label, serve(page, request))}``
    #: (the headless preview, rencontres.admin.preview); each decides for a page
    #: whether it is offered (``available(page)``).
    extra_preview_modes = {}

    parent_page_types = ["rencontres.RencontreIndexPage"]
    subpage_types = []
    template = "rencontres/rencontre_page.html"

    # Texts are translated; what a visitor needs to be at the right place at the
    # right time is synchronised and cannot drift between languages.
    override_translatable_fields = [
        TranslatableField("title"),
        TranslatableField("slug"),
        TranslatableField("seo_title"),
        TranslatableField("search_description"),
        TranslatableField("description"),
        TranslatableField("venue"),
        TranslatableField("access_notes"),
        TranslatableField("report"),
        SynchronizedField("departement", overridable=False),
        SynchronizedField("image"),
        SynchronizedField("start", overridable=False),
        SynchronizedField("end", overridable=False),
        SynchronizedField("format", overridable=False),
        SynchronizedField("status", overridable=False),
        SynchronizedField("address", overridable=False),
        SynchronizedField("postcode", overridable=False),
        SynchronizedField("commune", overridable=False),
        SynchronizedField("latitude", overridable=False),
        SynchronizedField("longitude", overridable=False),
        SynchronizedField("online_url", overridable=False),
        SynchronizedField("registration_mode", overridable=False),
        SynchronizedField("registration_url", overridable=False),
        SynchronizedField("registration_email", overridable=False),
        SynchronizedField("capacity", overridable=False),
        SynchronizedField("registration_deadline", overridable=False),
        SynchronizedField("attendance", overridable=False),
        SynchronizedField("organisers", overridable=False),
    ]

    # What the public history and the publication log may show, in this order: a
    # field added to the model is not public until it is listed here, and a field
    # taken off the list disappears from every past version (its old values stay in
    # the revisions, for the admin's « Comparer » only). See rencontres.history.fields.
    public_history_fields = [
        "title",
        "departement",
        "image",
        "description",
        "start",
        "end",
        "format",
        "status",
        "venue",
        "address",
        "postcode",
        "commune",
        "latitude",
        "longitude",
        "access_notes",
        "online_url",
        "registration_mode",
        "registration_url",
        "registration_email",
        "capacity",
        "registration_deadline",
        "report",
        "attendance",
        "organisers",
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("venue"),
        index.SearchField("commune"),
        index.AutocompleteField("commune"),
        index.SearchField("postcode"),
        index.SearchField("address"),
        index.RelatedFields("departement", [index.SearchField("name")]),
        index.FilterField("start"),
        index.FilterField("end"),
        index.FilterField("format"),
        index.FilterField("status"),
        index.FilterField("departement"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldPanel("departement"),
        FieldPanel("description"),
        InlinePanel("organisers", label=_("Organisateurs"), heading=_("Organisateurs")),
    ]
    practical_panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("status")],
            heading=_("Date et statut"),
        ),
        FieldPanel("format"),
        MultiFieldPanel(
            [
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("commune")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("access_notes"),
            ],
            heading=_("Lieu"),
        ),
        FieldPanel("online_url"),
        MultiFieldPanel(
            [
                FieldPanel("registration_mode"),
                FieldPanel("registration_url"),
                FieldPanel("registration_email"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_deadline")]),
            ],
            heading=_("Inscription"),
        ),
    ]
    after_panels = [FieldPanel("report"), FieldPanel("attendance")]
    promote_panels = [*Page.promote_panels, FieldPanel("image")]

    settings_panels = [*Page.settings_panels]
    # The tabs are assembled by rencontres.admin.panels.

    class Meta:
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")
        # The bounding box of a distance search (rencontres.selectors.filter_near).
        indexes = [
            models.Index(fields=["map_latitude", "map_longitude"], name="rencontres_map_point"),
        ]

    # -- derived values -------------------------------------------------------

    @property
    def tzinfo(self):
        """The time zone in which the rencontre's dates are entered and shown: its
        département's (:func:`~rencontres.models.geography.zone_of`)."""
        return zone_of(self.departement if self.departement_id else None)

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.tzinfo) if self.start else None

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.tzinfo) if self.end else None

    @property
    def local_registration_deadline(self):
        if not self.registration_deadline:
            return None
        return timezone.localtime(self.registration_deadline, self.tzinfo)

    @property
    def shows_timezone(self):
        """Whether visitors must be told the zone (anything but Paris time)."""
        return not is_paris_time(self.tzinfo)

    @property
    def timezone_label(self):
        """« heure locale (Nouvelle-Calédonie, UTC+11:00) », or "" for Paris time."""
        return zone_label(self.departement if self.departement_id else None, self.start)

    @property
    def is_past(self):
        return bool(self.end) and self.end < timezone.now()

    @property
    def has_place(self):
        return self.format in FORMATS_WITH_PLACE and bool(self.commune or self.venue)

    @property
    def is_online(self):
        return self.format in FORMATS_ONLINE

    @property
    def place_text(self):
        """The place on one line: venue, address, postcode and commune."""
        locality = " ".join(part for part in (self.postcode, self.commune) if part)
        return ", ".join(part for part in (self.venue, self.address, locality) if part)

    # -- public views (rencontres.public.views) ----------------------------------------

    @property
    def preview_modes(self):
        return super().preview_modes + [
            (name, mode.label)
            for name, mode in self.extra_preview_modes.items()
            if mode.available(self)
        ]

    def serve_preview(self, request, mode_name):
        mode = self.extra_preview_modes.get(mode_name)
        if mode is not None:
            return mode.serve(self, request)
        return super().serve_preview(request, mode_name)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(view(f"{PUBLIC_VIEWS}.deferred_rencontre_context")(self, request))
        return context

    # Served as …/agenda.ics too (rencontres.urls): Wagtail paths have no dots.
    @path("agenda/", name="calendar")
    def calendar_route(self, request):
        return view(f"{PUBLIC_VIEWS}.rencontre_calendar")(self, request)

    def cache_tags(self):
        """Keys of its cached responses (rencontres.cache.tags): it shows itself only
        (its organisers' names: an organisation's change purges the pages naming it)."""
        return {page_tag(self.pk)}

    # -- public history (rencontres.history, rencontres.history.views) -------

    @path("changements/", name="rencontre_history")
    def history_route(self, request):
        return view(f"{HISTORY_VIEWS}.history_list")(request, self)

    # A version's one address: « 02/ » is not another one of version 2.
    @re_path(r"^changements/(?P<number>[1-9][0-9]*)/$", name="rencontre_history_version")
    def history_version_route(self, request, number):
        return view(f"{HISTORY_VIEWS}.history_version")(request, self, int(number))

    @path("changements/feed/", name="rencontre_history_feed")
    def history_feed_route(self, request):
        return view(f"{HISTORY_VIEWS}.history_feed")(request, self)

    def with_content_json(self, content):
        # Keep the revision's stored content: the compare view and the history show
        # what it held even in blocks or fields removed from the code since.
        obj = super().with_content_json(content)
        obj.revision_content = content
        return obj

    # -- the point on maps ------------------------------------------------------

    #: The fields :func:`~rencontres.models.places.locate` reads.
    PLACE_FIELDS = frozenset(["format", "address", "postcode", "commune", "latitude", "longitude"])
    POINT_FIELDS = ("map_latitude", "map_longitude", "map_point_source", "address_key")

    @property
    def map_point(self):
        """``(latitude, longitude)`` as floats, or None."""
        if self.map_latitude is None or self.map_longitude is None:
            return None
        return float(self.map_latitude), float(self.map_longitude)

    # -- validation -----------------------------------------------------------

    def date_errors(self):
        """``{field: message}`` for each date outside the years allowed in the
        rencontre's zone (:mod:`rencontres.models.bounds`)."""
        doubtful = {}
        for name in DATE_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if timezone.is_naive(value):  # Django reads it in the server's zone
                value = timezone.make_aware(value) if is_within_wall_clock(value) else None
            if value is None or not SURELY_AFTER <= value < SURELY_BEFORE:
                doubtful[name] = value
        if not doubtful:  # no need to read the département
            return {}
        zone = self.tzinfo
        return {
            name: out_of_bounds_message()
            for name, value in doubtful.items()
            if value is None or not is_within(value, zone)
        }

    def clean(self):
        super().clean()
        errors = single_line_errors(self, SINGLE_LINE_FIELDS)
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            errors[missing] = _(
                "Saisissez la latitude et la longitude ensemble, ou laissez les deux vides."
            )
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("La fin de la rencontre doit être postérieure à son début.")
        if self.format in FORMATS_WITH_PLACE:
            if not self.commune:
                errors["commune"] = _(
                    "Indiquez la commune d’une rencontre en présentiel ou hybride."
                )
            if not self.postcode:
                errors["postcode"] = _(
                    "Indiquez le code postal d’une rencontre en présentiel ou hybride."
                )
        if self.registration_mode == RegistrationMode.LINK and not self.registration_url:
            errors["registration_url"] = _("Indiquez le lien vers le formulaire d’inscription.")
        if self.registration_mode == RegistrationMode.EMAIL and not self.registration_email:
            errors["registration_email"] = _("Indiquez l’adresse e-mail pour s’inscrire.")
        if self.registration_deadline and self.start and self.registration_deadline >= self.start:
            errors["registration_deadline"] = _(
                "La date limite d’inscription doit précéder le début de la rencontre."
            )
        errors.update(self.date_errors())  # the first thing to fix on those fields
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Whatever the caller (``clean=False``, a draft, a synchronised translation):
        # a date PostgreSQL would store but not give back never reaches the database.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(DATE_FIELDS):
            errors = self.date_errors()
            if errors:
                raise ValidationError(errors)
        # The point of maps and distances follows the place (rencontres.models.places).
        if update_fields is None:
            locate(self)
        elif self.PLACE_FIELDS & set(update_fields):
            locate(self)
            kwargs["update_fields"] = [*update_fields, *self.POINT_FIELDS]
        return super().save(*args, **kwargs)


class RencontreOrganisation(Orderable):
    """One organiser of a rencontre, in the order the editor gives."""

    page = ParentalKey(RencontrePage, on_delete=models.CASCADE, related_name="organisers")
    organisation = models.ForeignKey(
        "rencontres.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("organisation")]

    class Meta(Orderable.Meta):
        verbose_name = _("organisateur")
        verbose_name_plural = _("organisateurs")

    def __str__(self):
        return str(self.organisation)
