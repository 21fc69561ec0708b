"""Which fields of a page the history shows, with their labels, and which keys of a
revision's content are fields the model still has."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import ForeignObjectRel
from django.utils.text import capfirst
from modelcluster.fields import ParentalKey
from wagtail.models import Page
from wagtail_localize.fields import TranslatableField, get_translatable_fields

# Page fields that are publishing machinery, not content.
_PAGE_FIELDS_SHOWN = ("title",)

# Revision content keys that are not fields and never content.
_NON_FIELD_KEYS = frozenset({"pk", "comments", "wagtail_admin_comments"})


@dataclass(frozen=True)
class FieldSpec:
    """A field of a page compared by the history: its name, label and kind."""

    name: str
    label: object
    translatable: bool
    model_field: object = None
    relation: object = None  # for child relations: the ParentalKey's related model


def _translatable_names(model):
    return {
        spec.field_name
        for spec in get_translatable_fields(model)
        if isinstance(spec, TranslatableField)
    }


def history_fields(model):
    """The public fields of ``model`` compared by the history, in display order.

    A page model may list them in a ``history_fields`` attribute; by default they are
    the title, every editable field the model itself declares (not Wagtail's publishing
    fields) and its child relations (e.g. the organisers).
    """
    translatable = _translatable_names(model)
    names = getattr(model, "history_fields", None)
    if names is None:
        names = _default_names(model)
    specs = []
    for name in names:
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        relation = None
        if model_field is None or isinstance(model_field, ForeignObjectRel):
            relation = _child_relation(model, name)
            if relation is None:
                continue
            label = capfirst(relation._meta.verbose_name_plural)
            specs.append(FieldSpec(name, label, name in translatable, None, relation))
            continue
        label = capfirst(model_field.verbose_name)
        specs.append(FieldSpec(name, label, name in translatable, model_field))
    return specs


def _default_names(model):
    """The title, the model's own editable fields, then its child relations."""
    names = list(_PAGE_FIELDS_SHOWN)
    page_fields = {f.name for f in Page._meta.get_fields()}
    for model_field in model._meta.get_fields():
        if model_field.name in page_fields or model_field.name in names:
            continue
        if getattr(model_field, "auto_created", False) and not model_field.is_relation:
            continue
        if isinstance(model_field, models.Field) and model_field.editable:
            if (
                isinstance(model_field, models.OneToOneField)
                and model_field.remote_field.parent_link
            ):
                continue
            names.append(model_field.name)
    for relation in model._meta.related_objects:
        # Child relations (not Wagtail's own, such as admin comments).
        if (
            isinstance(relation.field, ParentalKey)
            and relation.related_model._meta.app_label != "wagtailcore"
        ):
            names.append(relation.get_accessor_name())
    return names


def _child_relation(model, name):
    for relation in model._meta.related_objects:
        if relation.get_accessor_name() == name and isinstance(relation.field, ParentalKey):
            return relation.related_model
    return None


def known_keys(model):
    """Every key of a revision's content that ``model`` knows (fields, their attnames,
    relations); any other key is a field removed or renamed since the revision."""
    keys = set(_NON_FIELD_KEYS)
    for model_field in model._meta.get_fields():
        keys.add(model_field.name)
        if isinstance(model_field, ForeignObjectRel):
            keys.add(model_field.get_accessor_name())
        if getattr(model_field, "attname", None):
            keys.add(model_field.attname)
    return keys
