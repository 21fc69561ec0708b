"""A StreamField in the admin comparison, block by block, from the data as stored:
blocks titled with their labels, list items as a list, each added, removed or changed
block or item marked, and block types or struct children removed from the code shown
as the text they held."""

import json

from django.db import models
from django.db.models.functions import Cast
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.admin import compare

from ..lines import raw_lines


def _marker(kind):
    """Words for screen readers beside Wagtail's colours: « Ajouté : », « Supprimé : »."""
    text = _("Ajouté :") if kind == "addition" else _("Supprimé :")
    return format_html('<span class="w-sr-only">{} </span>', text)


class RemovedBlock:
    """Stands for a block type that a stored stream holds but the StreamBlock no longer has."""

    def __init__(self, type_name):
        self.name = type_name
        self.label = _("Bloc supprimé (« %(type)s »)") % {"type": type_name}

    def get_comparison_class(self):
        return RemovedBlockComparison


class Child:
    """One block of a stream or list: its id, its block (or a RemovedBlock) and value."""

    def __init__(self, block_id, block, value, removed_children=None):
        self.id = block_id
        self.block = block
        self.value = value
        self.removed_children = removed_children or {}


def comparison_class_for(block):
    """Our comparison classes for containers, Wagtail's for the rest."""
    if isinstance(block, RemovedBlock):
        return RemovedBlockComparison
    if hasattr(block, "get_comparison_class"):
        return block.get_comparison_class()
    if isinstance(block, blocks.StructBlock):
        return StructComparison
    if isinstance(block, blocks.ListBlock):
        return ListComparison
    if isinstance(block, blocks.StreamBlock):
        return NestedStreamComparison
    return compare.get_comparison_class_for_block(block)


def _match(children_a, children_b):
    """Pairs ``(child_a or None, child_b or None)`` matched by id, in the new order, each
    removed child placed after the child that preceded it."""
    by_id_b = {child.id for child in children_b if child.id}
    by_id_a = {child.id: child for child in children_a if child.id}
    use_ids = bool(by_id_a) and bool(by_id_b)
    pairs = []
    if use_ids:
        for child in children_b:
            pairs.append((by_id_a.get(child.id), child))
        # Removed children, inserted after their previous surviving sibling.
        for index, child in enumerate(children_a):
            if child.id in by_id_b:
                continue
            position = 0
            for earlier in reversed(children_a[:index]):
                if earlier.id in by_id_b:
                    position = (
                        next(
                            i
                            for i, (_a, b) in enumerate(pairs)
                            if b is not None and b.id == earlier.id
                        )
                        + 1
                    )
                    break
            while position < len(pairs) and pairs[position][1] is None:
                position += 1
            pairs.insert(position, (child, None))
        return pairs
    # Old data without ids: by position.
    for index in range(max(len(children_a), len(children_b))):
        a = children_a[index] if index < len(children_a) else None
        b = children_b[index] if index < len(children_b) else None
        if a is not None and b is not None and type(a.block) is not type(b.block):
            pairs += [(a, None), (None, b)]
        else:
            pairs.append((a, b))
    return pairs


def _make(child_a, child_b):
    block = (child_b or child_a).block
    comparison = comparison_class_for(block)(
        block,
        child_a is not None,
        child_b is not None,
        child_a.value if child_a is not None else None,
        child_b.value if child_b is not None else None,
    )
    comparison.removed_a = child_a.removed_children if child_a is not None else {}
    comparison.removed_b = child_b.removed_children if child_b is not None else {}
    return comparison


def _wrap(comparison, html, title=None):
    classes = ["comparison__child-object"]
    prefix = ""
    if comparison.is_new():
        classes.append("addition")
        prefix = _marker("addition")
    elif comparison.is_deleted():
        classes.append("deletion")
        prefix = _marker("deletion")
    heading = format_html("<strong>{}</strong>", title) if title else ""
    return format_html('<div class="{}">{}{}{}</div>', " ".join(classes), prefix, heading, html)


