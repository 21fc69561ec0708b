"""The public history of a rencontre (:mod:`rencontres.history`) in the API.

The same published versions as the public "Changements" pages: a draft, a scheduled
revision that has not gone live or a publication that changed nothing is never a
version, and a page that is not live and public has none. Labels, choices and dates
are in the rencontre's own language.

The payloads are built here once for both APIs; :class:`HistorySchema` and
:class:`VersionDetailSchema` type them for v3.
"""

from datetime import datetime
from typing import Literal
from urllib.parse import urljoin

from pydantic import BaseModel, ConfigDict, Field
from wagtail.api.utils import get_full_url

from ..history.versions import ROUTE_LIST, PageHistory, VersionNotFound


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DiffLine(_Model):
    kind: Literal["removed", "added", "unchanged"]
    text: str


class FieldChange(_Model):
    name: str = Field(description="Nom du champ dans l’API et le modèle, par exemple departement.")
    label: str = Field(description="Libellé du champ dans la langue de la rencontre.")
    display_label: str = Field(
        description="Libellé suivi de la langue du contenu pour un champ traduit."
    )
    language: str | None = Field(
        description="Langue du contenu pour un champ traduit, null pour un champ synchronisé."
    )
    removed_field: bool = Field(description="Champ qui n’existe plus dans le modèle.")
    before: str = Field(description="Avant, en texte, une ligne par paragraphe ou élément.")
    after: str = Field(description="Après, en texte.")
    diff: list[DiffLine]


class VersionSchema(_Model):
    number: int = Field(description="Numéro de la version, de 1 (la première publication) à total.")
    total: int
    title: str = Field(description="« Version N (sur M) » dans la langue de la rencontre.")
    published_at: datetime
    revision_id: int
    url: str | None = Field(description="Page publique de cette version.")
    changed_fields: list[str]
    author: str | None = None
    detail_url: str | None = Field(
        None, description="Cette version et ses changements, dans l’API."
    )


class VersionDetailSchema(VersionSchema):
    changes: list[FieldChange]


class RencontreRef(_Model):
    id: int
    title: str
    html_url: str | None
    history_url: str | None


class HistorySchema(_Model):
    rencontre: RencontreRef
    count: int = Field(description="Nombre de versions publiées.")
    items: list[VersionSchema] = Field(description="Les versions, la plus récente d’abord.")


def _absolute(page, url, request):
    if not url or "://" in url:
        return url
    return urljoin(page.get_full_url(request) or "", url)


def page_history(page, request):
    language = page.locale.language_code if page.locale_id else None
    return PageHistory(page, language=language, request=request)


def _rencontre(page, history, request):
    return {
        "id": page.pk,
        "title": page.title,
        "html_url": page.get_full_url(request),
        "history_url": _absolute(page, history.url_for(ROUTE_LIST), request),
    }


def _version(page, version, request, version_api_path, with_changes=False):
    data = version.as_dict(with_changes=with_changes)
    data["url"] = _absolute(page, data["url"], request)
    path = version_api_path(page, version.number) if version_api_path else None
    data["detail_url"] = get_full_url(request, path) if path else None
    return data


def versions_payload(page, request, version_api_path=None):
    """``{"rencontre", "count", "items"}``: the published versions, newest first.

    ``version_api_path(page, number)`` gives the API path of one version."""
    history = page_history(page, request)
    items = [_version(page, version, request, version_api_path) for version in history.newest_first]
    return {"rencontre": _rencontre(page, history, request), "count": len(items), "items": items}


def version_payload(page, number, request, version_api_path=None):
    """One published version with its changes, or ``None`` if there is no such version."""
    history = page_history(page, request)
    try:
        version = history.version(number)
    except VersionNotFound:
        return None
    data = _version(page, version, request, version_api_path, with_changes=True)
    data["rencontre"] = _rencontre(page, history, request)
    return data


class VersionWithRencontre(VersionDetailSchema):
    rencontre: RencontreRef
