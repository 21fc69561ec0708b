"""The « Rencontres » admin listing.

The listing is Wagtail's flat page listing (``PageListingViewSet``) with the columns
staff need, filters by département, région, format, status and period, and the CSV /
XLSX download of the filtered list, whose columns are :mod:`rencontres.exports`'.
"""

from collections import defaultdict
from urllib.parse import urlencode

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import wagtail_hooks as admin_hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.admin.widgets.button import Button, ButtonWithDropdownFromHook, ListingButton
from wagtail.models import Locale, Page
from wagtail_localize import wagtail_hooks as localize_hooks
from wagtail_localize.models import TranslationSource

from ..exports import export_dicts, export_headers, spreadsheet_safe
from ..models import Departement, Region, RencontreFormat, RencontrePage, RencontreStatus
from ..models.choices import Period
from ..models.permissions import EXPORT
from ..selectors import filter_period

#: The UTF-8 byte-order mark that opens the admin's CSV export.
BOM = "\ufeff"

# -- the « Rencontres » listing ------------------------------------------------------------


class PeriodFilter(django_filters.ChoiceFilter):
    """Upcoming or past: the public listing's periods (:class:`Period`, same values in the
    query string) and :func:`rencontres.selectors.filter_period`, from the end time at
    the moment of the request (never stored)."""

    def __init__(self, **kwargs):
        # « Toutes » is the empty choice (``empty_label``).
        kwargs.setdefault("choices", [(p.value, p.label) for p in (Period.UPCOMING, Period.PAST)])
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return filter_period(qs, value) if value else qs


