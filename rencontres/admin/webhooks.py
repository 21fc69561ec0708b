"""Webhook endpoints in the admin (Paramètres › Webhooks), for those holding the
webhook permission (:data:`rencontres.models.permissions.WEBHOOKS`) only.

The listing and forms are a :class:`ModelViewSet`; each endpoint has a page « Envois »
with its delivery log (status, attempts, last error, « Renvoyer »), « Envoyer un
événement de test » and « Générer un nouveau secret ». Changing the secret, in the form
or with that button, keeps the old one signing for the grace period. The dashboard
shows the endpoints disabled after repeated failures to those who can manage them.
"""

from urllib.parse import urlsplit

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import BasePermissionPolicy

from .. import outbound
from ..conf import conf
from ..models import EventType, PublicationEvent, WebhookDelivery, WebhookEndpoint
from ..models.permissions import WEBHOOKS
from ..webhooks import delivery as deliveries

DELIVERIES_PER_PAGE = 50


class WebhookPermissionPolicy(BasePermissionPolicy):
    """Every action on endpoints needs the webhook permission (superusers have it)."""

    def user_has_permission(self, user, action):
        return bool(user and user.is_active and user.has_perm(WEBHOOKS))

    def users_with_any_permission(self, actions):
        app_label, codename = WEBHOOKS.split(".")
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        users = get_user_model().objects.filter(is_active=True)
        return users.filter(
            Q(is_superuser=True)
            | Q(user_permissions=permission)
            | Q(groups__permissions=permission)
        ).distinct()


def _check(request):
    if not WebhookPermissionPolicy(WebhookEndpoint).user_has_permission(request.user, "change"):
        raise PermissionDenied


# -- the form ---------------------------------------------------------------------------


