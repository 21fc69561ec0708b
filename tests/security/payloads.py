"""Script payloads an editor of the site configuration might type, and the form that
saves them (shared by the server-side and the browser tests)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

# Each payload sets window.__xss when it runs; none must.
SCRIPT = "<script>window.__xss='script'</script>"
IMG = "<img src=x onerror=\"window.__xss='img'\">"
SVG = "<svg onload=\"window.__xss='svg'\"></svg>"
LINK = "<a href=\"javascript:window.__xss='link'\">lien</a>"
PAYLOADS = [SCRIPT, IMG, SVG, LINK]
JAVASCRIPT_URL = "javascript:window.__xss='url'"

TEXT_FIELDS = [
    "site_title",
    "site_tagline",
    "notice_title",
    "notice_description",
    "notice_icon_class",
    "header_brand",
    "header_brand_html",
    "footer_brand",
    "footer_brand_html",
    "footer_description",
    "operator_logo_alt",
]


def configuration_editor(username="configuratrice"):
    """A user whose only right is to change the site configuration."""
    user = get_user_model().objects.create_user(username=username, password="x" * 12)
    group = Group.objects.create(name="Configuration seulement")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="dsfr", codename="change_dsfrconfig"),
    )
    user.groups.add(group)
    return user


def form_data(language="fr", notice_link="", **overrides):
    """POST data of « Configuration du site » with a payload in every text field."""
    data = {
        "language": language,
        "beta_tag": "on",
        "accessibility_status": "PART",
        "notice_type": "info",
        "notice_link": notice_link,
        "notice_is_collapsible": "on",
        "operator_logo_width": "8.0",
    }
    for number, field in enumerate(TEXT_FIELDS):
        payload = PAYLOADS[number % len(PAYLOADS)]
        data[field] = f"{field} {payload}\nligne 2"[:200]
    data.update(overrides)
    return data
