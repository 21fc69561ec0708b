"""Synchronised fields cannot drift: publishing a source pushes them to its translations.

wagtail-localize copies synchronised fields (dates, status, place, links, organisers…)
into a translation only when that translation is saved through it, and it copies them
from its frozen :class:`~wagtail_localize.models.TranslationSource`, not from the live
source. Left alone, a rencontre cancelled in French would stay « prévue » in English
until a translator opened the translation, and would even go back to « prévue » the
next time a translator published it from an old source.

So, when a source page is published (or a source snippet saved):

1. its ``TranslationSource`` is refreshed from the database
   (:meth:`TranslationSource.update_from_db`), so that wagtail-localize's own editor and
   ``save_target()`` work from the published source from now on;
2. every *published* translation gets the synchronised field values of the source and
   is published again at once, as a new revision of its own (so the translation's
   history shows the change). A translation whose values are already equal gets no
   revision. A pending draft of the translation gets the values too, as a newer draft,
   so that publishing it later does not bring the old values back.

Only fields declared :class:`~wagtail_localize.fields.SynchronizedField` (explicitly in
``override_translatable_fields`` or by wagtail-localize's defaults: choices, links,
numbers, dates, foreign keys to non-translatable models, non-translatable child
relations) are pushed: translated texts are never touched.

Which object is the source: the one a ``TranslationSource`` was made from (wagtail-localize
records it), else the one in the default locale (``LANGUAGE_CODE``). Publishing a
translation pushes nothing, and a publication made by this module never triggers
another one (a context variable guards against re-entry).

Set ``RENCONTRES_SYNC_TRANSLATIONS = False`` to turn it off.
"""

import contextlib
import contextvars
import datetime
import logging

from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.models import DraftStateMixin, Locale, Page, TranslatableMixin
from wagtail_localize.fields import SynchronizedField, get_translatable_fields
from wagtail_localize.models import TranslationSource

from .conf import conf

logger = logging.getLogger(__name__)

_pushing = contextvars.ContextVar("rencontres_pushing_synchronised_fields", default=False)


def sync_enabled():
    return conf.SYNC_TRANSLATIONS


@contextlib.contextmanager
def _guard():
    token = _pushing.set(True)
    try:
        yield
    finally:
        _pushing.reset(token)


def synchronised_fields(model):
    """The model's fields that are the same in every language (Django field objects)."""
    instance = model()
    fields = []
    for translatable_field in get_translatable_fields(model):
        if not isinstance(translatable_field, SynchronizedField):
            continue
        if not translatable_field.is_synchronized(instance):
            continue
        fields.append(translatable_field.get_field(model))
    return fields


def _comparable(field, instance):
    """The field's value, equal for equal values whichever way the instance was loaded.

    Aware datetimes compare by instant (a revision gives them in the local zone, the
    database in UTC) and to the millisecond (revisions keep no more).
    """
    value = field.value_from_object(instance)
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def _is_child_relation(field):
    return isinstance(field, models.ManyToOneRel) and isinstance(field.remote_field, ParentalKey)


def _child_values(instance, relation):
    """A child relation as comparable data: each child's fields but its id and parent."""
    parental_key = relation.field.attname
    rows = []
    for child in getattr(instance, relation.get_accessor_name()).all():
        rows.append(
            tuple(
                (field.attname, _comparable(field, child))
                for field in child._meta.concrete_fields
                if not field.primary_key and field.attname != parental_key
            )
        )
    return rows


