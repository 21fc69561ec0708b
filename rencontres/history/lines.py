"""Stored (raw, JSON) values as lines of readable text: the one text of the content
(:mod:`rencontres.text`) that the exports, the calendars and the search index read too.

A revision may hold block types or struct children the code no longer has, which are
kept as a note and the texts they held, so these functions read the raw data a
revision stores. A section, a quotation or rich text (blocks that read themselves
with no query) is turned into its block value and asked for its ``text_lines``, the
same method the other consumers call; images, documents and other chosen objects are
read here, their references resolved in bulk for every revision at once.
"""

import json

from django.utils.dateparse import parse_date, parse_datetime
from wagtail import blocks

from ..text import BULLET, html_lines, labelled, plain_lines
from .references import Lazy
from .text import (
    format_date,
    format_datetime,
    removed_block_note,
    removed_field_note,
    yes_no,
)


def raw_lines(value):
    """Every text a raw (JSON) value holds, one per line: what a removed block or field held."""
    lines = []
    if value is None or isinstance(value, bool):
        return lines
    if isinstance(value, dict):
        is_block = "type" in value and "value" in value
        for key, item in value.items():
            if key == "id" or (is_block and key == "type"):
                continue
            lines += raw_lines(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            lines += raw_lines(item)
    elif isinstance(value, str):
        if "<" in value and ">" in value:
            lines += html_lines(value)
        else:
            lines += [line.strip() for line in value.splitlines() if line.strip()]
    else:
        lines.append(str(value))
    return lines


def load_stream_data(raw):
    """The list of raw blocks of a StreamField value as stored (a JSON string or a list)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else []
        except ValueError:
            return None  # text that was never a stream: shown as text
    return raw if isinstance(raw, list) else None


def stream_lines(stream_block, raw, resolver):
    """Readable lines of a stream: sections as heading + ``•item`` lines, text, media.

    Blocks whose type the StreamBlock no longer knows are kept, as a note and the
    texts they held.
    """
    data = load_stream_data(raw)
    if data is None:
        return raw_lines(raw)
    lines = []
    for child in data:
        if not isinstance(child, dict) or "type" not in child:
            lines += raw_lines(child)
            continue
        block = stream_block.child_blocks.get(child["type"])
        value = child.get("value")
        if block is None:
            lines.append(removed_block_note(child["type"]))
            lines += raw_lines(value)
            continue
        lines += block_lines(block, value, resolver)
    return lines


def _holds_chooser(block):
    if isinstance(block, blocks.ChooserBlock):
        return True
    if isinstance(block, blocks.ListBlock):
        return _holds_chooser(block.child_block)
    children = getattr(block, "child_blocks", {})
    return any(_holds_chooser(child) for child in children.values())


def _reads_itself(block):
    """Whether ``block`` computes its own text from a value built with no query: it
    has ``text_lines`` and holds no chooser (a section, a quotation, rich text, an
    embed). Streams are read here, block by block, to keep their removed blocks."""
    return (
        hasattr(block, "text_lines")
        and not isinstance(block, blocks.StreamBlock)
        and not _holds_chooser(block)
    )


def _well_formed(block, raw):
    """Whether a struct's raw value has the shape its value needs (lists are lists,
    texts are texts); old or hand-edited data that does not is read as raw lines."""
    if not isinstance(raw, dict):
        return False
    for name, child in block.child_blocks.items():
        value = raw.get(name)
        if value is None:
            continue
        if isinstance(child, blocks.ListBlock):
            if not isinstance(value, list):
                return False
        elif not isinstance(value, str):
            return False
    return True


def value_lines(block, raw):
    """The lines a block's value computes (``text_lines``), built from its raw data;
    ``None`` when the history reads the raw data itself."""
    if not _reads_itself(block):
        return None
    if isinstance(block, blocks.StructBlock):
        if not _well_formed(block, raw):
            return None
        return block.to_python(raw).text_lines() + removed_children_lines(block, raw)
    if not isinstance(raw, str):
        return None
    return block.text_lines(block.to_python(raw))


def block_lines(block, raw, resolver):
    """Readable lines of one block's raw value."""
    lines = value_lines(block, raw)
    if lines is not None:
        return lines
    if isinstance(block, blocks.StructBlock):
        return struct_lines(block, raw, resolver)
    if isinstance(block, blocks.StreamBlock):
        return stream_lines(block, raw, resolver)
    if isinstance(block, blocks.ListBlock):
        return list_lines(block, raw, resolver)
    if raw in (None, "", [], {}):
        return []
    if isinstance(block, (blocks.RichTextBlock, blocks.RawHTMLBlock)):
        return html_lines(raw)
    if isinstance(block, (blocks.CharBlock, blocks.TextBlock)):
        return plain_lines(raw)
    if isinstance(block, blocks.ChooserBlock):
        ref = resolver.ref(block.model_class, raw)  # target_model may be "app.Model"
        if ref is None:
            return []
        return [Lazy(lambda ref=ref: labelled(block.label, ref))]
    if isinstance(block, blocks.ChoiceBlock):
        choices = dict(block.field.choices)
        text = str(choices.get(raw, raw))
    elif isinstance(block, blocks.BooleanBlock):
        text = yes_no(raw)
    elif isinstance(block, blocks.DateTimeBlock):
        value = parse_datetime(raw) if isinstance(raw, str) else None
        text = format_datetime(value) if value else str(raw)
    elif isinstance(block, blocks.DateBlock):
        value = parse_date(raw) if isinstance(raw, str) else None
        text = format_date(value) if value else str(raw)
    elif isinstance(raw, (str, int, float)):
        text = str(raw)
    else:
        return raw_lines(raw)
    return [labelled(block.label, text)]


def list_lines(block, raw, resolver):
    """``•item`` lines; items may be stored as plain values or as ``{type, value, id}``."""
    if not isinstance(raw, list):
        return raw_lines(raw)
    lines = []
    for item in raw:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            item = item["value"]
        item_lines = block_lines(block.child_block, item, resolver)
        if not item_lines:
            continue
        first = item_lines[0]
        lines.append(Lazy(lambda first=first: BULLET + str(first)))
        lines += item_lines[1:]
    return lines


def struct_lines(block, raw, resolver):
    """A struct's lines: its first child as is when it is text (a section's heading, a
    quotation), the other texts labelled (« Légende : … »), lists as bullets; children
    the struct no longer has are kept, with a note."""
    if not isinstance(raw, dict):
        return raw_lines(raw)
    lines = []
    first_name = next(iter(block.child_blocks), None)
    for name, child in block.child_blocks.items():
        if name not in raw:
            continue
        sub = block_lines(child, raw[name], resolver)
        if not sub:
            continue
        is_text = isinstance(
            child, (blocks.CharBlock, blocks.TextBlock, blocks.RichTextBlock)
        ) and not isinstance(child, (blocks.URLBlock, blocks.EmailBlock))
        if is_text and name == first_name:
            lines += sub
        elif is_text:
            first = sub[0]
            lines.append(Lazy(lambda first=first, label=child.label: labelled(label, first)))
            lines += sub[1:]
        else:
            lines += sub
    return lines + removed_children_lines(block, raw)


def removed_children_lines(block, raw):
    """What a struct's raw value holds for children the struct no longer has, each
    after a note."""
    lines = []
    for name, value in raw.items():
        if name not in block.child_blocks:
            held = raw_lines(value)
            if held:
                lines.append(removed_field_note(name))
                lines += held
    return lines
