"""Admin registration (Wagtail imports this module by name): snippets, the rencontres
listing, the Decidim import, the change-history comparisons, the public history's serve
hook, the shared cache's keys of served pages, the log action of a value erased from
the public history and the notice of a translation whose synchronised fields could not
be pushed."""

from django.contrib.auth.models import Permission
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin import imports as import_views
from .admin.listing import RencontreListingViewSet
from .admin.revisions import refuse_unknown_overwrite
from .admin.sync_notice import add_sync_notice
from .admin.viewsets import DepartementViewSet, OrganisationViewSet
from .admin.webhooks import (
    WebhookEndpointViewSet,
    WebhookPermissionPolicy,
    add_disabled_webhooks_panel,
)
from .cache.tags import tag_page
from .history.compare.registration import register as register_comparisons
from .history.redaction import LOG_ACTION as HISTORY_REDACTED
from .history.views import hide_history_of_non_public_pages
from .models import WebhookEndpoint

register_snippet(OrganisationViewSet)
register_snippet(DepartementViewSet)
register_comparisons()
hooks.register("before_serve_page", hide_history_of_non_public_pages)
register_permission_policy(WebhookEndpoint, WebhookPermissionPolicy(WebhookEndpoint))
hooks.register("construct_homepage_panels", add_disabled_webhooks_panel)


@hooks.register("register_admin_viewset")
def register_webhooks():
    """Paramètres › Webhooks, for holders of the webhook permission."""
    return WebhookEndpointViewSet()


# Before wagtail-localize's hook, which answers with its translation editor.
hooks.register("before_edit_page", add_sync_notice, order=-10)
hooks.register("before_edit_page", refuse_unknown_overwrite, order=-20)

# The shared cache keeps what Wagtail serves, keyed by what it shows (rencontres.cache).
hooks.register("before_serve_page", tag_page)


@hooks.register("register_admin_viewset")
def register_rencontre_listing():
    return RencontreListingViewSet("rencontre_listing", url_prefix="rencontres")


@hooks.register("register_admin_urls")
def register_import_urls():
    """« Importer depuis Decidim » (rencontres.admin.imports)."""
    return [path("import-decidim/", include((import_views.urlpatterns, import_views.app_name)))]


hooks.register("register_admin_menu_item", import_views.menu_item)
hooks.register("construct_main_menu", import_views.notify_finished_imports)


@hooks.register("register_permissions")
def register_plugin_permissions():
    """Import, webhooks and export, grantable in the admin's group editor."""
    return Permission.objects.filter(
        content_type__app_label="rencontres", content_type__model="rencontrespermissions"
    )


@hooks.register("register_log_actions")
def register_history_redaction(actions):
    """A value erased from the public history shows in the page's own history (with
    the reason, never the value)."""

    @actions.register_action(HISTORY_REDACTED)
    class HistoryRedacted(LogFormatter):
        label = _("Retrait d’une valeur de l’historique public")

        def format_message(self, log_entry):
            return _("Valeur retirée de l’historique public : %(reason)s") % {
                "reason": (log_entry.data or {}).get("reason", "")
            }