def synchronised_values(instance, fields=None):
    """``{field name: comparable value}`` of the synchronised fields of ``instance``."""
    values = {}
    for field in fields if fields is not None else synchronised_fields(type(instance)):
        if _is_child_relation(field):
            values[field.name] = _child_values(instance, field)
        elif isinstance(field, ParentalManyToManyField):
            values[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
        else:
            values[field.name] = _comparable(field, instance)
    return values


def copy_synchronised_values(source, target, fields=None):
    """Copy the synchronised fields of ``source`` onto ``target`` (in memory, not saved).

    Unlike ``wagtail_localize.fields.copy_synchronised_fields``, which also copies every
    StreamField and every blank text field (it runs right before re-inserting the
    translated segments), this copies only the declared synchronised fields and leaves
    the translated content of ``target`` as it is.
    """
    for field in fields if fields is not None else synchronised_fields(type(source)):
        if _is_child_relation(field):
            if issubclass(field.related_model, TranslatableMixin):
                continue  # translated children are wagtail-localize's business
            source.copy_child_relation(field.name, target)
        elif isinstance(field, ParentalManyToManyField):
            getattr(target, field.name).set(getattr(source, field.name).all())
        else:
            setattr(target, field.attname, getattr(source, field.attname))


def is_source(instance):
    """Whether ``instance`` is the version its translations are made from."""
    source_locales = set(
        TranslationSource.objects.filter(object_id=instance.translation_key).values_list(
            "locale_id", flat=True
        )
    )
    if source_locales:
        return instance.locale_id in source_locales
    return instance.locale_id == Locale.get_default().pk


def _refresh_translation_sources(instance):
    for source in TranslationSource.objects.filter(
        object_id=instance.translation_key, locale_id=instance.locale_id
    ):
        source.update_from_db()


def _push_to_page(source, translation, fields, user):
    """Publish ``translation`` with the synchronised values of ``source``; True if changed."""
    wanted = synchronised_values(source, fields)
    draft_revision = translation.latest_revision if translation.has_unpublished_changes else None

    changed = synchronised_values(translation, fields) != wanted
    if changed:
        copy_synchronised_values(source, translation, fields)
        # No clean: the values were validated on the source, and an editor's rule must
        # not stop the source from being published.
        revision = translation.save_revision(user=user, clean=False, log_action=True)
        revision.publish(user=user, skip_permission_checks=True)

    if draft_revision is not None and draft_revision.pk != translation.live_revision_id:
        draft = draft_revision.as_object()
        if synchronised_values(draft, fields) != wanted:
            copy_synchronised_values(source, draft, fields)
            draft.save_revision(user=user, clean=False, log_action=True)
            changed = True
    return changed


def push_page(page, user=None):
    """Push the synchronised fields of the published source ``page`` to its translations.

    Returns the translations that changed. Does nothing for a page that is not live,
    not a source, or while this module is already publishing.
    """
    if _pushing.get() or not sync_enabled() or not page.live or page.alias_of_id:
        return []
    page = page.specific
    if not is_source(page):
        return []
    fields = synchronised_fields(type(page))
    changed = []
    with _guard():
        _refresh_translation_sources(page)
        translations = (
            Page.objects.filter(translation_key=page.translation_key, live=True)
            .exclude(pk=page.pk)
            .filter(alias_of__isnull=True)
            .specific()
        )
        for translation in translations:
            if type(translation) is not type(page):
                continue
            if _push_to_page(page, translation, fields, user):
                changed.append(translation)
    if changed:
        logger.info(
            "Synchronised fields of page %s pushed to %s translation(s).", page.pk, len(changed)
        )
    return changed


def push_snippet(instance):
    """Push the synchronised fields of the source snippet ``instance`` to its translations.

    For models without draft state (saving is publishing), such as ``Organisation``.
    Returns the translations that changed.
    """
    if _pushing.get() or not sync_enabled() or isinstance(instance, DraftStateMixin):
        return []
    if not is_source(instance):
        return []
    model = type(instance)
    fields = synchronised_fields(model)
    wanted = synchronised_values(instance, fields)
    changed = []
    with _guard():
        _refresh_translation_sources(instance)
        for translation in model.objects.filter(translation_key=instance.translation_key).exclude(
            pk=instance.pk
        ):
            if synchronised_values(translation, fields) == wanted:
                continue
            copy_synchronised_values(instance, translation, fields)
            translation.save()
            changed.append(translation)
    return changed
