"""Objects that revisions reference (départements, organisations, images, pages…),
loaded in bulk: one query per model for all the revisions of a page.

Reading a revision asks the :class:`Resolver` for a :class:`Ref` to each object it names;
lines that need those objects are :class:`Lazy`, turned into text once
:meth:`Resolver.resolve` has run.
"""

from django.core.exceptions import ValidationError
from wagtail.models import Page

from .text import missing_object_text


class Resolver:
    """Collects the objects that revisions reference, then loads them in one query per model."""

    def __init__(self):
        self.wanted = {}
        self.objects = {}

    def ref(self, model, pk):
        if pk in (None, ""):
            return None
        if isinstance(pk, dict):  # a chooser value stored as an object in old data
            pk = pk.get("id") or pk.get("pk")
            if pk is None:
                return None
        model = model._meta.concrete_model
        self.wanted.setdefault(model, set()).add(pk)
        return Ref(self, model, pk)

    def resolve(self):
        for model, pks in self.wanted.items():
            done = self.objects.setdefault(model, {})
            missing = {pk for pk in pks if pk not in done}
            if not missing:
                continue
            try:
                found = model._default_manager.in_bulk(list(missing))
            except (ValueError, TypeError, ValidationError):
                found = {}
            for pk, obj in found.items():
                done[pk] = obj
                done[str(pk)] = obj
        self.wanted = {}

    def get(self, model, pk):
        found = self.objects.get(model, {})
        return found.get(pk) if pk in found else found.get(str(pk))


class Ref:
    """A referenced object, shown by its ``str()`` once the resolver has loaded it."""

    def __init__(self, resolver, model, pk):
        self.resolver = resolver
        self.model = model
        self.pk = pk

    @property
    def object(self):
        return self.resolver.get(self.model, self.pk)

    def __str__(self):
        obj = self.object
        if obj is None:
            return missing_object_text(self.pk)
        if isinstance(obj, Page):
            return obj.title
        return str(obj)


class Lazy:
    """A line computed once the references are resolved."""

    def __init__(self, func):
        self.func = func

    def __str__(self):
        return str(self.func())
