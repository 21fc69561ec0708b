"""Bookkeeping of the Decidim import: what was last imported for each meeting.

One :class:`ImportRecord` per Decidim meeting. It keeps the page the meeting became,
a fingerprint of the source row (a re-import of the same row is skipped without
touching the page) and, per language and field, a fingerprint (digest) of the value
last read from Decidim (``values``) and of the value the import wrote into the page
(``written``). Decidim's new value against ``values`` tells what changed *there*; the
page's current value against ``written`` tells what an editor changed *here* (a
conflict: the editor's value is kept and reported).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    """The last import of one Decidim meeting into one rencontre page."""

    decidim_id = models.CharField(_("identifiant Decidim"), max_length=64, unique=True)
    decidim_url = models.URLField(_("adresse sur Decidim"), max_length=500, blank=True)
    page = models.OneToOneField(
        "rencontres.RencontrePage",
        verbose_name=_("rencontre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_record",
        help_text=_("Vide si la page a été supprimée ici : l’import ne la recrée pas."),
    )
    source_hash = models.CharField(
        _("empreinte de la ligne importée"),
        max_length=64,
        help_text=_("Une ligne identique au dernier import est ignorée sans rien lire d’autre."),
    )
    values = models.JSONField(
        _("valeurs importées"),
        default=dict,
        help_text=_(
            "Par langue puis par champ : l’empreinte de la dernière valeur venue de Decidim."
        ),
    )
    written = models.JSONField(
        _("valeurs écrites"),
        default=dict,
        help_text=_(
            "Par langue puis par champ : l’empreinte de la valeur que l’import a écrite "
            "dans la page. Une page qui en diffère a été modifiée ici."
        ),
    )
    imported_at = models.DateTimeField(_("dernier import"))

    class Meta:
        verbose_name = _("import Decidim")
        verbose_name_plural = _("imports Decidim")

    def __str__(self):
        return f"Decidim {self.decidim_id}"


class ImportRunQuerySet(models.QuerySet):
    def active(self):
        """Runs holding their index's lock: waiting for the worker or running."""
        return self.filter(status__in=ImportRun.ACTIVE)


class ImportRun(models.Model):
    """One import from the admin, a scheduled sync or the command line: its file, who
    started it, its progress while it runs and its report once done.

    A run is created when a file or an address is handed in (« lecture du fichier »:
    the worker downloads and reads it), then previewed (« aperçu », the preview's report
    kept), then confirmed (« en attente », the worker's task enqueued), run (« en cours », progress
    written about once a second) and finished (« terminé », « annulé » or « échec »,
    the final report kept). Two runs of the same index can never be waiting or running
    at once: a partial unique constraint is the lock, held by the database."""

    class Status(models.TextChoices):
        READING = "reading", _("lecture du fichier")
        PREVIEW = "preview", _("aperçu")
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        CANCELLED = "cancelled", _("annulé")
        FAILED = "failed", _("échec")

    class Origin(models.TextChoices):
        ADMIN = "admin", _("administration")
        SYNC = "sync", _("synchronisation programmée")
        COMMAND = "command", _("ligne de commande")

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    #: The admin's page waits for the worker (and polls) in these.
    WAITING = (Status.READING, Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.DONE, Status.CANCELLED, Status.FAILED)

    index = models.ForeignKey(
        "rencontres.RencontreIndexPage",
        verbose_name=_("index des rencontres"),
        on_delete=models.CASCADE,
        related_name="import_runs",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    origin = models.CharField(_("origine"), max_length=16, choices=Origin.choices)
    status = models.CharField(
        _("état"), max_length=16, choices=Status.choices, default=Status.PREVIEW
    )
    file_name = models.CharField(
        _("fichier"), max_length=500, help_text=_("Le fichier tel que la personne le nomme.")
    )
    source_url = models.URLField(_("adresse Decidim"), max_length=1000, blank=True)
    stored_file = models.CharField(
        _("fichier conservé"),
        max_length=500,
        blank=True,
        help_text=_("Chemin dans le stockage partagé (celui des médias)."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    updated_at = models.DateTimeField(
        _("dernier signe de vie"),
        auto_now=True,
        help_text=_(
            "Écrit avec la progression : un import en cours muet depuis longtemps a été interrompu."
        ),
    )
    phase = models.CharField(_("étape"), max_length=16, blank=True)
    done = models.PositiveIntegerField(_("lignes traitées"), default=0)
    total = models.PositiveIntegerField(_("lignes"), default=0)
    cancel_requested = models.BooleanField(_("annulation demandée"), default=False)
    counts = models.JSONField(_("totaux"), default=dict, blank=True)
    report = models.JSONField(
        _("rapport"),
        default=dict,
        blank=True,
        help_text=_("Le rapport de l’aperçu, puis de l’import."),
    )
    error = models.TextField(_("erreur"), blank=True)
    notified = models.BooleanField(
        _("fin signalée"),
        default=False,
        help_text=_("La personne qui l’a lancé a vu dans l’administration que l’import est fini."),
    )

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport d’import Decidim")
        verbose_name_plural = _("rapports d’import Decidim")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["index"],
                condition=models.Q(status__in=["queued", "running"]),
                name="rencontres_one_active_import_per_index",
            )
        ]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def is_waiting(self):
        return self.status in self.WAITING

    @property
    def is_finished(self):
        return self.status in self.FINISHED


class DecidimSync(models.Model):
    """An index kept in step with a Decidim open-data address: ``manage.py sync_decidim``
    (run by cron) re-imports it; each run is an :class:`ImportRun` with its report."""

    index = models.OneToOneField(
        "rencontres.RencontreIndexPage",
        verbose_name=_("index des rencontres"),
        on_delete=models.CASCADE,
        related_name="decidim_sync",
    )
    url = models.URLField(_("adresse des données ouvertes Decidim"), max_length=1000)
    active = models.BooleanField(_("synchronisation active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    last_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("dernier import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("synchronisation Decidim")
        verbose_name_plural = _("synchronisations Decidim")

    def __str__(self):
        return self.url
