"""Headless preview tokens: a draft shown in a partner's front end before publication.

The editor's « Aperçu » offers a « Site partenaire » mode (:mod:`rencontres.admin.preview`)
when ``RENCONTRES_PREVIEW_FRONTEND_URLS`` names a front end for the page's site and
language. It opens that front end with ``?token=…``: a token signed with the project's
``SECRET_KEY`` (:mod:`django.core.signing`), bound to the page and to the revision being
previewed, valid ``RENCONTRES_PREVIEW_TOKEN_MAX_AGE`` seconds. The front end sends it
back to the API's preview endpoint (``/api/v2/rencontres/preview/``), which answers the
draft in the shape of the API's rencontre.

A token is refused when it is expired (401), forged or altered (403), or when the page
was published after the previewed revision was saved (403: the draft is public now, or
superseded — the public API has it).
"""

from datetime import timedelta

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from .conf import conf
from .models import RencontrePage

SALT = "rencontres.preview"
MODE = "headless"


class PreviewTokenError(Exception):
    """A token that opens nothing; ``status`` is the HTTP status to answer."""

    status = 403


class TokenMissing(PreviewTokenError):
    status = 401


class TokenExpired(PreviewTokenError):
    status = 401


class TokenInvalid(PreviewTokenError):
    status = 403


class TokenUsedAfterPublication(PreviewTokenError):
    status = 403


def frontend_url(page, site=None):
    """The front end showing drafts of ``page`` (its site's hostname, its language,
    ``*`` for any), or None."""
    urls = conf.PREVIEW_FRONTEND_URLS or {}
    if not urls:
        return None
    if site is None:
        site = page.get_site()
    hostname = site.hostname if site else None
    by_language = urls.get(hostname) or urls.get("*") or {}
    language = page.locale.language_code if page.locale_id else conf.source_language
    return by_language.get(language) or by_language.get("*")


def make_token(page_id, revision_id):
    """A signed token for revision ``revision_id`` of page ``page_id``."""
    return signing.dumps({"p": int(page_id), "r": int(revision_id)}, salt=SALT, compress=True)


def read_token(token):
    """``(page_id, revision_id)`` of a token; raises a :class:`PreviewTokenError`."""
    if not token:
        raise TokenMissing(_("Jeton d’aperçu manquant."))
    try:
        data = signing.loads(token, salt=SALT, max_age=conf.PREVIEW_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise TokenExpired(
            _("Ce jeton d’aperçu a expiré : rouvrez l’aperçu depuis l’administration.")
        ) from None
    except (signing.BadSignature, ValueError):
        raise TokenInvalid(_("Jeton d’aperçu invalide.")) from None
    try:
        return int(data["p"]), int(data["r"])
    except (TypeError, KeyError, ValueError):
        raise TokenInvalid(_("Jeton d’aperçu invalide.")) from None


def draft_for_token(token):
    """The page as its token's revision has it (not saved, never public)."""
    page_id, revision_id = read_token(token)
    page = RencontrePage.objects.filter(pk=page_id).first()
    revision = page.revisions.filter(pk=revision_id).first() if page else None
    if revision is None:
        raise TokenInvalid(_("Jeton d’aperçu invalide."))
    if page.last_published_at and page.last_published_at >= revision.created_at:
        raise TokenUsedAfterPublication(
            _(
                "Cette version a été publiée ou remplacée par une publication depuis "
                "l’ouverture de l’aperçu : lisez la rencontre dans l’API publique."
            )
        )
    return revision.as_object()


def expires_at(now=None):
    return (now or timezone.now()) + timedelta(seconds=conf.PREVIEW_TOKEN_MAX_AGE)
