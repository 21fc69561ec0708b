"""Hands our comparison classes to Wagtail, for this app's fields only."""

from django.db import models
from wagtail.admin import compare
from wagtail.fields import StreamField

from .scalars import (
    BooleanComparison,
    DateComparison,
    LocalDateTimeComparison,
    NumberComparison,
)
from .streams import StreamComparison

#: Apps whose fields get our comparisons: ours, and Wagtail's page fields (go-live
#: dates, menus). Other apps keep Wagtail's defaults.
APP_LABELS = frozenset({"rencontres", "wagtailcore"})


def _scoped(ours, default=None):
    """A registry entry giving ``ours`` for this app's (and Page's) fields, else ``default``."""

    def choose(field):
        if field.model._meta.app_label in APP_LABELS:
            return ours
        return default

    return choose


def register():
    """Register the comparison classes (called once, from ``wagtail_hooks``)."""
    registry = compare.comparison_class_registry
    for field_class, ours in (
        (models.DateTimeField, LocalDateTimeComparison),
        (models.DateField, DateComparison),
        (models.DecimalField, NumberComparison),
        (models.IntegerField, NumberComparison),
        (models.FloatField, NumberComparison),
        (models.BooleanField, BooleanComparison),
        (StreamField, StreamComparison),
    ):
        default = registry.values_by_class.get(field_class)
        if getattr(default, "rencontres_scoped", False):
            continue  # already registered (module imported twice)
        chooser = _scoped(ours, default)
        chooser.rencontres_scoped = True
        compare.register_comparison_class(field_class, comparison_class=chooser)