class RencontreFilterSet(PageFilterSet):
    """Wagtail's page filters (date, owner, site, locale…) plus the rencontre's own."""

    departement = django_filters.ModelChoiceFilter(
        label=_("Département"),
        queryset=Departement.objects.all(),
        empty_label=_("Tous les départements"),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Région"),
        field_name="departement__region",
        queryset=Region.objects.all(),
        empty_label=_("Toutes les régions"),
    )
    format = django_filters.MultipleChoiceFilter(
        label=_("Format"),
        choices=RencontreFormat.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Statut"),
        choices=RencontreStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    period = PeriodFilter(label=_("Période"), empty_label=_("Toutes"), widget=forms.RadioSelect)

    class Meta:
        model = RencontrePage
        fields = []


def local_start_display(page):
    """« 12/05/2030 18:00 », with the zone when it is not Paris time."""
    if not page.start:
        return ""
    text = date_format(page.local_start, "SHORT_DATETIME_FORMAT")
    if page.shows_timezone:
        return f"{text} ({page.timezone_label})"
    return text


def period_display(page):
    if not page.end:
        return ""
    return _("Passée") if page.is_past else _("À venir")


# wagtail-localize adds « Traduire cette page » and « Synchroniser les pages traduites » to
# each row's menu with 2 to 4 queries a row. The listing computes the same answers for the
# whole page of results at once and leaves that hook out of its rows.


class TranslationState:
    """Which rows can be translated or synced, from 3 queries for the page of results."""

    def __init__(self, pages, user):
        self.enabled = bool(pages) and user.has_perm("wagtail_localize.submit_translation")
        self.locale_ids = set()
        self.translated = defaultdict(set)
        self.sources = {}
        if not self.enabled:
            return
        keys = {page.translation_key for page in pages}
        self.locale_ids = set(Locale.objects.values_list("pk", flat=True))
        rows = Page.objects.filter(translation_key__in=keys, alias_of__isnull=True)
        for key, locale_id in rows.values_list("translation_key", "locale_id"):
            self.translated[key].add(locale_id)
        sources = TranslationSource.objects.filter(
            object_id__in=keys,
            object__content_type=ContentType.objects.get_for_model(Page),
            translations__enabled=True,
        ).values_list("object_id", "locale_id", "pk")
        self.sources = {(key, locale_id): pk for key, locale_id, pk in sources.distinct()}

    def buttons(self, page, next_url=None):
        if not self.enabled:
            return []
        buttons = []
        if self.locale_ids - self.translated[page.translation_key]:
            url = reverse(
                "wagtail_localize:submit_page_translation", args=[page.alias_of_id or page.id]
            )
            buttons.append(
                Button(
                    _("Traduire cette page"),
                    url,
                    priority=60,
                    icon_name="wagtail-localize-language",
                )
            )
        source_id = self.sources.get((page.translation_key, page.locale_id))
        if source_id is not None:
            url = reverse("wagtail_localize:update_translations", args=[source_id])
            if next_url:
                url += "?" + urlencode({"next": next_url})
            buttons.append(
                Button(
                    _("Synchroniser les pages traduites"),
                    url,
                    priority=60,
                    icon_name="resubmit",
                )
            )
        return buttons


def _shown(buttons, user):
    """Buttons and menu items of hooks, as Wagtail's page listing keeps them."""
    kept = []
    for button in buttons:
        if isinstance(button, MenuItem):
            if button.is_shown(user):
                kept.append(Button.from_menu_item(button))
        elif button.show:
            kept.append(button)
    return kept


class RowMoreButton(ButtonWithDropdownFromHook):
    """A row's « … » menu: every hook but wagtail-localize's, plus its batched buttons."""

    def __init__(self, *args, translation_buttons=(), **kwargs):
        self.translation_buttons = list(translation_buttons)
        super().__init__(*args, **kwargs)

    @cached_property
    def dropdown_buttons(self):
        found = []
        for hook in hooks.get_hooks(self.hook_name):
            if hook is localize_hooks.page_listing_more_buttons:
                continue
            found.extend(hook(page=self.page, user=self.user, next_url=self.next_url))
        return _shown([*found, *self.translation_buttons], self.user)


def row_buttons(page, user, next_url, translation_state, context):
    """The buttons of a row, as ``{% page_listing_buttons %}`` makes them."""
    found = []
    for hook in hooks.get_hooks("register_page_listing_buttons"):
        if hook is admin_hooks.page_listing_buttons:
            found.append(
                RowMoreButton(
                    "",
                    hook_name="register_page_listing_more_buttons",
                    page=page,
                    user=user,
                    next_url=next_url,
                    translation_buttons=translation_state.buttons(page, next_url),
                    icon_name="dots-horizontal",
                    attrs={
                        "aria-label": _("Plus d’options pour « %(title)s »")
                        % {"title": page.get_admin_display_title()}
                    },
                    priority=50,
                )
            )
        else:
            found.extend(hook(page=page, next_url=next_url, user=user))
    buttons = []
    for button in found:
        if isinstance(button, MenuItem):
            if button.is_shown(user):
                buttons.append(ListingButton.from_menu_item(button))
        elif button.show:
            buttons.append(button)
    buttons.sort()
    for hook in hooks.get_hooks("construct_page_listing_buttons"):
        hook(buttons, page=page, user=user, context=context)
    return buttons


class RencontreTitleColumn(PageTitleColumn):
    """The title, its indicators and the row's buttons, without per-row queries."""

    cell_template_name = "rencontres/admin/title_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        user = parent_context["request"].user
        table = parent_context["table"]
        # One state for the whole table, computed when its first row is rendered.
        state = getattr(table, "_rencontres_translation_state", None)
        if state is None:
            state = table._rencontres_translation_state = TranslationState(list(table.data), user)
        context["buttons"] = row_buttons(
            instance,
            user,
            parent_context.get("actions_next_url") or parent_context["request"].path,
            state,
            parent_context,
        )
        return context


class RencontreIndexView(IndexView):
    """The flat listing of every rencontre, in every language, all states."""

    page_title = _("Rencontres")
    export_filename = "rencontres"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # The download has the columns of rencontres.exports, not those of the table;
        # only for those with the export permission (« Administration »).
        if request.user.has_perm(EXPORT):
            self.list_export, labels = export_headers()
            self.export_headings = dict(zip(self.list_export, labels, strict=True))
        else:
            self.list_export = []

    def get(self, request, *args, **kwargs):
        if self.is_export and not self.list_export:
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def user_has_any_permission(self, permissions):
        # Those who export (« Administration ») read the whole listing without page rights.
        return self.request.user.has_perm(EXPORT) or super().user_has_any_permission(permissions)

    def get_base_queryset(self):
        if self.request.user.has_perm(EXPORT):
            pages = self.annotate_queryset(self.model.objects.filter(depth__gt=1))
        else:
            pages = super().get_base_queryset()
        # The table shows the département and its région: one join, not one query a row.
        return pages.select_related("departement__region", for_specific_subqueries=True)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        _keys, _labels, rows = export_dicts(queryset)
        return super().as_spreadsheet(rows, spreadsheet_format)

    def to_row_dict(self, item):
        # ``as_spreadsheet`` passes rows already built by rencontres.exports.
        return item

    def preprocess_field_value(self, field, value, export_format):
        # Both formats: no cell runs as a formula (Wagtail's XLSX only retypes the
        # cells openpyxl takes for formulas, its CSV none).
        return spreadsheet_safe(super().preprocess_field_value(field, value, export_format))

    def stream_csv(self, queryset):
        # A byte-order mark first: spreadsheets then read UTF-8 (accents intact) rather
        # than the system's legacy encoding.
        yield BOM
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response


class RencontreListingViewSet(PageListingViewSet):
    """« Rencontres » in the admin menu: every rencontre, filtered and exported."""

    model = RencontrePage
    index_view_class = RencontreIndexView
    icon = "date"
    menu_label = _("Rencontres")
    menu_order = 150
    add_to_admin_menu = True
    ordering = "-start"
    export_filename = "rencontres"
    filterset_class = RencontreFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        RencontreTitleColumn("title", label=_("Titre"), sort_key="title", classname="title"),
        Column(
            "departement",
            label=_("Département"),
            accessor="departement",
            sort_key="departement__sort_order",
        ),
        Column(
            "start", label=_("Début (heure locale)"), accessor=local_start_display, sort_key="start"
        ),
        Column("format", label=_("Format"), accessor="get_format_display", sort_key="format"),
        Column(
            "rencontre_status",
            label=_("Statut"),
            accessor="get_status_display",
            sort_key="status",
        ),
        Column("period", label=_("Période"), accessor=period_display, sort_key="end"),
        PageStatusColumn("live_status", label=_("Publication"), sort_key="live"),
    ]


__all__ = ["RencontreFilterSet", "RencontreIndexView", "RencontreListingViewSet"]
