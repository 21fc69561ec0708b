"""The « Site partenaire » preview mode of rencontres (headless preview).

Wagtail's preview renders the editor's form; this mode renders, inside the preview
panel, a link that opens the draft in the partner's front end configured for the
page's site and language, with a token (:mod:`rencontres.preview`) bound to the page
and to its latest revision — Wagtail saves drafts as revisions while the editor types
(autosave), so the front end shows what the editor sees. A link, not a redirect: the
admin's content security policy frames its own origin only.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from .. import preview
from ..models import RencontrePage


@dataclass(frozen=True)
class HeadlessPreviewMode:
    label: str

    def available(self, page):
        return bool(preview.frontend_url(page))

    def serve(self, page, request):
        frontend = preview.frontend_url(page)
        revision_id = None
        if page.pk:
            revision_id = (
                RencontrePage.objects.filter(pk=page.pk)
                .values_list("latest_revision_id", flat=True)
                .first()
            )
        url = None
        if frontend and revision_id:
            token = preview.make_token(page.pk, revision_id)
            query = urlencode({"token": token, "id": page.pk})
            url = f"{frontend}{'&' if '?' in frontend else '?'}{query}"
        response = TemplateResponse(
            request,
            "rencontres/admin/headless_preview.html",
            {
                "page": page,
                "frontend": frontend,
                "url": url,
                "expires_at": preview.expires_at(),
            },
        )
        patch_cache_control(response, private=True, no_store=True)
        return response


def attach():
    """Offer the mode on rencontres (from ``AppConfig.ready``)."""
    RencontrePage.extra_preview_modes = {
        preview.MODE: HeadlessPreviewMode(label=_("Site partenaire (headless)"))
    }