def _render_pair(comparison):
    if comparison.is_new():
        return comparison.htmlvalue(comparison.val_b)
    if comparison.is_deleted():
        return comparison.htmlvalue(comparison.val_a)
    if comparison.has_changed():
        return comparison.htmldiff()
    return comparison.htmlvalue(comparison.val_a)


class RemovedBlockComparison(compare.BlockComparison):
    """A block of a type removed from the code: the texts it held, with a note."""

    def htmlvalue(self, val):
        lines = raw_lines(val)
        return format_html(
            '<p class="help-block help-warning">{}</p><p>{}</p>',
            _("Ce type de bloc n’existe plus ; voici le texte qu’il contenait."),
            format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)),
        )

    def htmldiff(self):
        return format_html(
            '<p class="help-block help-warning">{}</p>{}',
            _("Ce type de bloc n’existe plus ; voici le texte qu’il contenait."),
            compare.diff_text(
                "\n".join(raw_lines(self.val_a)), "\n".join(raw_lines(self.val_b))
            ).to_html(),
        )


class StructComparison(compare.BlockComparison):
    """A struct as a definition list of its children; list children as real lists."""

    removed_a = {}
    removed_b = {}

    def _child(self, name, block, exists_a, exists_b, val_a, val_b):
        return comparison_class_for(block)(block, exists_a, exists_b, val_a, val_b)

    def _removed_rows(self, diff):
        rows = []
        for name in sorted(set(self.removed_a) | set(self.removed_b)):
            label = _("Champ supprimé (« %(name)s »)") % {"name": name}
            before = "\n".join(raw_lines(self.removed_a.get(name)))
            after = "\n".join(raw_lines(self.removed_b.get(name)))
            if diff:
                rows.append((label, compare.diff_text(before, after).to_html()))
            else:
                rows.append((label, escape(after or before)))
        return rows

    def htmlvalue(self, val):
        rows = []
        for name, block in self.block.child_blocks.items():
            value = val[name] if val is not None else None
            if value in (None, "", []):
                continue
            child = self._child(name, block, True, True, value, value)
            rows.append((block.label, child.htmlvalue(value)))
        rows += self._removed_rows(diff=False)
        return format_html(
            '<dl class="comparison__list">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
        )

    def htmldiff(self):
        rows = []
        for name, block in self.block.child_blocks.items():
            val_a = self.val_a[name] if self.val_a is not None else None
            val_b = self.val_b[name] if self.val_b is not None else None
            if val_a in (None, "", []) and val_b in (None, "", []):
                continue
            child = self._child(name, block, self.exists_a, self.exists_b, val_a, val_b)
            rows.append(
                (block.label, child.htmldiff() if child.has_changed() else child.htmlvalue(val_b))
            )
        rows += self._removed_rows(diff=True)
        return format_html(
            '<dl class="comparison__list">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
        )

    def has_changed(self):
        return self.val_a != self.val_b or self.removed_a != self.removed_b


class ListComparison(compare.BlockComparison):
    """A list block as a list: each item added, removed or changed is marked."""

    def _children(self, value):
        if value is None:
            return []
        bound = getattr(value, "bound_blocks", None)
        if bound is None:
            return [Child(None, self.block.child_block, item) for item in value]
        return [
            Child(getattr(item, "original_id", None) and item.id, item.block, item.value)
            for item in bound
        ]

    def htmlvalue(self, val):
        items = []
        for child in self._children(val):
            comparison = comparison_class_for(child.block)(
                child.block, True, True, child.value, child.value
            )
            items.append((comparison.htmlvalue(child.value),))
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", items))

    def htmldiff(self):
        items = []
        for child_a, child_b in _match(self._children(self.val_a), self._children(self.val_b)):
            comparison = _make(child_a, child_b)
            classes = ""
            prefix = ""
            if comparison.is_new():
                classes, prefix = "addition", _marker("addition")
            elif comparison.is_deleted():
                classes, prefix = "deletion", _marker("deletion")
            items.append((classes, prefix, _render_pair(comparison)))
        return format_html("<ul>{}</ul>", format_html_join("", '<li class="{}">{}{}</li>', items))


