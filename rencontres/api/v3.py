"""API v3 (Wagtail 8's preview, Django Ninja): typed rencontres.

- :func:`register_schemas` replaces, in Wagtail's v3 content type registry, the read
  schema generated for ``rencontres.RencontrePage`` by :class:`RencontrePageSchema`,
  so that ``/pages/{id}/`` and ``/schema/rencontres.RencontrePage/`` describe every
  field. It must run before ``wagtail.api.v3.routers.pages`` is imported (that module
  freezes the registered schemas): ``RencontresConfig.ready()`` calls it, and the
  ``rencontres`` app comes before ``wagtail.contrib.redirects`` (whose ``ready()``
  imports the API) in ``INSTALLED_APPS``.
- :data:`router` lists rencontres with all their fields and the filters of API v2
  (:mod:`.filters`), their history and the change log (:mod:`.changes`); mount it
  on Wagtail's API before its URLs are built::

      from wagtail.api.v3.urls import api
      api.add_router("/rencontres/", rencontres.api.v3.router)

Anonymous and read-only: only live and public rencontres, whoever asks.
"""

import sys
from typing import Literal

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from ninja import Field, Path, Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from wagtail.api.rich_text import RichTextOutputFormat
from wagtail.api.utils import get_full_url
from wagtail.api.v3.errors import ProblemDetail, as_validation_error
from wagtail.api.v3.pagination import WagtailLimitOffsetPagination
from wagtail.api.v3.schemas.pages import (
    BasePageMetaSchema,
    BasePageSchema,
    PageMetaSchema,
    PageSchema,
)

from .. import selectors
from ..models import RencontrePage
from . import changes, history
from .filters import MAX_ID, FilterError, RencontreQuery
from .http import MAX_OFFSET
from .querysets import public_pages
from .representation import BODY_FIELDS, META_FIELDS, Context, api_queryset, prefetch
from .schemas import RencontreFields, RencontreMetaExtra

TYPE_LABEL = RencontrePage._meta.label


def api_context(request):
    """One :class:`.representation.Context` per request."""
    ctx = getattr(request, "_rencontre_api_context", None)
    if ctx is None:
        ctx = Context.for_request(request, history_api_path=history_api_path)
        request._rencontre_api_context = ctx
    return ctx


