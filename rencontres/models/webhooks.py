"""Webhook endpoints of partners, and the log of what was delivered to them.

A :class:`WebhookEndpoint` receives, signed with its secret, one POST per event of the
publication log that matches its events and languages (:mod:`rencontres.webhooks`).
Each such POST is a :class:`WebhookDelivery`: its payload, status, attempts and last
error, kept so that staff see what a partner received and send it again.
"""

import secrets
import uuid
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import conf


def now():
    """``timezone.now()`` looked up at call time (a default the tests' clock moves)."""
    return timezone.now()


def new_secret():
    """A random signing secret (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A partner's URL called for each event of the publication log it asked for."""

    name = models.CharField(_("nom"), max_length=100, help_text=_("Le partenaire, pour vous."))
    url = models.URLField(
        _("adresse"),
        max_length=500,
        help_text=_("L’adresse https qui reçoit les événements (une requête POST chacun)."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        default=new_secret,
        help_text=_(
            "Signe chaque envoi (HMAC-SHA256) ; à communiquer au partenaire. En le "
            "changeant, l’ancien secret signe encore pendant le délai de grâce."
        ),
    )
    previous_secret = models.CharField(
        _("ancien secret"), max_length=200, blank=True, editable=False
    )
    previous_secret_expires_at = models.DateTimeField(
        _("fin du délai de grâce"), null=True, blank=True, editable=False
    )
    events = models.JSONField(
        _("événements"), default=list, blank=True, help_text=_("Aucun coché : tous.")
    )
    languages = models.JSONField(
        _("langues"), default=list, blank=True, help_text=_("Aucune cochée : toutes.")
    )
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), default=now, editable=False)
    #: Position ``(time, id)`` of the last event of the log handed to this endpoint.
    cursor_time = models.DateTimeField(null=True, blank=True, editable=False)
    cursor_id = models.BigIntegerField(default=0, editable=False)
    consecutive_failures = models.PositiveIntegerField(
        _("échecs consécutifs"), default=0, editable=False
    )
    disabled_at = models.DateTimeField(
        _("désactivé automatiquement le"), null=True, blank=True, editable=False
    )
    disabled_reason = models.TextField(_("motif de la désactivation"), blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        # The webhook permission (models.permissions) covers every action.
        default_permissions = ()
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def cursor(self):
        return (self.cursor_time, self.cursor_id) if self.cursor_time else None

    def wants(self, event_type, locale):
        """Whether an event of this type and language is sent to this endpoint."""
        return (not self.events or event_type in self.events) and (
            not self.languages or locale in self.languages
        )

    def signing_secrets(self, now=None):
        """The secrets that sign a delivery now: the current one, and the previous one
        during its grace period."""
        now = now or timezone.now()
        keys = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and self.previous_secret_expires_at > now
        ):
            keys.append(self.previous_secret)
        return keys

    def rotate_secret(self, new=None, *, previous=None, now=None):
        """Make ``new`` (a random one by default) the secret; the old one keeps signing
        for ``RENCONTRES_WEBHOOK_SECRET_GRACE`` seconds. Not saved."""
        now = now or timezone.now()
        previous = self.secret if previous is None else previous
        self.secret = new or new_secret()
        if previous and previous != self.secret:
            self.previous_secret = previous
            self.previous_secret_expires_at = now + timedelta(seconds=conf.WEBHOOK_SECRET_GRACE)

    def disable(self, reason, now=None):
        self.active = False
        self.disabled_at = now or timezone.now()
        self.disabled_reason = reason

    def reactivate(self, position):
        """Active again: failures forgotten, events sent from ``position`` on (those of
        the inactive period are not: the change log of the API has them)."""
        self.active = True
        self.consecutive_failures = 0
        self.disabled_at = None
        self.disabled_reason = ""
        self.cursor_time, self.cursor_id = position if position else (timezone.now(), 0)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    RETRYING = "retrying", _("nouvel essai prévu")
    DELIVERED = "delivered", _("livré")
    FAILED = "failed", _("échec")
    CANCELLED = "cancelled", _("annulé")


#: The ``event`` of the test deliveries sent from the admin.
TEST_EVENT = "test"


class WebhookDelivery(models.Model):
    """One event sent (or to send) to one endpoint; ``id`` travels in the request so
    that the partner can ignore a delivery it already handled."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.BigIntegerField(_("événement du journal"), null=True, blank=True)
    event_type = models.CharField(_("événement"), max_length=32)
    payload = models.JSONField(_("contenu"))
    status = models.CharField(
        _("état"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    response_status = models.PositiveIntegerField(_("code de réponse"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=now, db_index=True)
    last_attempt_at = models.DateTimeField(_("dernière tentative"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("livré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi de webhook")
        verbose_name_plural = _("envois de webhook")
        default_permissions = ()
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"],
                condition=models.Q(event_id__isnull=False),
                name="rencontres_delivery_once_per_event",
            )
        ]

    def __str__(self):
        return f"{self.event_type} → {self.endpoint} ({self.get_status_display()})"