class NestedStreamComparison(compare.BlockComparison):
    """A StreamBlock inside a block: its children titled with their labels."""

    def _children(self, value):
        if value is None:
            return []
        return [Child(child.id, child.block, child.value) for child in value]

    def htmlvalue(self, val):
        return mark_safe(  # noqa: S308 - built from format_html parts
            "".join(
                _wrap(_make(child, child), _render_pair(_make(child, child)), child.block.label)
                for child in self._children(val)
            )
        )

    def htmldiff(self):
        parts = []
        for child_a, child_b in _match(self._children(self.val_a), self._children(self.val_b)):
            comparison = _make(child_a, child_b)
            parts.append(
                _wrap(comparison, _render_pair(comparison), (child_b or child_a).block.label)
            )
        return mark_safe("".join(parts))  # noqa: S308 - built from format_html parts


def stored_stream(field, obj):
    """The raw blocks of ``field`` as stored for ``obj``, unknown block types included.

    A revision's object carries its stored content (``revision_content``, set by the
    page's ``with_content_json``); the live page is read from the database; anything
    else falls back to the value's raw data (known blocks only).
    """
    content = getattr(obj, "revision_content", None)
    if isinstance(content, dict) and field.name in content:
        raw = content[field.name]
    elif obj.pk and not obj._state.adding:
        raw = (
            type(obj)
            ._default_manager.filter(pk=obj.pk)
            .annotate(_stored=Cast(field.name, models.TextField()))
            .values_list("_stored", flat=True)
            .first()
        )
    else:
        value = field.value_from_object(obj)
        return list(value.raw_data) if value is not None else []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else []
        except ValueError:
            return [{"type": "", "value": raw}]
    return raw if isinstance(raw, list) else []


class StreamComparison(compare.StreamFieldComparison):
    """A StreamField, block by block, from the stored data: removed types included."""

    def __init__(self, field, obj_a, obj_b):
        super().__init__(field, obj_a, obj_b)
        self.stream_block = field.stream_block
        self.children_a = self._children(stored_stream(field, obj_a))
        self.children_b = self._children(stored_stream(field, obj_b))

    def _children(self, raw):
        children = []
        for item in raw:
            if not isinstance(item, dict):
                children.append(Child(None, RemovedBlock("?"), item))
                continue
            type_name = item.get("type", "")
            block = self.stream_block.child_blocks.get(type_name)
            if block is None:
                children.append(Child(item.get("id"), RemovedBlock(type_name), item.get("value")))
                continue
            raw_value = item.get("value")
            removed = {}
            if isinstance(block, blocks.StructBlock) and isinstance(raw_value, dict):
                removed = {k: v for k, v in raw_value.items() if k not in block.child_blocks}
            children.append(Child(item.get("id"), block, block.to_python(raw_value), removed))
        return children

    def has_changed(self):
        def key(children):
            return [
                (child.id, getattr(child.block, "name", None), _prep(child), child.removed_children)
                for child in children
            ]

        return key(self.children_a) != key(self.children_b)

    def htmldiff(self):
        parts = []
        for child_a, child_b in _match(self.children_a, self.children_b):
            comparison = _make(child_a, child_b)
            parts.append(
                _wrap(comparison, _render_pair(comparison), (child_b or child_a).block.label)
            )
        return mark_safe("".join(parts))  # noqa: S308 - built from format_html parts


def _prep(child):
    if isinstance(child.block, RemovedBlock):
        return json.dumps(child.value, sort_keys=True, default=str)
    return json.dumps(child.block.get_prep_value(child.value), sort_keys=True, default=str)
