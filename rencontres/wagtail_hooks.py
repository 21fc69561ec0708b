"""Admin registration (Wagtail imports this module by name): snippets, the rencontres
listing, the change-history comparisons and the public history's serve hook."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin.listing import RencontreListingViewSet
from .admin.viewsets import DepartementViewSet, OrganisationViewSet
from .history.compare.registration import register as register_comparisons
from .history.views import hide_history_of_non_public_pages

register_snippet(OrganisationViewSet)
register_snippet(DepartementViewSet)
register_comparisons()
hooks.register("before_serve_page", hide_history_of_non_public_pages)


@hooks.register("register_admin_viewset")
def register_rencontre_listing():
    return RencontreListingViewSet("rencontre_listing", url_prefix="rencontres")
