"""Admin form of a rencontre: dates are entered in the rencontre's local time."""

import contextlib

from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import BlockField

from ..models.blocks import UnreadableStream
from ..models.bounds import is_within_wall_clock, out_of_bounds_message
from ..models.geography import zone_of
from .choosers import ChosenOrNoneImageChooser

#: Date-time fields an editor types in the local time of the rencontre's département.
LOCAL_TIME_FIELDS = ("start", "end", "registration_deadline")

CAPACITY_ERROR = _("Le nombre de places doit être positif.")
ROUTED_SLUG_ERROR = _(
    "« %(slug)s » est l’adresse d’une page de « %(index)s » (agenda, flux…) : la "
    "rencontre n’y serait jamais affichée. Choisissez un autre slug."
)


class StoredWhenUnreadableBlockField(BlockField):
    """A StreamField's form field that, when the post could not be read (the block's
    ``clean()`` says so, :class:`~rencontres.models.blocks.UnreadableStream`), shows the
    stored value again rather than an empty stream that a second save would store."""

    def bound_data(self, data, initial):
        return initial if isinstance(data, UnreadableStream) else data


class RencontrePageForm(WagtailAdminPageForm):
    """Shows and reads start, end and deadline in the département's time zone, within
    the years allowed (:mod:`rencontres.models.bounds`).

    Django interprets a typed date-time in the admin user's time zone; an editor
    in Paris preparing a rencontre in Nouméa types Nouméa's wall-clock time, so we
    re-read what was typed in the département's zone.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field) is BlockField:  # built by StreamField.formfield()
                field.__class__ = StoredWhenUnreadableBlockField
        image = self.fields.get("image")
        if image is not None and not isinstance(image.widget, ChosenOrNoneImageChooser):
            image.widget = ChosenOrNoneImageChooser(attrs=image.widget.attrs)
        local_zone = self.instance.tzinfo
        for name in LOCAL_TIME_FIELDS:
            value = self.initial.get(name)
            if value is not None and timezone.is_aware(value):
                # A year no zone can hold (stored before the bounds) is shown as stored.
                with contextlib.suppress(OverflowError):
                    self.initial[name] = timezone.make_naive(value, local_zone)
        capacity = self.fields.get("capacity")
        if capacity is not None:
            # One message for 0 and for a negative number, the model's.
            capacity.min_value = 1
            capacity.widget.attrs["min"] = 1
            capacity.validators = [
                *(v for v in capacity.validators if not isinstance(v, MinValueValidator)),
                MinValueValidator(1, CAPACITY_ERROR),
            ]

    def clean(self):
        cleaned_data = super().clean()
        self._check_slug_is_not_routed(cleaned_data.get("slug"))
        departement = cleaned_data.get("departement")
        local_zone = zone_of(departement)
        current_zone = timezone.get_current_timezone()
        for name in LOCAL_TIME_FIELDS:
            value = cleaned_data.get(name)
            if value is None or name not in self.fields:
                continue
            # Checked as typed, before any conversion (year 1 or 9999 would overflow).
            if not is_within_wall_clock(value):
                self.add_error(name, out_of_bounds_message())
                continue
            wall_clock = timezone.make_naive(value, current_zone)
            cleaned_data[name] = timezone.make_aware(wall_clock, local_zone)
            setattr(self.instance, name, cleaned_data[name])
        return cleaned_data

    def _check_slug_is_not_routed(self, slug):
        parent = getattr(self, "parent_page", None)
        parent = parent.specific_deferred if parent is not None else None
        if slug and hasattr(parent, "routes_slug") and parent.routes_slug(slug):
            index = parent.get_admin_display_title()
            self.add_error("slug", ROUTED_SLUG_ERROR % {"slug": slug, "index": index})
