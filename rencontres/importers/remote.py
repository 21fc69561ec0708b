"""A Decidim export fetched from its address: the « Données ouvertes » download
(``https://<decidim>/open-data/download``, which redirects to the file in Decidim's
storage) or any URL of a meetings CSV, JSON or ZIP.

The request goes through :mod:`rencontres.outbound` (each redirect's address checked,
private networks refused, timeouts, at most ``IMPORT_MAX_FILE_SIZE`` bytes); what comes
back is read by :func:`.files.read_bytes` like an upload. Every failure is a
:class:`.decidim.RefusedFile` with a French message: an unreachable address, an answer
other than 200, an HTML page (a login page, a Decidim page that is not the download).
"""

from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _

from .. import outbound
from ..conf import conf
from .decidim import RefusedFile
from .files import read_bytes, too_large_message

HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")


def download(url):
    """``(bytes, name)`` of the file at ``url``; :class:`RefusedFile` if it cannot be had."""
    try:
        response = outbound.fetch(
            url, max_bytes=conf.IMPORT_MAX_FILE_SIZE, timeout=conf.IMPORT_FETCH_TIMEOUT
        )
    except outbound.ResponseTooLarge as error:
        raise RefusedFile(too_large_message(url)) from error
    except outbound.OutboundError as error:
        raise RefusedFile(
            _("Impossible de télécharger « %(url)s » : %(error)s Rien n’a été importé.")
            % {"url": url, "error": _sentence(str(error))}
        ) from error
    if response.status != 200:
        raise RefusedFile(
            _(
                "« %(url)s » a répondu %(status)s au lieu de donner le fichier (adresse "
                "erronée, données ouvertes désactivées ou accès restreint). Copiez "
                "l’adresse du lien « Télécharger les données ouvertes » de Decidim. Rien "
                "n’a été importé."
            )
            % {"url": url, "status": response.status}
        )
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type in ("text/html", "application/xhtml+xml") or (
        response.body[:512].lstrip().lower().startswith(HTML_STARTS)
    ):
        raise RefusedFile(
            _(
                "« %(url)s » est une page web, pas un fichier d’export : c’est sans doute "
                "l’adresse d’une page de Decidim (ou d’une page de connexion). Copiez "
                "l’adresse du lien « Télécharger les données ouvertes », ou celle du "
                "fichier des rencontres. Rien n’a été importé."
            )
            % {"url": url}
        )
    return response.body, file_name(response, url)


def file_name(response, url):
    """The file's name: from ``Content-Disposition``, else the last segment of the
    address that answered (after redirects), else the host's."""
    disposition = response.headers.get("Content-Disposition", "")
    for part in disposition.split(";"):
        key, _sep, value = part.strip().partition("=")
        if key.lower() == "filename*" and "''" in value:
            return unquote(value.split("''", 1)[1]).strip('"') or _fallback(url)
        if key.lower() == "filename" and value.strip('"'):
            return value.strip('"')
    for address in (response.url, url):
        segment = unquote(urlsplit(address).path.rstrip("/").rsplit("/", 1)[-1])
        if "." in segment:
            return segment
    return _fallback(url)


def _fallback(url):
    return f"{urlsplit(url).hostname or 'decidim'}-open-data.zip"


def _sentence(text):
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def read_url(url):
    """The export at ``url``, read (:class:`.files.ExportFile`)."""
    raw, name = download(url)
    return read_bytes(raw, name)
