"""What the task worker could not do: one :class:`TaskFailure` per job given up.

Written by :mod:`rencontres.tasks` when a job fails its last attempt (or fails in a
way no retry can fix), so that staff and operators find what was lost — the task,
its arguments and the last error — long after the worker's logs are gone.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskFailure(models.Model):
    """A job of the task worker given up after its last attempt."""

    task_path = models.CharField(_("tâche"), max_length=255, db_index=True)
    queue_name = models.CharField(_("file d’attente"), max_length=32)
    arguments = models.JSONField(
        _("arguments"), default=dict, help_text=_("Les arguments de la tâche (args, kwargs).")
    )
    attempts = models.PositiveIntegerField(_("tentatives"))
    exception_class = models.CharField(_("type d’erreur"), max_length=255)
    message = models.TextField(_("erreur"), blank=True)
    traceback = models.TextField(_("trace"), blank=True)
    first_enqueued_at = models.DateTimeField(_("première mise en file"), null=True, blank=True)
    failed_at = models.DateTimeField(_("abandonnée le"), db_index=True)

    class Meta:
        verbose_name = _("tâche en échec")
        verbose_name_plural = _("tâches en échec")
        ordering = ["-failed_at", "-pk"]

    def __str__(self):
        return f"{self.task_path} ({self.failed_at:%Y-%m-%d %H:%M})"
