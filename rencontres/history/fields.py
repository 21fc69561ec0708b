"""Which fields of a page the history shows (the ones its model declares public), with
their labels, and which keys of a revision's content are fields the model still has."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignObjectRel
from django.utils.text import capfirst
from modelcluster.fields import ParentalKey
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


#: The attribute of a page model that lists its public fields.
PUBLIC_FIELDS_ATTRIBUTE = "public_history_fields"


def declared_names(model):
    """The names ``model`` declares public (``public_history_fields``), or just the
    title for a model that declares none."""
    names = getattr(model, PUBLIC_FIELDS_ATTRIBUTE, None)
    return list(names) if names is not None else list(_PAGE_FIELDS_SHOWN)


def history_fields(model):
    """The public fields of ``model`` compared by the history, in display order.

    A page model lists them in ``public_history_fields`` (field names, and child
    relations such as ``organisers``); a model that lists none shows its title only.
    The list is explicit on purpose: a field added to the model later is not public
    until it is listed, and a field taken off the list (one that turned out to hold
    personal data) disappears from every past version of the public history, its API
    and the publication log's readers. A listed name the model does not have is
    ignored (a field removed from the code: only the admin's « Comparer » shows it).
    """
    translatable = _translatable_names(model)
    specs = []
    for name in declared_names(model):
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
