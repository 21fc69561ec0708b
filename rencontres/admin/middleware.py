"""Request limits in the admin, answered in the editor's language.

Django refuses a form with more fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` or a body
larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with a bare « Bad Request » the moment a
view reads ``request.POST``; a long description (hundreds of list items, each several
fields) hits the first. The host project raises the limits to what the admin's forms
need (the demo: ``rencontres_site.settings.base``); :class:`AdminRequestLimitsMiddleware`
answers what still exceeds them with a page that says what happened and how not to
lose the work (413, or JSON for the admin's scripts). Add it after Django's
authentication middleware::

    MIDDLEWARE = [..., "django.contrib.auth.middleware.AuthenticationMiddleware",
                  "rencontres.admin.middleware.AdminRequestLimitsMiddleware", ...]
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail.admin.localization import get_localized_response

TEMPLATE = "rencontres/admin/request_too_large.html"


def _admin_prefix():
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:
        return None


def limit_message(error):
    """What the editor reads, for Django's ``error``."""
    if isinstance(error, RequestDataTooBig):
        return _(
            "Le formulaire envoyé dépasse la taille acceptée par le serveur "
            "(%(size)s Mo). Rien n’a été enregistré."
        ) % {"size": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024, 1)}
    if isinstance(error, TooManyFilesSent):
        return _(
            "Le formulaire envoyé contient plus de %(n)s fichiers, la limite du serveur. "
            "Rien n’a été enregistré."
        ) % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    return _(
        "Le formulaire envoyé contient plus de %(n)s champs, la limite du serveur. "
        "Rien n’a été enregistré."
    ) % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}


def _back_url(request):
    """The admin page the form was sent from (the browser restores what was typed)."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


class AdminRequestLimitsMiddleware:
    """413 with a French explanation, instead of a bare 400, for an admin form that
    exceeds Django's request limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST":  # no reverse() on every page view
            return self.get_response(request)
        prefix = _admin_prefix()
        if prefix and request.path.startswith(prefix):
            try:
                request.POST  # noqa: B018 - parsed here, where its limits can be answered
                request.FILES  # noqa: B018
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as error:
                response = get_localized_response(self.limit_response, request, error)
                return response.render() if hasattr(response, "render") else response
        return self.get_response(request)

    def limit_response(self, request, error):
        message = limit_message(error)
        advice = _(
            "Votre navigateur a gardé ce que vous avez saisi : revenez à la page "
            "précédente, enregistrez le contenu ailleurs ou répartissez-le en plusieurs "
            "blocs plus courts, puis envoyez à nouveau. Si cela se reproduit, signalez-le "
            "à l’équipe technique."
        )
        if request.headers.get("Accept", "").startswith("application/json") or (
            request.headers.get("X-Requested-With") == "XMLHttpRequest"
        ):
            return JsonResponse({"success": False, "error": f"{message} {advice}"}, status=413)
        return TemplateResponse(
            request,
            TEMPLATE,
            {"message": message, "advice": advice, "back_url": _back_url(request)},
            status=413,
        )