def history_api_path(page, number=None):
    name, kwargs = "rencontre_history", {"page_id": page.pk}
    if number is not None:
        name, kwargs = "rencontre_history_version", {"page_id": page.pk, "number": number}
    try:
        return reverse(f"wagtailapi_v3:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return None


def _resolvers(builders):
    def resolver(builder):
        def resolve(obj, context):
            return builder(obj, api_context(context["request"]))

        return staticmethod(resolve)

    return {f"resolve_{name}": resolver(builder) for name, builder in builders.items()}


def _schema(name, bases, builders, doc, **annotations):
    """A Ninja schema class whose fields in ``builders`` resolve through them."""
    namespace = {"__doc__": doc, "__annotations__": annotations, **_resolvers(builders)}
    return type(bases[0])(name, bases, namespace)


RencontreListMetaSchema = _schema(
    "RencontreListMetaSchema",
    (RencontreMetaExtra, BasePageMetaSchema),
    META_FIELDS,
    "Wagtail's page meta, with the last publication and the history's addresses.",
    type=Literal[TYPE_LABEL],
)

RencontreSchema = _schema(
    "RencontreSchema",
    (RencontreFields, BasePageSchema),
    BODY_FIELDS,
    "A published rencontre with all its fields.",
    meta=RencontreListMetaSchema,
)

RencontrePageMetaSchema = _schema(
    "RencontrePageMetaSchema",
    (RencontreMetaExtra, PageMetaSchema),
    META_FIELDS,
    "Wagtail's page meta (with parent), the last publication and the history's addresses.",
    type=Literal[TYPE_LABEL],
)

RencontrePageSchema = _schema(
    "RencontrePageSchema",
    (RencontreFields, PageSchema),
    BODY_FIELDS,
    "A rencontre page, as /pages/{id}/ returns it.",
    meta=RencontrePageMetaSchema,
)


def register_schemas():
    """Make :class:`RencontrePageSchema` the v3 read schema of ``RencontrePage``."""
    from wagtail.api.v3.registry import registry

    registration = registry.get(TYPE_LABEL)
    if registration is not None and registration.read_schema is RencontrePageSchema:
        return  # already done (the app registry was populated again, e.g. in a test)
    if "wagtail.api.v3.routers.pages" in sys.modules:
        raise ImproperlyConfigured(
            "wagtail.api.v3.routers.pages was imported before rencontres registered its "
            "schema: put 'rencontres' before the apps that import the v3 API in "
            "INSTALLED_APPS (e.g. wagtail.contrib.redirects)."
        )
    if registration is not None:
        registration.read_schema = RencontrePageSchema


# -- routes ------------------------------------------------------------------------------

router = Router(tags=["rencontres"])


class RencontrePagination(WagtailLimitOffsetPagination):
    """Wagtail's limit/offset, then the images and documents of the page, in bulk."""

    class Input(WagtailLimitOffsetPagination.Input):
        offset: int = Field(default=0, ge=0, le=MAX_OFFSET)

    def paginate_queryset(self, queryset, pagination, request, **params):
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result["items"] = list(result["items"])
        prefetch(result["items"])
        return result


#: The query parameters of each route: v3 answers 422 to any other, as v2 answers 400
#: (``_`` is the cache buster both accept, ``site`` Wagtail's choice of site).
LIST_PARAMETERS = RencontreQuery.parameter_names() | {
    "limit",
    "offset",
    "rich_text_format",
    "site",
    "_",
}
DETAIL_PARAMETERS = frozenset({"rich_text_format", "site", "_"})
HISTORY_PARAMETERS = frozenset({"site", "_"})
CHANGES_PARAMETERS = frozenset({"since", "limit", "_"})


def reject_unknown_parameters(request, known):
    unknown = sorted(set(request.GET) - known)
    if unknown:
        message = "query parameter is not an operation or a recognised field: " + ", ".join(unknown)
        raise as_validation_error(ValueError(message), message, loc=("query", unknown[0]))


def public_rencontres(request: HttpRequest, *, for_history=False):
    """The rencontres the API shows, with what their representation needs (or, with
    ``for_history``, what their history needs)."""
    try:
        pages = public_pages(request, RencontrePage)
    except ValueError as e:  # ?site= matching several sites
        raise HttpError(400, str(e)) from e
    return history.history_queryset(pages) if for_history else api_queryset(pages)


@router.get(
    "/",
    response=list[RencontreSchema],
    url_name="rencontres_list",
    operation_id="rencontres_list",
    summary="List rencontres",
    description=(
        "Published rencontres with all their fields, filtered and ordered like /api/v2/rencontres/."
    ),
)
@paginate(RencontrePagination)
def list_rencontres(
    request: HttpRequest,
    filters: RencontreQuery = Query(...),  # noqa: B008
    rich_text_format: RichTextOutputFormat | None = Query(None),  # noqa: B008
    **kwargs,
):
    reject_unknown_parameters(request, LIST_PARAMETERS)
    queryset = public_rencontres(request)
    try:
        selected = filters.to_filters(pages=public_pages(request))
    except FilterError as e:
        raise as_validation_error(e, e.message, loc=("query", e.param)) from e
    return selectors.select_rencontres(queryset, selected)


def get_rencontre(request, page_id, *, for_history=False):
    page = public_rencontres(request, for_history=for_history).filter(pk=page_id).first()
    if page is None:
        raise Http404("No published rencontre matches the given id.")
    return page


@router.get(
    "/changes/",
    response={200: changes.ChangesSchema, 410: ProblemDetail},
    url_name="rencontres_changes",
    operation_id="rencontres_changes",
    summary="Change log: rencontres published, changed or removed since a cursor",
    description=(
        "Oldest first, paged by an opaque cursor: give back next_cursor as since. "
        "Each entry names the event (published, scheduled_publication, unpublished, "
        "expired, deleted, made_private, made_public, moved, redacted), the rencontre "
        "(page_id, locale), its time and, when the rencontre stays visible, its URL in "
        "this API; a removed rencontre's entry carries nothing else. A cursor older "
        "than the retention period answers 410: resynchronise (read the log from the "
        "start, without since)."
    ),
)
def rencontre_changes(
    request: HttpRequest,
    since: str | None = Query(None, max_length=200),  # noqa: B008
    limit: int | None = Query(None, ge=1, le=MAX_OFFSET),  # noqa: B008
):
    reject_unknown_parameters(request, CHANGES_PARAMETERS)
    try:
        return changes.changes_payload(since=since, limit=limit, api_url=rencontre_api_url(request))
    except changes.CursorGone as e:
        raise HttpError(410, str(e)) from e
    except changes.CursorError as e:
        raise as_validation_error(e, str(e), loc=("query", "since")) from e


def rencontre_api_url(request):
    def api_url(page_id):
        try:
            path = reverse("wagtailapi_v3:rencontre_detail", kwargs={"page_id": page_id})
        except NoReverseMatch:
            return None
        return get_full_url(request, path)

    return api_url


@router.get(
    "/{page_id}/",
    response=RencontreSchema,
    url_name="rencontre_detail",
    operation_id="rencontres_detail",
    summary="Rencontre detail",
)
def rencontre_detail(
    request: HttpRequest,
    page_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
    rich_text_format: RichTextOutputFormat | None = Query(None),  # noqa: B008
):
    reject_unknown_parameters(request, DETAIL_PARAMETERS)
    return get_rencontre(request, page_id)


@router.get(
    "/{page_id}/history/",
    response=history.HistorySchema,
    url_name="rencontre_history",
    operation_id="rencontres_history",
    summary="Published versions of a rencontre",
    description="Newest first; a publication that changed no public field is not a version.",
)
def rencontre_history(request: HttpRequest, page_id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: B008
    reject_unknown_parameters(request, HISTORY_PARAMETERS)
    page = get_rencontre(request, page_id, for_history=True)
    return history.versions_payload(page, request, history_api_path)


@router.get(
    "/{page_id}/history/{number}/",
    response=history.VersionWithRencontre,
    url_name="rencontre_history_version",
    operation_id="rencontres_history_version",
    summary="One published version of a rencontre and what it changed",
)
def rencontre_history_version(
    request: HttpRequest,
    page_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
    number: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
):
    reject_unknown_parameters(request, HISTORY_PARAMETERS)
    page = get_rencontre(request, page_id, for_history=True)
    payload = history.version_payload(page, number, request, history_api_path)
    if payload is None:
        raise Http404(f"No published version {number} of this rencontre.")
    return payload


__all__ = [
    "RencontrePageSchema",
    "RencontreSchema",
    "register_schemas",
    "router",
]
