"""Wagtail admin registrations of the home app.

The site name, tagline and accessibility-compliance status have one source: django-dsfr's
``DsfrConfig`` model, one row per language, which its ``site_config`` context processor
puts in every template as ``SITE_CONFIG``. It is edited here, in Wagtail's
"Paramètres" menu, rather than in the Django admin the project does not mount.
"""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from dsfr.models import DsfrConfig
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.models import Site
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import SiteConfigurationForm
from .models import SharingSettings
from .security import LoginLocksView, can_unlock_logins


class DsfrConfigViewSet(SnippetViewSet):
    """One configuration per language: what the header and footer of the site show."""

    model = DsfrConfig
    icon = "cog"
    menu_label = _("Configuration du site")
    menu_name = "site-configuration"
    add_to_settings_menu = True
    copy_view_enabled = False
    list_display = ["language", "site_title", "site_tagline", "accessibility_status"]
    ordering = ["language"]

    panels = [
        FieldPanel("language"),
        MultiFieldPanel(
            [
                FieldPanel("site_title"),
                FieldPanel("site_tagline"),
                FieldRowPanel([FieldPanel("beta_tag"), FieldPanel("mourning")]),
            ],
            heading=_("Site"),
        ),
        MultiFieldPanel(
            [
                FieldPanel(
                    "accessibility_status",
                    help_text=_(
                        "Affiché dans le pied de page : « Accessibilité : non, partiellement "
                        "ou totalement conforme ». Il doit correspondre à la déclaration "
                        "d’accessibilité publiée."
                    ),
                ),
                FieldPanel("footer_description"),
            ],
            heading=_("Pied de page"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("notice_title"),
                FieldPanel("notice_description"),
                FieldPanel("notice_type"),
                FieldPanel("notice_link"),
                FieldPanel("notice_icon_class"),
                FieldPanel("notice_is_collapsible"),
            ],
            heading=_("Bandeau d’information importante"),
            help_text=_("Réservé aux informations essentielles et temporaires."),
            classname="collapsed",
        ),
        MultiFieldPanel(
            [
                FieldPanel("header_brand"),
                FieldPanel("header_brand_html"),
                FieldPanel("footer_brand"),
                FieldPanel("footer_brand_html"),
            ],
            heading=_("Bloc-marque"),
            classname="collapsed",
        ),
        MultiFieldPanel(
            [
                FieldPanel("operator_logo_file"),
                FieldPanel("operator_logo_alt"),
                FieldPanel("operator_logo_width"),
            ],
            heading=_("Logo de l’opérateur"),
            classname="collapsed",
        ),
    ]
    # Text only, and a raster logo (README « Sécurité »).
    edit_handler = ObjectList(panels, base_form_class=SiteConfigurationForm)


register_snippet(DsfrConfigViewSet)


@hooks.register("register_admin_urls")
def register_login_locks_url():
    return [path("connexions-bloquees/", LoginLocksView.as_view(), name="home_login_locks")]


class LoginLocksMenuItem(MenuItem):
    def is_shown(self, request):
        return can_unlock_logins(request.user)


@hooks.register("register_settings_menu_item")
def register_login_locks_menu_item():
    return LoginLocksMenuItem(
        _("Connexions bloquées"),
        reverse("home_login_locks"),
        name="login-locks",
        icon_name="lock",
        order=900,
    )


@hooks.register("register_permissions")
def register_login_lock_permissions():
    """Seeing and lifting login locks, grantable in the admin's group editor."""
    return Permission.objects.filter(
        content_type__app_label="axes", codename__in=["view_accessattempt", "delete_accessattempt"]
    )


@hooks.register("rencontres_default_image")
def sharing_default_image(page, request):
    """The site's default sharing image (``SharingSettings``) for a rencontre without
    an illustration of its own."""
    site = page.get_site() or Site.find_for_request(request)
    if site is None:
        return None
    return SharingSettings.for_site(site).default_image
