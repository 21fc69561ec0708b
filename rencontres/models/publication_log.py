"""The publication log: what became visible or stopped being visible, and when.

One :class:`PublicationEvent` is written when a rencontre (in one language: each
translation is a page of its own) is published with a change of its public content,
becomes visible again, is unpublished, expires, is deleted, is made private or public
(itself or an ancestor), or is moved. A publication event keeps the *public* version
it made: the text of every public field (``snapshot``) and what changed since the
previous one (``changes``), computed once, when it happened
(:mod:`rencontres.history.recording`). Every reader uses it: the public history pages,
their feed, the history API, « Mis à jour le » (:mod:`rencontres.history.versions`)
and the change log of the API (:mod:`rencontres.api.changes`); the webhooks will too.

Nothing here is ever a draft: events are written at publication; an event of a page
that was not visible (private) is kept for its history but not *listed* in the change
log. :class:`Redaction` records each value an administrator erased from the log.

Readers: ``PublicationEvent.objects.listed().after(position)`` gives what consumers may
learn, in order, after the ``(time, id)`` of the last event a reader handled.

Signals for the layers that keep copies of what the log says (HTTP caches, webhooks):

* :data:`events_recorded` — ``events`` (a list of :class:`PublicationEvent`), sent once
  the transaction that wrote them has committed;
* :data:`history_redacted` — ``redaction`` and ``page_ids``: the history of these pages
  changed after the fact; any cached copy of their history pages, feeds or API
  responses must be purged (sent once the redaction has committed).
"""

from django.conf import settings
from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

#: Sent with ``events`` after the transaction that recorded them commits.
events_recorded = Signal()

#: Sent with ``redaction`` and ``page_ids`` after a redaction commits: purge the copies.
history_redacted = Signal()


class EventType(models.TextChoices):
    """What happened to a rencontre, as the change log names it."""

    PUBLISHED = "published", _("publiée")
    SCHEDULED = "scheduled_publication", _("publication programmée")
    UNPUBLISHED = "unpublished", _("dépubliée")
    EXPIRED = "expired", _("expirée")
    DELETED = "deleted", _("supprimée")
    MADE_PRIVATE = "made_private", _("rendue privée")
    MADE_PUBLIC = "made_public", _("rendue publique")
    MOVED = "moved", _("déplacée")
    REDACTED = "redacted", _("historique expurgé")


#: Events after which the page is visible (its API URL is given to consumers).
VISIBLE_TYPES = frozenset(
    {
        EventType.PUBLISHED,
        EventType.SCHEDULED,
        EventType.MADE_PUBLIC,
        EventType.MOVED,
        EventType.REDACTED,
    }
)

#: Events that publish a revision (they carry its version of the public content).
PUBLICATION_TYPES = frozenset({EventType.PUBLISHED, EventType.SCHEDULED})


class PublicationEventQuerySet(models.QuerySet):
    def of_page(self, page_id):
        return self.filter(page_id=page_id)

    def versions(self):
        """Publications that changed public content, oldest first."""
        return self.filter(is_version=True).order_by("time", "pk")

    def listed(self):
        """What the change log shows consumers, oldest first."""
        return self.filter(listed=True).order_by("time", "pk")

    def after(self, position):
        """The events after ``position`` — the ``(time, id)`` of the last one read, or
        ``None`` for all — oldest first: a reader that keeps the position of the last
        event it handled never skips or repeats one, even among events sharing a
        timestamp. The change log's cursors encode such positions
        (``rencontres.api.changes``); the webhooks keep theirs::

            PublicationEvent.objects.listed().after((time, pk))[:100]
        """
        events = self.order_by("time", "pk")
        if position is None:
            return events
        time, pk = position
        return events.filter(models.Q(time__gt=time) | models.Q(time=time, pk__gt=pk))


class PublicationEvent(models.Model):
    """Something that changed what the public sees of one rencontre in one language.

    ``page_id`` is not a foreign key: the event of a deletion outlives its page.
    ``snapshot`` (``{field: [line, …]}``) is the public content after a publication,
    ``changes`` (``{field: {"before": [...], "after": [...]}}``) what it changed, both
    in the page's language and limited to the fields its model declares public
    (``public_history_fields``); ``changed_fields`` lists the names of ``changes`` so
    that lists of versions never load the texts.
    """

    id = models.BigAutoField(primary_key=True)
    time = models.DateTimeField(_("date"), db_index=True)
    type = models.CharField(_("événement"), max_length=32, choices=EventType.choices)
    page_id = models.PositiveIntegerField(_("page"))
    locale = models.CharField(_("langue"), max_length=100)
    translation_key = models.UUIDField(_("clé de traduction"), null=True, blank=True)
    revision_id = models.PositiveIntegerField(_("révision"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    visible = models.BooleanField(
        _("visible"), default=False, help_text=_("En ligne et publique après l’événement.")
    )
    listed = models.BooleanField(
        _("dans le journal des changements"),
        default=False,
        help_text=_("Montré aux consommateurs de l’API (la page était ou devient visible)."),
    )
    is_version = models.BooleanField(
        _("nouvelle version"),
        default=False,
        help_text=_("Une publication qui a changé un champ public."),
    )
    changed_fields = models.JSONField(_("champs modifiés"), default=list, blank=True)
    changes = models.JSONField(_("changements"), null=True, blank=True)
    snapshot = models.JSONField(_("contenu public"), null=True, blank=True)
    complete = models.BooleanField(
        _("complet"),
        default=True,
        help_text=_(
            "Faux si le contenu public n’a pas pu être calculé à la publication "
            "(manage.py publication_log reparer le recalcule)."
        ),
    )

    objects = PublicationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement de publication")
        verbose_name_plural = _("journal des publications")
        indexes = [
            models.Index(fields=["page_id", "time", "id"], name="rencontres_event_page"),
            models.Index(fields=["listed", "time", "id"], name="rencontres_event_listed"),
        ]

    def __str__(self):
        return f"{self.get_type_display()} — page {self.page_id} ({self.locale}), {self.time}"

    @property
    def leaves_visible(self):
        """Whether the page is visible after this event (its API URL is worth reading)."""
        return self.type in VISIBLE_TYPES and self.visible


class Redaction(models.Model):
    """A value an administrator erased from the public history (and the reason)."""

    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("administrateur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    page_ids = models.JSONField(
        _("pages"), default=list, blank=True, help_text=_("Vide : toutes les rencontres.")
    )
    field = models.CharField(
        _("champ"), max_length=100, blank=True, help_text=_("Vide : tous les champs.")
    )
    value = models.TextField(_("valeur retirée"))
    reason = models.TextField(_("motif"))
    events_changed = models.PositiveIntegerField(_("événements modifiés"), default=0)

    class Meta:
        verbose_name = _("valeur retirée de l’historique")
        verbose_name_plural = _("valeurs retirées de l’historique")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return str(self.reason)

    def applies_to(self, page_id):
        return not self.page_ids or page_id in self.page_ids
