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

This runs in the task worker, never in the publication: :func:`schedule_push` (the
``page_published`` receiver) enqueues :func:`push_translations` (queue
``translations``, retried by :mod:`rencontres.tasks`) once the publication is
committed, so that nothing a translation does — a row locked by a translator saving
it, a database error — can fail or hold the source's publication, its log entry or
its public history. Each translation is updated in its own transaction, its row
locked without waiting; one that cannot be is recorded as a
:class:`~rencontres.models.TranslationSyncIssue` (shown on its edit view) and the task
fails, to be retried (and recorded as a ``TaskFailure`` after its last attempt);
``manage.py sync_translations`` runs it again by hand. A translation under moderation
is not published (that would cancel its workflow): the values go into a new draft on
top of the one under review, and its submitter is told.

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

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override as translation_override
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.utils import get_admin_base_url
from wagtail.models import DraftStateMixin, Locale, Page, TranslatableMixin
from wagtail.users.models import UserProfile
from wagtail_localize.fields import SynchronizedField, get_translatable_fields
from wagtail_localize.models import TranslationSource

from . import queues
from .conf import conf
from .models import TranslationSyncIssue
from .sanitize import one_line
from .tasks import retrying_task

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
    """Publish ``translation`` with the synchronised values of ``source``; True if changed.

    A translation under moderation is not published (publishing would cancel its
    workflow): see :func:`_push_to_page_in_moderation`."""
    wanted = synchronised_values(source, fields)
    if translation.current_workflow_state is not None:
        return _push_to_page_in_moderation(source, translation, fields, wanted, user)

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


def _push_to_page_in_moderation(source, translation, fields, wanted, user):
    """A translation in a workflow keeps it: the values go into a new draft on top of
    the one under review (approving publishes the latest revision, so they go live
    with it), its live version is left as it is, and the people concerned are told
    (:class:`~rencontres.models.TranslationSyncIssue`, an e-mail to who submitted it)."""
    draft = translation.get_latest_revision_as_object()
    if synchronised_values(draft, fields) == wanted:
        return False
    copy_synchronised_values(source, draft, fields)
    draft.save_revision(user=user, clean=False, log_action=True)
    workflow_state = translation.current_workflow_state
    TranslationSyncIssue.objects.update_or_create(
        page_id=translation.pk,
        defaults={
            "source_id": source.pk,
            "kind": TranslationSyncIssue.Kind.MODERATION,
            "message": "",
            "attempts": 0,
        },
    )
    _notify_moderation(source, draft, workflow_state)
    logger.info(
        "Translation %s is in moderation: synchronised fields of page %s saved as a draft.",
        translation.pk,
        source.pk,
    )
    return True


def _notify_moderation(source, translation, workflow_state):
    """E-mail who submitted ``translation`` (its draft under review) for moderation."""
    requester = workflow_state.requested_by
    if requester is None or not requester.email:
        return
    edit_url = (get_admin_base_url() or "") + reverse(
        "wagtailadmin_pages:edit", args=[translation.pk]
    )
    with translation_override(UserProfile.get_for_user(requester).get_preferred_language()):
        subject = _("Traduction en modération mise à jour : « %(title)s »") % {
            "title": one_line(translation.title)
        }
        body = _(
            "La page source « %(source)s » a été publiée avec de nouvelles valeurs "
            "(dates, statut, lieu, liens…). La traduction « %(title)s » est en "
            "modération : ces valeurs ont été ajoutées à son brouillon, qui reste dans "
            "son processus de validation ; elles seront en ligne quand il sera approuvé.\n\n"
            "%(url)s"
        ) % {
            "source": one_line(source.title),
            "title": one_line(translation.title),
            "url": edit_url,
        }
    # Once the draft is committed: a push rolled back and retried writes no second one.
    transaction.on_commit(
        lambda: send_mail(subject, body, None, [requester.email], fail_silently=True)
    )


def push_page(page, user=None):
    """Push the synchronised fields of the published source ``page`` to its translations.

    Each translation in its own transaction, its page row locked without waiting (a
    translation being edited or published at the same moment fails at once, to be
    tried again later rather than hold the worker). Returns ``(changed, failed)``:
    the translations that changed, and ``(translation, error)`` for those that could
    not be pushed — each recorded as a :class:`~rencontres.models.TranslationSyncIssue`.
    Does nothing for a page that is not live, not a source, or while this module is
    already publishing.
    """
    if _pushing.get() or not sync_enabled() or not page.live or page.alias_of_id:
        return [], []
    page = page.specific
    if not is_source(page):
        return [], []
    fields = synchronised_fields(type(page))
    changed, failed = [], []
    with _guard():
        _refresh_translation_sources(page)
        translation_ids = list(
            Page.objects.filter(translation_key=page.translation_key, live=True)
            .exclude(pk=page.pk)
            .filter(alias_of__isnull=True, content_type_id=page.content_type_id)
            .values_list("pk", flat=True)
        )
        for translation_id in translation_ids:
            try:
                with transaction.atomic():
                    translation = (
                        Page.objects.select_for_update(nowait=True, of=("self",))
                        .get(pk=translation_id)
                        .specific
                    )
                    if _push_to_page(page, translation, fields, user):
                        changed.append(translation)
                    if translation.current_workflow_state is None:
                        TranslationSyncIssue.objects.filter(page_id=translation_id).delete()
            except Exception as error:  # noqa: BLE001 - recorded, and the task retries
                logger.warning(
                    "Synchronised fields of page %s not pushed to translation %s: %s: %s",
                    page.pk,
                    translation_id,
                    type(error).__name__,
                    error,
                )
                _record_failure(page, translation_id, error)
                failed.append((translation_id, error))
    if changed:
        logger.info(
            "Synchronised fields of page %s pushed to %s translation(s).", page.pk, len(changed)
        )
    return changed, failed


