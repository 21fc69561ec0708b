"""API v2 endpoints: ``rencontres`` (every field, shared filters, history, and the
change log ``rencontres/changes/``, see :mod:`.changes`), a pages
endpoint that serves rencontres the same way when asked for
``?type=rencontres.RencontrePage``, and Wagtail's images and documents endpoints; all
of them answer 400 (not Wagtail's 500) to a NUL character or an offset beyond
PostgreSQL's integers.

Register them on a :class:`wagtail.api.v2.router.WagtailAPIRouter`, ``rencontres``
before ``pages`` (the router links a rencontre to the first endpoint serving it)::

    api_router.register_endpoint("rencontres", RencontresAPIViewSet)
    api_router.register_endpoint("pages", PagesAPIViewSet)

Only live and public pages: a private page is left out even for a signed-in user,
since public responses may be cached by shared caches.
"""

from django.http import Http404
from django.urls import NoReverseMatch, path, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from pydantic import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from wagtail.api.utils import get_full_url
from wagtail.api.v2 import views
from wagtail.api.v2.filters import AncestorOfFilter, ChildOfFilter, DescendantOfFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.documents.api.v2 import views as documents_views
from wagtail.images.api.v2 import views as images_views

from .. import fragments, preview, selectors
from ..conf import conf
from ..models import RencontrePage
from . import changes, history
from .filters import MAX_ID, FilterError, RencontreQuery
from .http import unsafe_parameters
from .querysets import public_pages
from .representation import api_queryset, prefetch

#: The header a front end sends a preview token in (or ``?token=``).
PREVIEW_TOKEN_HEADER = "Rencontres-Preview-Token"  # noqa: S105 — a header name


def validation_message(error):
    """A pydantic ValidationError as one line: ``param: message; …``."""
    return "; ".join(
        ".".join(str(part) for part in err["loc"]) + ": " + err["msg"] for err in error.errors()
    )


def unknown_parameters(names):
    """The error of Wagtail's own check of the query parameters."""
    names = ", ".join(sorted(names))
    return BadRequestError(f"query parameter is not an operation or a recognised field: {names}")


class RencontreFilter(BaseFilterBackend):
    """:class:`.filters.RencontreQuery` on ``request.GET``; 400 on a bad value."""

    def filter_queryset(self, request, queryset, view):
        params = {
            name: request.GET[name]
            for name in RencontreQuery.parameter_names()
            if name in request.GET
        }
        try:
            query = RencontreQuery.model_validate(params)
            filters = query.to_filters(pages=view.get_base_queryset())
        except ValidationError as e:
            raise BadRequestError(validation_message(e)) from e
        except FilterError as e:
            raise BadRequestError(f"{e.param}: {e.message}") from e
        return selectors.select_rencontres(queryset, filters)


class _NoFormatParameter:
    URL_FORMAT_OVERRIDE = None


class ContentNegotiation(DefaultContentNegotiation):
    """``?format=`` is the rencontre's format here, not Django REST framework's choice
    of renderer (which stays available through the Accept header)."""

    settings = _NoFormatParameter()


RENCONTRE_FILTER_BACKENDS = [ChildOfFilter, AncestorOfFilter, DescendantOfFilter, RencontreFilter]

#: Wagtail's parameters that keep their meaning for lists of rencontres.
COMMON_PARAMETERS = frozenset(
    ["limit", "offset", "fields", "rich_text_format", "_", "child_of", "ancestor_of"]
    + ["descendant_of", "site"]
)


#: The parameters of one rencontre and of its history.
DETAIL_PARAMETERS = frozenset({"fields", "rich_text_format", "site", "_"})
HISTORY_PARAMETERS = frozenset({"site", "_"})
#: The views of a rencontre's history (its page read without the full representation's
#: related objects).
HISTORY_ACTIONS = frozenset({"history_view", "history_version_view"})

#: The parameters of the change log.
CHANGES_PARAMETERS = frozenset({"since", "limit", "_"})


def reject_zero_limit(request):
    """``limit=0``: a 400, as v3 answers it 422 (Wagtail's v2 would send no items)."""
    if request.GET.get("limit", "").strip() == "0":
        raise BadRequestError("limit must be a positive integer")


def history_api_path(request, page, number=None):
    """The path of ``page``'s history (or of its version ``number``) in the v2 router of
    ``request``; None if no endpoint of the router serves it."""
    router = getattr(request, "wagtailapi_router", None)
    endpoint = router and router.get_model_endpoint(RencontrePage)
    if not endpoint or not hasattr(endpoint[1], "history_view"):
        return None
    name, args = (
        ("history", [page.pk]) if number is None else ("history_version", [page.pk, number])
    )
    try:
        return reverse(f"{router.url_namespace}:{endpoint[0]}:{name}", args=args)
    except NoReverseMatch:
        return None


#: The values of Wagtail's ``search_operator`` (its search backend raises a ValueError,
#: a 500, on any other; it reads them in any case).
SEARCH_OPERATORS = frozenset({"and", "or"})


