"""Signal receivers of the plugin, connected in :meth:`RencontresConfig.ready`."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import PageLogEntry, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import roles, translation
from .cache import triggers as cache_triggers
from .history import recording
from .models import Organisation, RencontreIndexPage, RencontrePage
from .models.publication_log import events_recorded
from .places.tasks import request_geocoding
from .webhooks.delivery import schedule_dispatch


def push_synchronised_fields_on_publish(sender, instance, revision=None, **kwargs):
    """A published source page pushes its synchronised fields to its published
    translations: in the task worker, after the publication is committed, so that
    nothing a translation does can fail or hold the source's publication."""
    user = getattr(revision, "user", None)
    translation.schedule_push(instance, user=user)


def push_synchronised_fields_on_save(sender, instance, raw=False, **kwargs):
    """A saved source organisation pushes its name and link to its translations (in
    the task worker, once the save is committed)."""
    if raw:  # loaddata
        return
    translation.schedule_snippet_push(instance)


def geocode_on_save(sender, instance, raw=False, **kwargs):
    """A saved rencontre (draft or published) whose address has no point yet is sent to
    the geocoder in the background, once the transaction commits (never raises)."""
    if raw:
        return
    request_geocoding(instance)


def attach_roles_to_new_index(sender, instance, created=False, raw=False, **kwargs):
    """A new rencontres index (of any language) gets the editorial roles and workflow."""
    if created and not raw:
        roles.attach_to_index(instance)


# -- the publication log (rencontres.history.recording) ------------------------------------


def log_publication(sender, instance, created=False, raw=False, **kwargs):
    """Wagtail logged a publication (or a scheduled one going live): record its version."""
    if created and not raw and instance.action in recording.PUBLISH_ACTIONS:
        recording.record_publication_entry(instance)


def log_unpublication(sender, instance, **kwargs):
    if recording.is_logged(type(instance)):
        recording.record_unpublication(instance)


def log_deletion(sender, instance, **kwargs):
    recording.record_deletion(instance)


def log_restriction_added(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        recording.record_privacy_change(instance, created=True)


def log_restriction_removed(sender, instance, origin=None, **kwargs):
    # Only a restriction removed for itself: one deleted with its page (a cascade)
    # leaves nothing visible, and the page's deletion is recorded on its own.
    if isinstance(origin, PageViewRestriction) or (
        isinstance(origin, QuerySet) and origin.model is PageViewRestriction
    ):
        recording.record_privacy_change(instance, created=False)


def log_move(sender, instance, parent_page_before, parent_page_after, **kwargs):
    recording.record_move(
        instance,
        parent_page_before,
        parent_page_after,
        kwargs.get("url_path_before"),
        kwargs.get("url_path_after"),
    )


def connect():
    cache_triggers.connect()
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
    post_save.connect(
        log_publication, sender=PageLogEntry, dispatch_uid="rencontres.log_publication"
    )
    page_unpublished.connect(log_unpublication, dispatch_uid="rencontres.log_unpublication")
    pre_delete.connect(log_deletion, sender=RencontrePage, dispatch_uid="rencontres.log_deletion")
    post_save.connect(
        log_restriction_added,
        sender=PageViewRestriction,
        dispatch_uid="rencontres.log_restriction_added",
    )
    post_delete.connect(
        log_restriction_removed,
        sender=PageViewRestriction,
        dispatch_uid="rencontres.log_restriction_removed",
    )
    post_page_move.connect(log_move, dispatch_uid="rencontres.log_move")
    post_save.connect(
        geocode_on_save, sender=RencontrePage, dispatch_uid="rencontres.geocode_on_save"
    )
    # Webhooks: after the events committed, a dispatch in the task worker.
    events_recorded.connect(schedule_dispatch, dispatch_uid="rencontres.webhooks")
