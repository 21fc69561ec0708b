"""Checks of the import: validating a page before writing it, what changed, readable
values of a conflict."""

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils import timezone

from ..dates import format_day, format_time
from ..exports import stream_to_text
from ..models import RencontrePage
from .report import FieldConflict, field_label
from .writer import STREAM_FIELDS


def _block_error_messages(error, prefix=""):
    """Flat, readable messages of a (StreamField) ValidationError."""
    messages = []
    block_errors = getattr(error, "block_errors", None)
    if block_errors:
        for key, child in block_errors.items():
            label = f"{prefix}{key + 1 if isinstance(key, int) else key} › "
            messages.extend(_block_error_messages(child, label))
        for child in getattr(error, "non_block_errors", []) or []:
            messages.extend(_block_error_messages(child, prefix))
        return messages
    if hasattr(error, "error_list") or hasattr(error, "error_dict"):
        return [f"{prefix}{message}" for message in error.messages]
    return [f"{prefix}{error}"]


#: Fields Wagtail copies from another (``draft_title`` from ``title``): their errors
#: repeat that field's, under a label Wagtail leaves in English (« draft title »).
COPIED_FIELDS = frozenset({"draft_title"})


def validation_reasons(error):
    if hasattr(error, "error_dict"):
        reasons = []
        for name, errors in error.error_dict.items():
            if name in COPIED_FIELDS:
                continue
            for item in errors:
                for message in _block_error_messages(item):
                    if name == NON_FIELD_ERRORS:
                        reasons.append(message)
                    else:
                        reasons.append(f"{field_label(name)} : {message}")
        return reasons
    return _block_error_messages(error)


def validate_page(page, *, check_slug=False):
    """What the admin would refuse: field validators, the page's ``clean()`` and its
    StreamField blocks. Foreign keys come from the database already (no per-page
    query); the slug is unique by construction unless ``check_slug``."""
    exclude = [f.name for f in page._meta.concrete_fields if f.is_relation] + [
        "path",
        "depth",
        "numchild",
        "url_path",
        "translation_key",
    ]
    try:
        page.clean_fields(exclude=exclude)
        if not check_slug:
            # Slugs come from SlugAllocator, which knows every sibling.
            page._check_slug_is_unique = lambda: None
        try:
            page.clean()
        finally:
            page.__dict__.pop("_check_slug_is_unique", None)
        errors = {}
        for name in ("description", "report"):
            value = getattr(page, name)
            try:
                value.stream_block.clean(value)
            except ValidationError as error:
                errors[name] = [error]
        if errors:
            raise ValidationError(errors)
    except ValidationError as error:
        return validation_reasons(error)
    return []


def diff_fields(current, new, imported, written):
    """(fields to update, conflicting fields) of a page given the values' fingerprints:
    ``current`` here, ``new`` from Decidim, ``imported`` and ``written`` at the last
    import. Also records in ``written`` the fields already equal to Decidim's."""
    changes, conflicts = [], []
    for name, new_value in new.items():
        current_value = current[name]
        if current_value == new_value:
            written[name] = current_value
            continue
        if name in imported and imported[name] == new_value:
            continue  # unchanged in Decidim; the page differs because of an editor
        if name in written and written[name] == current_value:
            changes.append(name)
        else:
            conflicts.append(name)
    return changes, conflicts


def display_value(page, name, value):
    """A field's value as staff read it (a choice's label, a date in the rencontre's
    local time, a description as text); "" when empty. ``page`` gives the time zone."""
    if value is None or value == "" or value == []:
        return ""
    if name in STREAM_FIELDS:
        if not hasattr(value, "raw_data"):
            value = RencontrePage._meta.get_field(name).to_python(value)
        return stream_to_text(value)
    if name in ("start", "end", "registration_deadline"):
        local = timezone.localtime(value, page.tzinfo)
        return f"{format_day(local)}, {format_time(local)}"
    try:
        model_field = RencontrePage._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def conflict_values(page, new_values, names):
    """The :class:`FieldConflict` of ``names``: the value on ``page`` (here) and in
    ``new_values`` (from Decidim)."""
    return [
        FieldConflict(
            name,
            field_label(name),
            display_value(page, name, getattr(page, name)),
            display_value(page, name, new_values[name]),
        )
        for name in names
    ]
