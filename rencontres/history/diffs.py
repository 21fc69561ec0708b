"""What a version changed in one field: the text before and after, and the diff of
their lines (unified, or side by side)."""

import difflib
from dataclasses import dataclass
from functools import cached_property
from itertools import zip_longest


@dataclass
class DiffLine:
    """One line of a diff: ``kind`` is ``"removed"``, ``"added"`` or ``"unchanged"``."""

    kind: str
    text: str

    @property
    def symbol(self):
        return {"removed": "−", "added": "+"}.get(self.kind, " ")

    def as_dict(self):
        return {"kind": self.kind, "text": self.text}


@dataclass
class FieldChange:
    """What a version changed in one field, as readable text.

    ``name`` is the model field (or removed field) name, ``label`` its label in the
    active language, ``language`` the content's language code for translated fields
    (``None`` for synchronised ones), ``before``/``after`` the lines of text.
    """

    name: str
    label: object
    language: str | None
    language_name: object
    before: tuple
    after: tuple
    removed_field: bool = False

    @property
    def before_text(self):
        return "\n".join(self.before)

    @property
    def after_text(self):
        return "\n".join(self.after)

    @property
    def display_label(self):
        """The label as the public sees it: « Description (…) (Français) »."""
        if self.language_name:
            return f"{self.label} ({self.language_name})"
        return str(self.label)

    @cached_property
    def opcodes(self):
        matcher = difflib.SequenceMatcher(None, self.before, self.after, autojunk=False)
        return matcher.get_opcodes()

    @cached_property
    def diff(self):
        """Unified diff: every line, removed ones before the added ones that replace them."""
        lines = []
        for op, i1, i2, j1, j2 in self.opcodes:
            if op == "equal":
                lines += [DiffLine("unchanged", text) for text in self.before[i1:i2]]
                continue
            lines += [DiffLine("removed", text) for text in self.before[i1:i2]]
            lines += [DiffLine("added", text) for text in self.after[j1:j2]]
        return lines

    @cached_property
    def side_by_side(self):
        """Rows of ``(before DiffLine or None, after DiffLine or None)``."""
        rows = []
        for op, i1, i2, j1, j2 in self.opcodes:
            if op == "equal":
                rows += [
                    (DiffLine("unchanged", text), DiffLine("unchanged", text))
                    for text in self.before[i1:i2]
                ]
                continue
            removed = [DiffLine("removed", text) for text in self.before[i1:i2]]
            added = [DiffLine("added", text) for text in self.after[j1:j2]]
            rows += list(zip_longest(removed, added))
        return rows

    @property
    def removed_lines(self):
        return [line.text for line in self.diff if line.kind == "removed"]

    @property
    def added_lines(self):
        return [line.text for line in self.diff if line.kind == "added"]

    def as_dict(self):
        """JSON-ready: name, label, language, before and after as text, and the diff lines."""
        return {
            "name": self.name,
            "label": str(self.label),
            "display_label": self.display_label,
            "language": self.language,
            "removed_field": self.removed_field,
            "before": self.before_text,
            "after": self.after_text,
            "diff": [line.as_dict() for line in self.diff],
        }
