"""Fields a revision holds that the model no longer has, in the admin comparison."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from wagtail.admin import compare
from wagtail.admin.panels import Panel

from ..fields import known_keys
from ..lines import raw_lines
from ..text import removed_field_label


class RemovedFieldsComparison:
    """Fields a revision holds that the model no longer has (removed or renamed since).

    Wagtail's compare view only knows the fields of the panels: without this, what such
    a field held would vanish from the comparison.
    """

    is_field = True
    is_child_relation = False

    def __init__(self, obj_a, obj_b):
        self.before = self._removed(obj_a)
        self.after = self._removed(obj_b)

    @staticmethod
    def _removed(obj):
        content = getattr(obj, "revision_content", None)
        if not isinstance(content, dict):
            return {}
        known = known_keys(type(obj))
        return {
            key: "\n".join(raw_lines(value))
            for key, value in content.items()
            if key not in known and raw_lines(value)
        }

    def field_label(self):
        return _("Champs supprimés du modèle")

    def has_changed(self):
        return self.before != self.after

    def htmldiff(self):
        rows = []
        for name in sorted(set(self.before) | set(self.after)):
            before, after = self.before.get(name, ""), self.after.get(name, "")
            if before == after:
                continue
            rows.append((removed_field_label(name), compare.diff_text(before, after).to_html()))
        return format_html(
            '<p class="help-block help-warning">{}</p><dl class="comparison__list">{}</dl>',
            _("Ces champs n’existent plus ; voici ce que les versions comparées contenaient."),
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
        )


class RemovedFieldsPanel(Panel):
    """An invisible panel that adds :class:`RemovedFieldsComparison` to the compare view.

    Put it in a page's ``edit_handler`` (any tab): it renders nothing in the form.
    """

    class BoundPanel(Panel.BoundPanel):
        def is_shown(self):
            return False

        def render_html(self, parent_context=None):
            return ""

        def get_comparison(self):
            return [RemovedFieldsComparison]
