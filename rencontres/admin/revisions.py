"""The page editor's autosave, checked before Wagtail reads it."""

from django.core.exceptions import PermissionDenied

from ..models import RencontreIndexPage, RencontrePage


def refuse_unknown_overwrite(request, page):
    """``before_edit_page``: a revision to overwrite (``overwrite_revision_id``, sent by
    the autosave) that is no number is refused as Wagtail refuses one that does not
    exist (PermissionDenied), rather than looked up (a 500)."""
    if request.method != "POST" or not isinstance(
        page.specific_deferred, (RencontrePage, RencontreIndexPage)
    ):
        return None
    value = request.POST.get("overwrite_revision_id", "")
    if value and not (value.isascii() and value.isdigit()):
        raise PermissionDenied("Cannot overwrite a revision that does not exist.")
    return None