class SafeParametersMixin:
    """400 for what Wagtail's endpoints would pass to PostgreSQL or its search backend
    and answer with a 500: a NUL character in a parameter, an offset beyond the
    database's integers, a ``search_operator`` other than ``and`` or ``or``; 404 for an
    id beyond the integers in the path (SQLite cannot even compare it)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name in ("pk", "number"):
            if name in kwargs and int(kwargs[name]) > MAX_ID:
                raise Http404(f"no {name} {kwargs[name]}")
        errors = unsafe_parameters(request.GET)
        operator = request.GET.get("search_operator")
        if operator is not None and operator.lower() not in SEARCH_OPERATORS:
            errors.append(("search_operator", "must be 'and' or 'or'"))
        if errors:
            raise BadRequestError("; ".join(f"{name}: {message}" for name, message in errors))


class ImagesAPIViewSet(SafeParametersMixin, images_views.ImagesAPIViewSet):
    pass


class DocumentsAPIViewSet(SafeParametersMixin, documents_views.DocumentsAPIViewSet):
    pass


class RencontreListMixin(SafeParametersMixin):
    """Lists of rencontres in a constant number of queries, with the shared filters."""

    def get_base_queryset(self):
        try:
            return public_pages(self.request)
        except ValueError as e:  # ?site= matching several sites
            raise BadRequestError(str(e)) from e

    def history_api_path(self, page):
        return history_api_path(self.request, page)

    def serves_rencontres(self, queryset):
        # Search results without a model: Wagtail's answer to an empty ?search=.
        model = getattr(queryset, "model", None)
        return isinstance(model, type) and issubclass(model, RencontrePage)

    def check_query_parameters(self, queryset):
        if not self.serves_rencontres(queryset):
            return super().check_query_parameters(queryset)
        allowed = COMMON_PARAMETERS | RencontreQuery.parameter_names() | {"type"}
        unknown = set(self.request.GET) - allowed
        if unknown:
            raise unknown_parameters(unknown)

    def filter_queryset(self, queryset):
        if not self.serves_rencontres(queryset):
            return super().filter_queryset(queryset)
        for backend in RENCONTRE_FILTER_BACKENDS:
            queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset

    def paginate_queryset(self, queryset):
        items = super().paginate_queryset(queryset)
        if self.serves_rencontres(queryset):
            items = list(items)
            prefetch(items)
        return items


class PagesAPIViewSet(RencontreListMixin, views.PagesAPIViewSet):
    """Wagtail's pages endpoint; ``?type=rencontres.RencontrePage`` lists rencontres
    as the ``rencontres`` endpoint does (filters, constant queries)."""

    content_negotiation_class = ContentNegotiation

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.serves_rencontres(queryset):
            queryset = api_queryset(queryset)
        return queryset


class RencontresAPIViewSet(RencontreListMixin, views.PagesAPIViewSet):
    """``/rencontres/``: published rencontres with all their fields, filtered and ordered;
    ``/rencontres/<id>/history/`` and ``…/history/<n>/``: their published versions."""

    name = "rencontres"
    model = RencontrePage
    content_negotiation_class = ContentNegotiation
    known_query_parameters = COMMON_PARAMETERS | RencontreQuery.parameter_names()

    def get_queryset(self):
        self.get_base_queryset()  # a 400 for an ambiguous ?site=
        pages = public_pages(self.request, RencontrePage)
        if self.action in HISTORY_ACTIONS:
            return history.history_queryset(pages)
        return api_queryset(pages)

    def check_query_parameters(self, queryset):
        unknown = set(self.request.GET) - self.known_query_parameters
        if unknown:
            raise unknown_parameters(unknown)
        reject_zero_limit(self.request)

    @classmethod
    def get_listing_default_fields(cls, model):
        # A consumer of rencontres wants them whole: every field but the parent page.
        return [name for name in cls.get_available_fields(model) if name != "parent"]

    # -- representations kept until the next publication ------------------------------
    # A rencontre's representation changes only with a visible change (and, for
    # is_past, with the time): it is kept per publication generation and minute
    # (rencontres.fragments.memo), keyed by everything else it depends on — the view,
    # the query parameters (fields, rich text format, filters such as ``near``), the
    # address it is read at, the language. A list then reads only the ids of its page;
    # the rencontres not found are read and represented together.

    def request_key(self, *, paginated):
        """What a response of this view depends on but the data: the view, the query
        parameters (with ``offset`` and ``limit`` or not), the address, the language,
        the minute."""
        request = self.request
        skipped = () if paginated else ("offset", "limit")
        parameters = tuple(
            sorted(
                (name, tuple(values)) for name, values in request.GET.lists() if name not in skipped
            )
        )
        return (
            "api-v2",
            self.action,
            request.resolver_match.namespace,
            *fragments.request_parts(request),
            parameters,
        )

    def representation_key(self, pk):
        return (*self.request_key(paginated=False), pk)

    def listing_view(self, request):
        if fragments.current() is None:  # nothing can be kept: one read of the page
            return super().listing_view(request)
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = self.filter_queryset(queryset)
        # The page's ids and the count (Wagtail's pagination), then the representations.
        page_key = (*self.request_key(paginated=True), "page")
        page = fragments.memo_get(page_key)
        if page is None:
            ids = views.BaseAPIViewSet.paginate_queryset(
                self, queryset.values_list("pk", flat=True)
            )
            page = (self.paginator.total_count, list(ids))
            fragments.memo_set(page_key, page)
        self.paginator.total_count, ids = page
        found = {pk: fragments.memo_get(self.representation_key(pk)) for pk in ids}
        missing = [pk for pk, data in found.items() if data is None]
        if missing:
            pages = list(queryset.filter(pk__in=missing))
            prefetch(pages)
            represented, clean = fragments.compute_cleanly(
                lambda: self.get_serializer(pages, many=True).data
            )
            for page, data in zip(pages, represented, strict=True):
                found[page.pk] = data
                if clean:
                    fragments.memo_set(self.representation_key(page.pk), data)
        return self.get_paginated_response([found[pk] for pk in ids if found[pk] is not None])

    def detail_view(self, request, pk):
        # Wagtail checks the parameters of lists only: a detail refuses the unknown ones
        # too, as v3 does.
        self.refuse_unknown(DETAIL_PARAMETERS)
        key = self.representation_key(str(pk))
        data = fragments.memo_get(key)
        if data is None:
            data, clean = fragments.compute_cleanly(
                lambda: super(RencontresAPIViewSet, self).detail_view(request, pk).data
            )
            if clean:
                fragments.memo_set(key, data)
        return Response(data)

    def refuse_unknown(self, known):
        unknown = set(self.request.GET) - known
        if unknown:
            raise unknown_parameters(unknown)

    # -- history ---------------------------------------------------------------------

    def version_api_path(self, page, number):
        return history_api_path(self.request, page, number)

    def history_view(self, request, pk):
        self.refuse_unknown(HISTORY_PARAMETERS)
        page = self.get_object()
        return Response(history.versions_payload(page, request, self.version_api_path))

    def history_version_view(self, request, pk, number):
        self.refuse_unknown(HISTORY_PARAMETERS)
        page = self.get_object()
        payload = history.version_payload(page, number, request, self.version_api_path)
        if payload is None:
            raise Http404(f"no published version {number}")
        return Response(payload)

    # -- headless preview ----------------------------------------------------------------

    #: The parameters of the preview endpoint (the token may come as a header instead).
    PREVIEW_PARAMETERS = frozenset({"token", "rich_text_format", "_"})

    def get_object(self):
        draft = getattr(self, "_preview_draft", None)
        return draft if draft is not None else super().get_object()

    def preview_view(self, request):
        """The draft a preview token opens, in the shape of ``/rencontres/<id>/``;
        ``private, no-store``; 401 or 403 (and no content) for a missing, expired,
        forged or outdated token (rencontres.preview)."""
        unknown = set(request.GET) - self.PREVIEW_PARAMETERS
        if unknown:
            raise unknown_parameters(unknown)
        token = request.headers.get(PREVIEW_TOKEN_HEADER) or request.GET.get("token")
        try:
            self._preview_draft = preview.draft_for_token(token)
        except preview.PreviewTokenError as e:
            response = Response({"message": str(e)}, status=e.status)
        else:
            prefetch([self._preview_draft])
            response = Response(self.get_serializer(self._preview_draft).data)
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, [PREVIEW_TOKEN_HEADER])
        return response

    # -- change log ----------------------------------------------------------------------

    def rencontre_api_url(self, page_id):
        return get_full_url(self.request, reverse(self.detail_route_name, args=[page_id]))

    @property
    def detail_route_name(self):
        return f"{self.request.resolver_match.namespace}:detail"

    def changes_view(self, request):
        """What became visible or stopped being visible since ``?since=`` (a cursor)."""
        unknown = set(request.GET) - CHANGES_PARAMETERS
        if unknown:
            raise unknown_parameters(unknown)
        reject_zero_limit(request)
        try:
            payload = changes.changes_payload(
                since=request.GET.get("since"),
                limit=request.GET.get("limit"),
                api_url=self.rencontre_api_url,
            )
        except changes.CursorGone as e:
            return Response({"message": str(e)}, status=410)
        except changes.CursorError as e:
            raise BadRequestError(str(e)) from e
        response = Response(payload)
        # Fresh enough for a consumer polling the log (the API's cache keeps the shortest).
        patch_cache_control(response, max_age=max(conf.CHANGES_SETTLE_SECONDS, 0))
        return response

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("changes/", cls.as_view({"get": "changes_view"}), name="changes"),
            path("preview/", cls.as_view({"get": "preview_view"}), name="preview"),
            *super().get_urlpatterns(),
            path("<int:pk>/history/", cls.as_view({"get": "history_view"}), name="history"),
            path(
                "<int:pk>/history/<int:number>/",
                cls.as_view({"get": "history_version_view"}),
                name="history_version",
            ),
        ]
