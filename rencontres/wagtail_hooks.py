"""Admin registration (Wagtail imports this module by name): snippets, the rencontres
listing, the change-history comparisons, the public history's serve hook and the log
action of a value erased from the public history."""

from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from .admin.listing import RencontreListingViewSet
from .admin.viewsets import DepartementViewSet, OrganisationViewSet
from .history.compare.registration import register as register_comparisons
from .history.redaction import LOG_ACTION as HISTORY_REDACTED
from .history.views import hide_history_of_non_public_pages

register_snippet(OrganisationViewSet)
register_snippet(DepartementViewSet)
register_comparisons()
hooks.register("before_serve_page", hide_history_of_non_public_pages)


@hooks.register("register_admin_viewset")
def register_rencontre_listing():
    return RencontreListingViewSet("rencontre_listing", url_prefix="rencontres")


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
