"""Throttled sign-ins: the admin's login form (django-axes) and private pages' passwords.

Admin logins: django-axes counts failed attempts per user name and per client address
(:func:`~.clientip.client_ip`); at ``AXES_FAILURE_LIMIT`` failures within the cool-off
time, that name (from anywhere) and that address (for any name) are refused for
``AXES_COOLOFF_TIME``, with the French page of :func:`lockout_response`. Attempts during
a lock restart the cool-off. An administrator lifts a lock in the admin (« Connexions
bloquées », home.security).

Private pages: Wagtail's password form checks the password on every POST with no
limit; :func:`authenticate_with_password` wraps it with counters per client address
and per restriction (``PAGE_PASSWORD_THROTTLE``), and refuses with 429 once one is
reached — without comparing the password, so that a throttled guess tells nothing.
"""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django import forms
from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import Page, PageViewRestriction
from wagtail.views import authenticate_with_password as wagtail_authenticate_with_password

from .clientip import client_ip
from .ratelimit import RateLimit

LOCKED_OUT_TEMPLATE = "home/security/locked_out.html"


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' backend, for authentications made in an HTTP request.

    Every sign-in form passes the request to ``authenticate()`` (Django's
    ``AuthenticationForm`` does). An authentication without one comes from code run on
    the server (the test client's ``login()``, a shell), which no remote client can
    reach; axes would raise on it, this backend lets the next backend decide.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _minutes(delta):
    return max(1, round(delta.total_seconds() / 60)) if delta else 0


def lockout_message(request=None):
    minutes = _minutes(get_cool_off(request))
    if not minutes:
        return _(
            "Trop de tentatives de connexion échouées : la connexion est bloquée. "
            "Demandez à un administrateur de la débloquer."
        )
    return ngettext(
        "Trop de tentatives de connexion échouées : la connexion est bloquée pendant "
        "%(minutes)s minute. Réessayez plus tard ou demandez à un administrateur de la "
        "débloquer.",
        "Trop de tentatives de connexion échouées : la connexion est bloquée pendant "
        "%(minutes)s minutes. Réessayez plus tard ou demandez à un administrateur de la "
        "débloquer.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the admin's login page style, 429, in French."""
    return render(
        request,
        LOCKED_OUT_TEMPLATE,
        {"message": lockout_message(request)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


# -- private pages' password form ---------------------------------------------------

DEFAULT_PAGE_PASSWORD_THROTTLE = {"per_address": 10, "per_restriction": 100, "window": 15 * 60}


def page_password_limits():
    options = {**DEFAULT_PAGE_PASSWORD_THROTTLE, **getattr(settings, "PAGE_PASSWORD_THROTTLE", {})}
    return (
        RateLimit("page-password-address", options["per_address"], options["window"]),
        RateLimit("page-password-restriction", options["per_restriction"], options["window"]),
    )


class ThrottledPasswordForm(PasswordViewRestrictionForm):
    """The password form, refused as a whole without looking at the password."""

    def clean_password(self):
        return self.cleaned_data["password"]

    def clean(self):
        raise forms.ValidationError(
            _("Trop de mots de passe erronés ont été saisis. Réessayez dans quelques minutes."),
            code="throttled",
        )


def authenticate_with_password(request, page_view_restriction_id, page_id):
    """Wagtail's ``wagtailcore_authenticate_with_password`` view, throttled."""
    if request.method != "POST":
        return wagtail_authenticate_with_password(request, page_view_restriction_id, page_id)
    per_address, per_restriction = page_password_limits()
    counters = ((per_address, client_ip(request)), (per_restriction, page_view_restriction_id))
    if any(limit.exceeded(key) for limit, key in counters):
        restriction = get_object_or_404(PageViewRestriction, id=page_view_restriction_id)
        page = get_object_or_404(Page, id=page_id).specific
        form = ThrottledPasswordForm(request.POST, instance=restriction)
        form.is_valid()
        response = page.serve_password_required_response(request, form, request.path)
        response.status_code = 429
        return response
    response = wagtail_authenticate_with_password(request, page_view_restriction_id, page_id)
    if response.status_code == 200:  # the form again: the password was wrong
        for limit, key in counters:
            limit.hit(key)
    return response
