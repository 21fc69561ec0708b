"""What purges the shared cache: every change a visitor or an API consumer can see.

Each receiver only describes the change (:func:`rencontres.cache.purge.schedule`); the
purge runs in the task worker after the transaction commits, so a cache that is down
or slow never fails nor slows the editor's request.

=========================================  =========================================
change                                     signal
=========================================  =========================================
publish, scheduled go-live, translation    ``page_published`` (a synchronised field
sync (translations are published again)    pushed to a translation publishes it)
unpublish, scheduled expiry                ``page_unpublished``
move                                       ``post_page_move``
delete                                     ``pre_delete`` of a page
privacy                                    ``PageViewRestriction`` saved or deleted
redaction of the public history            ``history_redacted``
organisation                               ``Organisation`` saved or deleted
site setting (every page shows it)         a Wagtail site or generic setting, or a
                                           model of ``RENCONTRES_CACHE_PURGE_ALL_MODELS``,
                                           saved or deleted
redirect                                   ``Redirect`` saved or deleted (its path)
=========================================  =========================================

The publication log's ``events_recorded`` is not one of them: a publication that
changes no field of the public history (a field shown but not listed) records no event
and must still purge, so pages are purged on Wagtail's own signals, for every page type.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from ..conf import conf
from ..models import Organisation, RencontreOrganisation
from ..models.publication_log import history_redacted
from . import tags as cache_tags
from .purge import schedule

try:  # optional apps of the host project
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
except ImportError:  # pragma: no cover
    BaseGenericSetting = BaseSiteSetting = None
try:
    from wagtail.contrib.redirects.models import Redirect
except ImportError:  # pragma: no cover
    Redirect = None


def page_changed(sender, instance, **kwargs):
    schedule(page_ids=[instance.pk])


def page_deleted(sender, instance, **kwargs):
    if not isinstance(instance, Page):
        return
    schedule(
        page_ids=[instance.pk],
        translation_keys=[instance.translation_key],
        tags=[cache_tags.ALL] if instance.numchild else [cache_tags.LIST],
    )


def restriction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule(page_ids=[instance.page_id])


def redacted(sender, redaction=None, page_ids=(), **kwargs):
    if page_ids:
        schedule(page_ids=list(page_ids))
    else:  # every rencontre's history
        schedule(tags=[cache_tags.ALL])


def organisation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule(organisation_ids=[instance.pk])


def organisation_deleted(sender, instance, **kwargs):
    # The rencontres it organised lose it with this deletion: name their pages now.
    page_ids = RencontreOrganisation.objects.filter(organisation=instance).values_list(
        "page_id", flat=True
    )
    schedule(page_ids=list(page_ids), tags=[cache_tags.LIST])


def _is_wagtail_setting(model):
    settings_classes = tuple(cls for cls in (BaseGenericSetting, BaseSiteSetting) if cls)
    return bool(settings_classes) and issubclass(model, settings_classes)


def _shown_everywhere(model):
    return _is_wagtail_setting(model) or model._meta.label in conf.CACHE_PURGE_ALL_MODELS


def _holds_only_defaults(instance):
    """Whether every field of ``instance`` an editor can set holds its default value
    (the row's key and a site setting's site are not editable)."""
    return all(
        getattr(instance, field.attname) == field.get_default()
        for field in instance._meta.concrete_fields
        if field.editable and not field.primary_key
    )


def setting_changed(sender, instance=None, raw=False, created=False, **kwargs):
    if raw or not _shown_everywhere(sender):
        return
    # Wagtail creates a setting's row, with its default values, the first time a page
    # or the admin reads it (``for_request``, ``load``): what pages showed is the same,
    # and purging everything on a visitor's request would empty the cache it fills.
    if created and _is_wagtail_setting(sender) and _holds_only_defaults(instance):
        return
    schedule(tags=[cache_tags.ALL])


def redirect_changed(sender, instance, raw=False, **kwargs):
    if raw or not instance.old_path:
        return
    path = instance.old_path.split("?")[0].rstrip("/") or "/"
    schedule(exact_paths=[path, path.rstrip("/") + "/"])


def points_moved_receiver(sender, page_ids=(), **kwargs):
    """A geocoder's answer or a new list of communes moved rencontres' points outside a
    publication (rencontres.models.places): their pages, maps and lists."""
    if page_ids:
        schedule(page_ids=list(page_ids), tags=[cache_tags.LIST])


def connect():
    from ..models.places import points_moved

    points_moved.connect(points_moved_receiver, dispatch_uid="rencontres.cache.points_moved")
    page_published.connect(page_changed, dispatch_uid="rencontres.cache.published")
    page_unpublished.connect(page_changed, dispatch_uid="rencontres.cache.unpublished")
    post_page_move.connect(page_changed, dispatch_uid="rencontres.cache.moved")
    pre_delete.connect(page_deleted, dispatch_uid="rencontres.cache.page_deleted")
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"rencontres.cache.restriction_{name}",
        )
        signal.connect(setting_changed, dispatch_uid=f"rencontres.cache.setting_{name}")
        if Redirect is not None:
            signal.connect(
                redirect_changed, sender=Redirect, dispatch_uid=f"rencontres.cache.redirect_{name}"
            )
    post_save.connect(
        organisation_saved, sender=Organisation, dispatch_uid="rencontres.cache.organisation"
    )
    pre_delete.connect(
        organisation_deleted,
        sender=Organisation,
        dispatch_uid="rencontres.cache.organisation_deleted",
    )
    history_redacted.connect(redacted, dispatch_uid="rencontres.cache.redacted")
