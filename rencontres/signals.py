"""Signal receivers of the plugin, connected in :meth:`RencontresConfig.ready`."""

from django.db.models.signals import post_save
from wagtail.signals import page_published

from . import translation
from .models import Organisation


def push_synchronised_fields_on_publish(sender, instance, revision=None, **kwargs):
    """A published source page pushes its synchronised fields to its published translations."""
    user = getattr(revision, "user", None)
    translation.push_page(instance, user=user)


def push_synchronised_fields_on_save(sender, instance, raw=False, **kwargs):
    """A saved source organisation pushes its name and link to its translations."""
    if raw:  # loaddata
        return
    translation.push_snippet(instance)


def connect():
    page_published.connect(
        push_synchronised_fields_on_publish,
        dispatch_uid="rencontres.push_synchronised_fields_on_publish",
    )
    post_save.connect(
        push_synchronised_fields_on_save,
        sender=Organisation,
        dispatch_uid="rencontres.push_synchronised_fields_on_save",
    )
