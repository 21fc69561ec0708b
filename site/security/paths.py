"""Where the Wagtail admin is mounted (its policies and idle sessions apply there)."""

from django.urls import NoReverseMatch, reverse


def admin_prefix():
    """The admin's URL prefix (``/admin/``), or None when it is not mounted."""
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:
        return None


def is_admin_request(request):
    prefix = admin_prefix()
    return prefix is not None and request.path_info.startswith(prefix)
