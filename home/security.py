"""« Connexions bloquées »: administrators see and lift django-axes' login locks.

A lock is a user name or a client address with ``AXES_FAILURE_LIMIT`` failed logins
or more within the cool-off time (rencontres_site.security.logins). Lifting it deletes
the failed attempts counted against that name or address.
"""

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

#: The permission that lets a user lift locks (given to « Administration »).
UNLOCK_PERMISSION = "axes.delete_accessattempt"


def can_unlock_logins(user):
    return user.has_perm(UNLOCK_PERMISSION)


def current_locks(request=None):
    """``(users, addresses)``: dicts of locked names and addresses with their failures."""
    attempts = AccessAttempt.objects.all()
    cool_off = get_cool_off(request)
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    limit = get_failure_limit(request, {})

    def locked(field):
        return list(
            attempts.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by("-last")
        )

    return locked("username"), locked("ip_address")


class LoginLocksView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "home/security/login_locks.html"
    page_title = _("Connexions bloquées")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        if not can_unlock_logins(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["users"], context["addresses"] = current_locks(self.request)
        return context

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "").strip()
        address = request.POST.get("ip_address", "").strip()
        if username:
            reset(username=username)
            messages.success(
                request, _("La connexion de « %(name)s » est débloquée.") % {"name": username}
            )
        elif address:
            reset(ip=address)
            messages.success(
                request, _("L’adresse %(address)s est débloquée.") % {"address": address}
            )
        return redirect("home_login_locks")
