"""Signal receivers of the plugin, connected in :meth:`RencontresConfig.ready`."""

from django.db.models.signals import post_save
from wagtail.signals import page_published

from . import roles, translation
from .models import Organisation, RencontreIndexPage


def push_synchronised_fields_on_publish(sender, instance, revision=None, **kwargs):
    """A published source page pushes its synchronised fields to its published translations."""
    user = getattr(revision, "user", None)
    translation.push_page(instance, user=user)


def push_synchronised_fields_on_save(sender, instance, raw=False, **kwargs):
    """A saved source organisation pushes its name and link to its translations."""
    if raw:  # loaddata
        return
    translation.push_snippet(instance)


def attach_roles_to_new_index(sender, instance, created=False, raw=False, **kwargs):
    """A new rencontres index (of any language) gets the editorial roles and workflow."""
    if created and not raw:
        roles.attach_to_index(instance)


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
    post_save.connect(
        attach_roles_to_new_index,
        sender=RencontreIndexPage,
        dispatch_uid="rencontres.attach_roles_to_new_index",
    )
