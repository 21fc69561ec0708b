"""Translations of imported rencontres, through wagtail-localize.

An English value in a Decidim export becomes the English translation of the page the
way a translator's work would: the French page is the translation source
(``TranslationSource``), each English string is stored as the translation of the
matching French segment (``StringTranslation``, ``tool_name="Decidim"``), and
``create_or_update_translation`` writes and publishes the English page. Editors then
see and change it in wagtail-localize's translation editor like any other.

Segments are matched by their place in the page: the French block ids are given to the
English blocks of the same type, in order, and list items are paired by position when
both lists have as many items. A string without an English counterpart keeps its
current translation, or the French text (wagtail-localize's fallback).
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Locale, Page
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from .html import new_id

TOOL_NAME = "Decidim"


def get_locale(language_code):
    locale, _ = Locale.objects.get_or_create(language_code=language_code)
    return locale


def ensure_translated_ancestors(page, locale):
    """Translate the page's ancestors (index, home…) that have no ``locale`` version yet,
    each in its own transaction, parents first (a translated child needs its parent)."""
    for ancestor in page.get_ancestors(inclusive=True).filter(depth__gt=1).specific():
        if ancestor.get_translations().filter(locale=locale).exists():
            continue
        source, _ = TranslationSource.get_or_create_from_instance(ancestor)
        with transaction.atomic():
            _write_translation(source, locale, copy_parent_pages=True)


def _aligned_stream(source_raw, translated_raw):
    """The translated blocks given the ids of the source blocks of the same type."""
    by_type = defaultdict(list)
    for block in translated_raw:
        by_type[block["type"]].append(block)
    aligned = []
    for block in source_raw:
        candidates = by_type.get(block["type"])
        if not candidates:
            continue
        translated = candidates.pop(0)
        value = translated["value"]
        if isinstance(value, dict) and isinstance(block["value"], dict):
            value = dict(value)
            source_items = block["value"].get("items") or []
            items = value.get("items") or []
            if len(items) == len(source_items):
                value["items"] = [
                    {
                        "type": "item",
                        "value": item["value"] if isinstance(item, dict) else item,
                        "id": source.get("id") if isinstance(source, dict) else new_id(),
                    }
                    for item, source in zip(items, source_items, strict=True)
                ]
            else:
                # Not the same list any more (one side was edited): pairing items by
                # position would mistranslate; they keep their current translations.
                value["items"] = []
        aligned.append({"type": block["type"], "value": value, "id": block["id"]})
    return aligned


def _shadow(source_page, values):
    """An unsaved copy of the source page holding the translated values, for
    extracting its segments in the same places as the source's."""
    shadow = source_page.__class__()
    for field in source_page._meta.concrete_fields:
        setattr(shadow, field.attname, getattr(source_page, field.attname))
    for name, value in values.items():
        if name in ("description", "report"):
            source_raw = list(getattr(source_page, name).raw_data)
            setattr(shadow, name, _aligned_stream(source_raw, value))
        else:
            setattr(shadow, name, value)
    if values.get("title"):
        shadow.slug = slugify(values["title"])[:SLUG_LENGTH].strip("-") or source_page.slug
    return shadow


SLUG_LENGTH = 200


def validate_values(model, values):
    """What the page would refuse, checked before wagtail-localize writes anything: a
    value longer than its column is a database error there, not a validation error."""
    errors = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        try:
            if name in ("description", "report"):
                field.stream_block.clean(field.stream_block.to_python(value))
            else:
                field.clean(value, None)
        except ValidationError as error:
            errors[name] = error.error_list
    if errors:
        raise ValidationError(errors)


def translate_page(source_page, locale, values, fields=None, user=None):
    """Create or update the ``locale`` translation of ``source_page`` with ``values``
    (``{field: value}``; ``fields`` limits which ones are written, the others keep their
    current translation). Returns the translated page, published."""
    validate_values(type(source_page), values)
    source, _ = TranslationSource.update_or_create_from_instance(source_page)
    Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    fields = set(values) if fields is None else set(fields)
    if "title" in fields:
        fields.add("slug")
    wanted = defaultdict(list)
    for segment in extract_segments(_shadow(source_page, values)):
        if isinstance(segment, StringSegmentValue):
            wanted[segment.path].append(segment.string.data)
    source_segments = (
        StringSegment.objects.filter(source=source)
        .select_related("context", "string")
        .order_by("order")
    )
    seen = defaultdict(int)
    for segment in source_segments:
        path = segment.context.path
        field_name = path.split(".", 1)[0]
        index = seen[path]
        seen[path] += 1
        if field_name not in fields:
            continue
        candidates = wanted.get(path) or []
        if index >= len(candidates) or not candidates[index].strip():
            continue
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": candidates[index],
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                "tool_name": TOOL_NAME,
                "last_translated_by": user,
                "has_error": False,
                "field_error": "",
            },
        )
    return _write_translation(source, locale, user=user)


def _write_translation(source, locale, user=None, copy_parent_pages=False):
    """Write the translation and publish it now, in the current transaction.

    wagtail-localize's ``publish=True`` publishes when the transaction commits, from a
    page object saved before: when several pages are written in one transaction (tests,
    a caller's atomic block) that stale copy overwrites the tree counters of the parent
    translated meanwhile, and its children are no longer found (404 under /en/).
    """
    page, _created = source.create_or_update_translation(
        locale, user=user, publish=False, fallback=True, copy_parent_pages=copy_parent_pages
    )
    Page.objects.get(pk=page.pk).specific.get_latest_revision().publish(
        user=user, skip_permission_checks=True
    )
    return page


def translation_of(page, locale):
    """The ``locale`` version of ``page`` (specific, latest revision if it has a draft)."""
    translated = (
        Page.objects.filter(translation_key=page.translation_key, locale=locale).specific().first()
    )
    if translated is not None and translated.has_unpublished_changes:
        translated = translated.get_latest_revision_as_object()
    return translated
