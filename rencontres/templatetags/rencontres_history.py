"""Template tags of the change history: « Mis à jour le … — voir les changements »."""

from django import template

from ..history.versions import last_version

register = template.Library()


@register.simple_tag(takes_context=True)
def rencontre_last_version(context, page):
    """The latest published version of ``page`` (``None`` if it has none or is not public)."""
    if page is None or not getattr(page, "pk", None):
        return None
    return last_version(page, request=context.get("request"))
