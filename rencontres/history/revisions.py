"""Reading revisions: one revision's stored content (the JSON Wagtail keeps) as lines
of text per public field, plus the fields it holds that the model no longer has.

A rencontre's dates are written in its département's time zone *as the revision had
it*: the revision's département is resolved with the other references, and its zone
comes from the same helper as the page's (:func:`rencontres.models.geography.zone_of`).
"""

import json

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from modelcluster.fields import ParentalKey
from wagtail.fields import RichTextField, StreamField

from ..text import html_lines, plain_lines
from .lines import raw_lines, stream_lines
from .references import Lazy
from .text import format_date, format_datetime_in, yes_no


class _Missing:
    def __repr__(self):
        return "MISSING"

    def __bool__(self):
        return False


#: A field the revision does not hold (saved before the field existed).
MISSING = _Missing()


class RevisionReader:
    """Turns one revision's content (the JSON Wagtail stores) into text lines per field."""

    def __init__(self, model, specs, resolver, known_keys):
        self.model = model
        self.specs = specs
        self.resolver = resolver
        self.known_keys = known_keys
        self.tz_field = self._find_tz_field(model)
        self._memo = {}

    @staticmethod
    def _find_tz_field(model):
        """The model's ``departement``, when it names a model with a time zone."""
        try:
            model_field = model._meta.get_field("departement")
        except FieldDoesNotExist:
            return None
        if model_field.is_relation and hasattr(model_field.related_model, "zoneinfo"):
            return model_field
        return None

    def read(self, content):
        """``({field name: [line, …] or MISSING}, {removed field name: [line, …]})``.

        Successive revisions mostly hold the same values: each distinct raw value of a
        field is turned into lines once (and the same list object is returned).
        """
        tz_raw = None
        tz_ref = None
        if self.tz_field is not None and self.tz_field.name in content:
            tz_raw = content[self.tz_field.name]
            tz_ref = self.resolver.ref(self.tz_field.related_model, tz_raw)
        values = {}
        for spec in self.specs:
            if spec.name not in content:
                values[spec.name] = MISSING
                continue
            raw = content[spec.name]
            depends_on_tz = isinstance(spec.model_field, models.DateTimeField)
            key = (spec.name, _hashable(raw), _hashable(tz_raw) if depends_on_tz else None)
            lines = self._memo.get(key)
            if lines is None:
                lines = self._memo[key] = self.field_lines(spec, raw, tz_ref)
            values[spec.name] = lines
        removed = {}
        for name, raw in content.items():
            if name in self.known_keys:
                continue
            key = ("removed", name, _hashable(raw))
            lines = self._memo.get(key)
            if lines is None:
                lines = self._memo[key] = raw_lines(raw)
            removed[name] = lines
        return values, removed

    def field_lines(self, spec, raw, tz_ref):
        if spec.relation is not None:
            return self.child_lines(spec.relation, raw)
        model_field = spec.model_field
        if raw in (None, ""):
            return []
        if isinstance(model_field, StreamField):
            return stream_lines(model_field.stream_block, raw, self.resolver)
        if isinstance(model_field, RichTextField):
            return html_lines(raw)
        if model_field.choices:
            choices = dict(model_field.flatchoices)
            return [str(choices.get(raw, raw))]
        if model_field.is_relation:
            ref = self.resolver.ref(model_field.related_model, raw)
            return [ref] if ref is not None else []
        if isinstance(model_field, models.DateTimeField):
            value = parse_datetime(raw) if isinstance(raw, str) else raw
            if value is None:
                return [str(raw)]
            if tz_ref is None:
                return [format_datetime_in(value, None)]
            # In the zone of the revision's département, once it is loaded.
            return [Lazy(lambda value=value, ref=tz_ref: format_datetime_in(value, ref.object))]
        if isinstance(model_field, models.DateField):
            value = parse_date(raw) if isinstance(raw, str) else raw
            return [format_date(value) if value else str(raw)]
        if isinstance(model_field, models.BooleanField):
            return [yes_no(raw)]
        if isinstance(model_field, (models.DecimalField, models.FloatField, models.IntegerField)):
            try:
                return [formats.number_format(model_field.to_python(raw))]
            except ValidationError:
                return [str(raw)]
        if isinstance(raw, str):
            return plain_lines(raw)
        return raw_lines(raw)

    def child_lines(self, related_model, raw):
        """One line per child object (e.g. an organiser's name), in their order."""
        if not isinstance(raw, list):
            return raw_lines(raw)
        children = sorted(
            (child for child in raw if isinstance(child, dict)),
            key=lambda child: (child.get("sort_order") is None, child.get("sort_order") or 0),
        )
        lines = []
        shown = [
            f
            for f in related_model._meta.concrete_fields
            if f.editable
            and not isinstance(f, ParentalKey)
            and not f.primary_key
            and f.name != "sort_order"
        ]
        for child in children:
            parts = []
            for child_field in shown:
                value = child.get(child_field.name, child.get(child_field.attname))
                if value in (None, ""):
                    continue
                if child_field.is_relation:
                    parts.append(self.resolver.ref(child_field.related_model, value))
                else:
                    parts.append(value)
            if parts:
                lines.append(Lazy(lambda parts=parts: " – ".join(str(part) for part in parts)))
        return lines


def _hashable(raw):
    if raw is None or isinstance(raw, (str, int, float, bool)):
        return raw
    return json.dumps(raw, sort_keys=True, default=str)


def finaliser():
    """Turns the lines :meth:`RevisionReader.read` returned into tuples of text, once per
    distinct list of lines (call it after the resolver has loaded the references)."""
    done = {}

    def text(lines):
        key = id(lines)
        if key not in done:
            done[key] = (lines, tuple(str(line) for line in lines))
        return done[key][1]

    def finalise(values, removed):
        return (
            {name: (lines if lines is MISSING else text(lines)) for name, lines in values.items()},
            {name: text(lines) for name, lines in removed.items()},
        )

    return finalise
