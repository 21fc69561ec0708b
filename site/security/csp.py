"""Content-Security-Policy: one strict policy for the public site, one for the admin.

The public site, its feeds and the API's documentation run no inline script at all
(every script is a file under ``/static/``; JSON-LD blocks are data, not script), so
their policy (``CONTENT_SECURITY_POLICY``) needs no nonce and the same bytes can be
cached by Varnish for every visitor.

Wagtail 8.0.1's admin and wagtail-localize's editor still render inline scripts and
``style`` attributes in some widgets and panels. Under the admin's prefix the
middleware sends ``CONTENT_SECURITY_POLICY_ADMIN`` (enforced: everything but inline
script and style is as strict as the public policy) together with
``CONTENT_SECURITY_POLICY_ADMIN_REPORT_ONLY`` (the public policy, reported only), so
that each inline script the admin still needs is reported without being blocked.

Reports go where ``report-uri`` says (the ``CSP_REPORT_URI`` environment variable);
:func:`csp_report` is the project's own endpoint, size-capped and rate-limited.
"""

import json
import logging

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy, default_config
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .clientip import client_ip
from .paths import is_admin_request
from .ratelimit import RateLimit

logger = logging.getLogger("rencontres_site.csp")

#: Largest report body read, in bytes; a bigger one is answered 413 unread.
MAX_REPORT_BYTES = 16 * 1024
REPORT_CONTENT_TYPES = ("application/csp-report", "application/reports+json", "application/json")


#: What a view or decorator sets on a response to change its policy (django-csp).
PER_RESPONSE_ATTRIBUTES = tuple(
    f"_csp_{name}{suffix}"
    for name in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)

#: The settings' policies as header values, and their excluded prefixes, read once.
_settings_headers = {}


def settings_headers():
    """``(enforced, report only, excluded prefixes)`` of the settings' own policies (no
    nonce, no per-view change), read once until the settings change."""
    if not _settings_headers:
        _settings_headers["enforced"] = build_policy()
        _settings_headers["report_only"] = build_policy(report_only=True)
        _settings_headers["excluded"] = tuple(
            prefix
            for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
            for prefix in ((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        )
    return (
        _settings_headers["enforced"],
        _settings_headers["report_only"],
        _settings_headers["excluded"],
    )


def _forget_headers(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_headers.clear()


setting_changed.connect(_forget_headers, dispatch_uid="rencontres_site.csp.headers")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policies under its prefix.

    Every public response gets the same policy (no nonce: the public site runs no
    inline script): its header is built once, not rebuilt from the settings' dicts on
    each request (a sixth of a page that needs no database). Anything else (the admin,
    a nonce, a view's own policy, ``DEBUG``, excluded prefixes) goes through
    django-csp's own ``process_response``.
    """

    def process_response(self, request, response):
        enforced, report_only, excluded = settings_headers()
        if (
            settings.DEBUG
            or excluded
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in PER_RESPONSE_ATTRIBUTES)
            or is_admin_request(request)
        ):
            return super().process_response(request, response)
        if enforced and HEADER not in response:
            response[HEADER] = enforced
        if report_only and HEADER_REPORT_ONLY not in response:
            response[HEADER_REPORT_ONLY] = report_only
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if parts.config is None and is_admin_request(request):
            name = "CONTENT_SECURITY_POLICY_ADMIN" + ("_REPORT_ONLY" if report_only else "")
            policy = getattr(settings, name, None)
            if policy:
                parts.config = default_config(policy.get("DIRECTIVES", {}))
        return parts


def report_limit():
    return RateLimit(
        "csp-report",
        limit=getattr(settings, "CSP_REPORTS_PER_MINUTE", 60),
        window=60,
    )


def _summaries(payload):
    """``[(disposition, directive, blocked, document)]`` from either report format."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        reports = [payload["csp-report"]]
    elif isinstance(payload, list):  # the Reporting API: [{"type": ..., "body": {...}}]
        reports = [item.get("body") for item in payload if isinstance(item, dict)]
    else:
        return []
    summaries = []
    for report in reports:
        if not isinstance(report, dict):
            continue

        def field(*names, report=report):
            for name in names:
                value = report.get(name)
                if value:
                    return str(value)[:300]
            return ""

        summaries.append(
            (
                field("disposition") or "enforce",
                field("effective-directive", "effectiveDirective", "violated-directive"),
                field("blocked-uri", "blockedURL"),
                field("document-uri", "documentURL"),
            )
        )
    return summaries


@csrf_exempt
@require_POST
def csp_report(request):
    """Receive browsers' CSP violation reports and log them (``rencontres_site.csp``).

    204 when read; 413 above :data:`MAX_REPORT_BYTES`; 415 for another content type;
    429 beyond ``CSP_REPORTS_PER_MINUTE`` reports a minute from one address.
    """
    content_type = request.content_type or ""
    if content_type not in REPORT_CONTENT_TYPES:
        return HttpResponse(status=415)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    limit = report_limit()
    address = client_ip(request)
    if limit.hit(address) > limit.limit:
        return HttpResponse(status=429)
    body = request.read(MAX_REPORT_BYTES + 1)
    if len(body) > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    try:
        payload = json.loads(body)
    except ValueError:
        return HttpResponse(status=400)
    for disposition, directive, blocked, document in _summaries(payload):
        logger.warning(
            "CSP %s: %s blocked %s on %s", disposition, directive, blocked or "-", document
        )
    return HttpResponse(status=204)
