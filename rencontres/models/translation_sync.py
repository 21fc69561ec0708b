"""What the admin shows on a translation whose synchronised fields are not up to date.

Publishing a source page pushes its synchronised fields to its translations in the task
worker (:mod:`rencontres.translation`). When that push cannot be done on a translation
— its row is locked, the database refused the revision — or is held back because the
translation is under moderation, one :class:`TranslationSyncIssue` says so, and the
translation's edit view shows it. A later push that succeeds deletes it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TranslationSyncIssue(models.Model):
    """Why a translation does not show its source's synchronised fields (yet)."""

    class Kind(models.TextChoices):
        FAILED = "echec", _("échec")
        MODERATION = "moderation", _("en modération")

    # No foreign key constraint in the database: writing this row must not wait for
    # the lock that made the push fail (a constraint takes a share lock on the page's
    # row). Django still deletes the row with its page.
    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
        verbose_name=_("traduction"),
    )
    source = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
        verbose_name=_("page source"),
    )
    kind = models.CharField(_("nature"), max_length=16, choices=Kind.choices)
    message = models.TextField(_("détail"), blank=True)
    attempts = models.PositiveIntegerField(_("tentatives en échec"), default=0)
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("dernière tentative"), auto_now=True)

    class Meta:
        verbose_name = _("synchronisation de traduction en attente")
        verbose_name_plural = _("synchronisations de traduction en attente")

    def __str__(self):
        return f"{self.page_id} ← {self.source_id} ({self.kind})"