def _record_failure(source, translation_id, error):
    message = f"{type(error).__name__}: {error}".strip()
    with transaction.atomic():
        issue, created = TranslationSyncIssue.objects.get_or_create(
            page_id=translation_id,
            defaults={
                "source_id": source.pk,
                "kind": TranslationSyncIssue.Kind.FAILED,
                "message": message,
                "attempts": 1,
            },
        )
        if not created:
            TranslationSyncIssue.objects.filter(pk=issue.pk).update(
                source_id=source.pk,
                kind=TranslationSyncIssue.Kind.FAILED,
                message=message,
                attempts=models.F("attempts") + 1,
                updated_at=timezone.now(),
            )


class TranslationsNotSynchronised(Exception):
    """Some translations of a published page could not get its synchronised fields."""


@retrying_task(queue_name=queues.TRANSLATIONS)
def push_translations(page_id, user_id=None):
    """The task: push the synchronised fields of page ``page_id`` to its translations.

    Raises (so that the retry helper tries again later, and records a
    :class:`~rencontres.models.TaskFailure` after the last attempt) when any
    translation could not be pushed; those that could are pushed all the same."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:  # deleted since
        return {"changed": [], "failed": []}
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    changed, failed = push_page(page, user=user)
    if failed:
        raise TranslationsNotSynchronised(
            "; ".join(f"page {pk}: {type(error).__name__}: {error}" for pk, error in failed)
        )
    return {"changed": [translation.pk for translation in changed], "failed": []}


def schedule_push(page, user=None):
    """Push ``page``'s synchronised fields in the task worker, once the transaction that
    published it is committed (at once outside a transaction).

    Nothing here can fail the publication: an error enqueueing the task is logged."""
    if _pushing.get() or not sync_enabled() or not page.live or page.alias_of_id:
        return
    page_id, user_id = page.pk, getattr(user, "pk", None)

    def enqueue():
        try:
            push_translations.enqueue(page_id, user_id)
        except Exception:
            logger.exception("The push of page %s to its translations was not queued", page_id)

    transaction.on_commit(enqueue)


def push_snippet(instance):
    """Push the synchronised fields of the source snippet ``instance`` to its translations.

    For models without draft state (saving is publishing), such as ``Organisation``;
    each translation in its own transaction, its row locked without waiting. Returns
    the translations that changed; raises :class:`TranslationsNotSynchronised` when
    some could not be updated (the others are).
    """
    if _pushing.get() or not sync_enabled() or isinstance(instance, DraftStateMixin):
        return []
    if not is_source(instance):
        return []
    model = type(instance)
    fields = synchronised_fields(model)
    wanted = synchronised_values(instance, fields)
    changed, failed = [], []
    with _guard():
        _refresh_translation_sources(instance)
        translation_ids = list(
            model.objects.filter(translation_key=instance.translation_key)
            .exclude(pk=instance.pk)
            .values_list("pk", flat=True)
        )
        for translation_id in translation_ids:
            try:
                with transaction.atomic():
                    translation = model.objects.select_for_update(nowait=True).get(
                        pk=translation_id
                    )
                    if synchronised_values(translation, fields) == wanted:
                        continue
                    copy_synchronised_values(instance, translation, fields)
                    translation.save()
                    changed.append(translation)
            except Exception as error:  # noqa: BLE001 - the task retries
                logger.warning(
                    "Synchronised fields of %s %s not pushed to %s: %s: %s",
                    model._meta.label,
                    instance.pk,
                    translation_id,
                    type(error).__name__,
                    error,
                )
                failed.append((translation_id, error))
    if failed:
        raise TranslationsNotSynchronised(
            "; ".join(f"{model._meta.label} {pk}: {type(e).__name__}: {e}" for pk, e in failed)
        )
    return changed


@retrying_task(queue_name=queues.TRANSLATIONS)
def push_snippet_translations(model_label, pk):
    """The task: push the synchronised fields of a saved source snippet."""
    model = apps.get_model(model_label)
    instance = model.objects.filter(pk=pk).first()
    if instance is None:  # deleted since
        return []
    return [translation.pk for translation in push_snippet(instance)]


def schedule_snippet_push(instance):
    """Push a saved snippet's synchronised fields in the task worker, once committed."""
    if _pushing.get() or not sync_enabled() or isinstance(instance, DraftStateMixin):
        return
    model_label, pk = instance._meta.label, instance.pk

    def enqueue():
        try:
            push_snippet_translations.enqueue(model_label, pk)
        except Exception:
            logger.exception("The push of %s %s to translations was not queued", model_label, pk)

    transaction.on_commit(enqueue)
