"""Admin form of a rencontre: dates are entered in the rencontre's local time."""

import contextlib

from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from ..models.bounds import is_within_wall_clock, out_of_bounds_message
from ..models.geography import zone_of

#: Date-time fields an editor types in the local time of the rencontre's département.
LOCAL_TIME_FIELDS = ("start", "end", "registration_deadline")

CAPACITY_ERROR = _("Le nombre de places doit être positif.")


class RencontrePageForm(WagtailAdminPageForm):
    """Shows and reads start, end and deadline in the département's time zone, within
    the years allowed (:mod:`rencontres.models.bounds`).

    Django interprets a typed date-time in the admin user's time zone; an editor
    in Paris preparing a rencontre in Nouméa types Nouméa's wall-clock time, so we
    re-read what was typed in the département's zone.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
