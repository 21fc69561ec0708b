"""Where the Wagtail admin is mounted (its policies and idle sessions apply there)."""

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

#: The admin's prefix by URL configuration and script prefix: reversing it on every
#: request (security middleware asks twice per request) cost a tenth of a bare page.
_prefixes = {}


def admin_prefix():
    """The admin's URL prefix (``/admin/``), or None when it is not mounted."""
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    try:
        return _prefixes[key]
    except KeyError:
        pass
    try:
        prefix = reverse("wagtailadmin_home")
    except NoReverseMatch:
        prefix = None
    _prefixes[key] = prefix
    return prefix


def is_admin_request(request):
    prefix = admin_prefix()
    return prefix is not None and request.path_info.startswith(prefix)
