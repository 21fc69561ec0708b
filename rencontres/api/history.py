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

from ..dates import api_datetime
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


def history_queryset(pages):
    """``pages`` with what their history needs: their language and time zone (none of
    the related objects a rencontre's full representation prefetches)."""
    return pages.select_related("locale", "departement")


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


class _Writer:
    """The JSON of a page's versions: what every version shares (the page's time zone
    and full URL, the prefixes of the versions' URLs) read once for the list."""

    def __init__(self, page, history, request, version_api_path):
        self.page = page
        self.request = request
        self.version_api_path = version_api_path
        self.tzinfo = page.tzinfo
        self.full_url = None
        prefix = history.version_url_prefix
        self.url_prefix = prefix
        self.joined_prefix = None
        if prefix is not None and "://" not in prefix:
            self.full_url = page.get_full_url(request) or ""
            self.joined_prefix = urljoin(self.full_url, prefix)
        # The API path of version n, when it is a prefix and « n/ »: that prefix.
        self.api_prefix = None
        if version_api_path:
            first, second = version_api_path(page, 1), version_api_path(page, 2)
            if first and first.endswith("/1/") and second == first[: -len("1/")] + "2/":
                self.api_prefix = get_full_url(request, first)[: -len("1/")]

    def url(self, version):
        url = version.url
        if self.joined_prefix is not None and url == f"{self.url_prefix}{version.number}/":
            return f"{self.joined_prefix}{version.number}/"  # what urljoin() gives
        return _absolute(self.page, url, self.request)

    def detail_url(self, number):
        if self.api_prefix is not None:
            return f"{self.api_prefix}{number}/"
        path = self.version_api_path(self.page, number) if self.version_api_path else None
        return get_full_url(self.request, path) if path else None

    def version(self, version, with_changes=False):
        data = version.as_dict(with_changes=with_changes)
        data["published_at"] = api_datetime(version.published_at, self.tzinfo)
        data["url"] = self.url(version) if data["url"] else data["url"]
        data["detail_url"] = self.detail_url(version.number)
        return data


def versions_payload(page, request, version_api_path=None):
    """``{"rencontre", "count", "items"}``: the published versions, newest first.

    ``version_api_path(page, number)`` gives the API path of one version."""
    history = page_history(page, request)
    versions = history.newest_first
    writer = _Writer(page, history, request, version_api_path) if versions else None
    items = [writer.version(version) for version in versions]
    return {"rencontre": _rencontre(page, history, request), "count": len(items), "items": items}


def version_payload(page, number, request, version_api_path=None):
    """One published version with its changes, or ``None`` if there is no such version."""
    history = page_history(page, request)
    try:
        version = history.version(number)
    except VersionNotFound:
        return None
    data = _Writer(page, history, request, version_api_path).version(version, with_changes=True)
    data["rencontre"] = _rencontre(page, history, request)
    return data


class VersionWithRencontre(VersionDetailSchema):
    rencontre: RencontreRef