class WebhookEndpointForm(WagtailAdminModelForm):
    url = forms.URLField(
        label=gettext_lazy("Adresse"),
        max_length=500,
        assume_scheme="https",
        help_text=WebhookEndpoint._meta.get_field("url").help_text,
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Événements"),
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Aucun coché : tous."),
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Langues"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Aucune cochée : toutes."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "events", "languages", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = conf.content_languages

    def clean_url(self):
        url = self.cleaned_data["url"]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ValidationError(_("Seules les adresses http et https sont acceptées."))
        try:
            outbound.parse_url(url)  # a port beyond 65535, credentials: refused at delivery
        except outbound.OutboundError as error:
            raise ValidationError(str(error)) from None
        host = (parts.hostname or "").rstrip(".")
        try:
            allowed = outbound.address_allowed(host)
        except ValueError:
            # A name: checked when resolved, at each delivery; « localhost » and its
            # subdomains (RFC 6761) are this machine whatever the resolver says.
            allowed = not (host == "localhost" or host.endswith(".localhost"))
        if not allowed:
            raise ValidationError(
                _("Cette adresse est privée, locale ou réservée : les envois y seraient refusés.")
            )
        return url

    def clean_secret(self):
        secret = self.cleaned_data["secret"].strip()
        if len(secret) < 16:
            raise ValidationError(_("Le secret doit compter au moins 16 caractères."))
        return secret

    def save(self, commit=True):
        endpoint = self.instance
        if endpoint.pk and "secret" in self.changed_data:
            endpoint.rotate_secret(self.cleaned_data["secret"], previous=self.initial["secret"])
        if endpoint.pk and "active" in self.changed_data and endpoint.active:
            endpoint.reactivate(latest_position())
        return super().save(commit=commit)


def latest_position():
    """``(time, id)`` of the last listed event of the publication log, or None."""
    last = PublicationEvent.objects.listed().order_by("-time", "-pk").first()
    return (last.time, last.pk) if last else None


# -- the viewset ------------------------------------------------------------------------


class WebhookEndpointViewSet(ModelViewSet):
    """Registered under :data:`VIEWSET_NAME`; its permission policy is
    :class:`WebhookPermissionPolicy` (registered for the model in ``wagtail_hooks``)."""

    model = WebhookEndpoint
    name = "webhooks"
    form_fields = ["name", "url", "secret", "events", "languages", "active"]
    icon = "link-external"
    menu_label = gettext_lazy("Webhooks")
    add_to_settings_menu = True
    list_display = [
        "name",
        "url",
        BooleanColumn("active", label=gettext_lazy("Actif")),
        Column("disabled_at", label=gettext_lazy("Désactivé automatiquement le")),
    ]
    search_fields = ["name", "url"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return WebhookEndpointForm

    @property
    def edit_view_class(self):
        viewset = self

        class EditView(super().edit_view_class):
            @property
            def header_more_buttons(self):
                return [
                    *super().header_more_buttons,
                    Button(
                        _("Envois et test"),
                        url=reverse(viewset.get_url_name("deliveries"), args=[self.object.pk]),
                        icon_name="list-ul",
                        priority=5,
                    ),
                ]

        return EditView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/envois/", deliveries_view, name="deliveries"),
            path("<int:pk>/test/", send_test_view, name="send_test"),
            path("<int:pk>/secret/", rotate_secret_view, name="rotate_secret"),
            path("envoi/<uuid:delivery_id>/renvoyer/", redeliver_view, name="redeliver"),
        ]


VIEWSET_NAME = "webhooks"


def _url(name, *args):
    return reverse(f"{VIEWSET_NAME}:{name}", args=args)


def deliveries_view(request, pk):
    """The delivery log of one endpoint, newest first, with its actions."""
    _check(request)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    items = list(endpoint.deliveries.all()[:DELIVERIES_PER_PAGE])
    for item in items:
        item.redeliver_url = _url("redeliver", item.pk)
    return TemplateResponse(
        request,
        "rencontres/admin/webhook_deliveries.html",
        {
            "endpoint": endpoint,
            "deliveries": items,
            "edit_url": _url("edit", endpoint.pk),
            "index_url": _url("index"),
            "send_test_url": _url("send_test", endpoint.pk),
            "rotate_secret_url": _url("rotate_secret", endpoint.pk),
            "grace_active": len(endpoint.signing_secrets()) > 1,
            "header_title": _("Envois de « %(name)s »") % {"name": endpoint.name},
        },
    )


@require_POST
def send_test_view(request, pk):
    _check(request)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    deliveries.send_test_event(endpoint)
    messages.success(
        request,
        _("Événement de test mis en file d’attente pour « %(name)s ».") % {"name": endpoint.name},
    )
    return redirect(_url("deliveries", endpoint.pk))


@require_POST
def rotate_secret_view(request, pk):
    _check(request)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    endpoint.rotate_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    messages.success(
        request,
        _("Nouveau secret : %(secret)s — l’ancien signe encore les envois jusqu’au %(until)s.")
        % {
            "secret": endpoint.secret,
            "until": endpoint.previous_secret_expires_at.strftime("%d/%m/%Y %H:%M UTC"),
        },
    )
    return redirect(_url("deliveries", endpoint.pk))


@require_POST
def redeliver_view(request, delivery_id):
    _check(request)
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_id)
    deliveries.redeliver(delivery)
    messages.success(request, _("Envoi remis en file d’attente."))
    return redirect(_url("deliveries", delivery.endpoint_id))


# -- the dashboard notice ---------------------------------------------------------------


class DisabledWebhooksPanel(Component):
    """On the dashboard of those who manage webhooks: endpoints disabled after failures."""

    name = "rencontres_disabled_webhooks"
    template_name = "rencontres/admin/disabled_webhooks_panel.html"
    order = 90

    def __init__(self, endpoints):
        self.endpoints = endpoints

    def get_context_data(self, parent_context=None):
        return {
            "endpoints": [
                (endpoint, _url("deliveries", endpoint.pk), _url("edit", endpoint.pk))
                for endpoint in self.endpoints
            ]
        }


def add_disabled_webhooks_panel(request, panels):
    if not WebhookPermissionPolicy(WebhookEndpoint).user_has_permission(request.user, "change"):
        return
    disabled = list(WebhookEndpoint.objects.filter(active=False, disabled_at__isnull=False))
    if disabled:
        panels.append(DisabledWebhooksPanel(disabled))
