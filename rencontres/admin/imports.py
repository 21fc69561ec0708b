"""« Importer depuis Decidim »: the admin's Decidim import (README « Import from Decidim »).

For people holding the import permission (:data:`~rencontres.models.permissions.IMPORT`);
anyone else gets 403 and no menu entry. The flow:

1. :class:`ImportView`: choose the index, upload a file (the open-data ZIP, a meetings
   CSV or JSON) or give the address of a Decidim open-data download; the file is kept
   and read, and the person lands on the preview.
2. :class:`RunView`: while the worker downloads and reads the file, a wait (polled
   like the progress below); then the preview (what would be created, updated, left unchanged or
   skipped, the conflicts, the formats inferred), then « Confirmer l'import »
   (:class:`ConfirmView`); while it runs, a progress bar fed by :class:`StatusView`
   (``import-progress.js``, a static file: no inline script) and a cancel button
   (:class:`CancelView`); once done, the report, downloadable as CSV
   (:class:`ReportCSVView`).
3. When an import ends, the person who started it is told on their next admin page
   (:func:`notify_finished_imports`).
"""

from django import forms
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..conf import conf
from ..importers import runs, sync
from ..importers.files import too_large_message
from ..importers.report import csv_bytes
from ..importers.tasks import enqueue_import, enqueue_preview
from ..models import DecidimSync, ImportRun, RencontreIndexPage
from ..models.permissions import IMPORT

#: Rows of each list of a report shown in the page (the CSV has them all).
LIST_LIMIT = 500


def can_import(user):
    return user.has_perm(IMPORT)


class IndexChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.locale.get_display_name()})"


class ImportForm(forms.Form):
    """The index, then a file or an address (one of the two)."""

    index = IndexChoiceField(
        label=gettext_lazy("Index des rencontres"),
        queryset=RencontreIndexPage.objects.select_related("locale").order_by("path"),
        empty_label=None,
    )
    file = forms.FileField(
        label=gettext_lazy("Fichier"),
        required=False,
        help_text=gettext_lazy(
            "L’archive ZIP des « Données ouvertes » de Decidim telle que vous l’avez "
            "téléchargée, ou l’export des rencontres (CSV ou JSON)."
        ),
    )
    url = forms.URLField(
        label=gettext_lazy("Ou adresse des données ouvertes"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=gettext_lazy(
            "L’adresse du lien « Télécharger les données ouvertes » de Decidim "
            "(https://…/open-data/download), ou celle d’un fichier des rencontres."
        ),
    )

    def clean(self):
        data = super().clean()
        upload, url = data.get("file"), data.get("url")
        if upload and url:
            raise forms.ValidationError(
                _("Choisissez un fichier ou une adresse, pas les deux."), code="both"
            )
        if not upload and not url and not self.errors:
            raise forms.ValidationError(
                _("Choisissez le fichier à importer ou indiquez son adresse."), code="none"
            )
        if upload and upload.size > conf.IMPORT_MAX_FILE_SIZE:
            self.add_error("file", too_large_message(upload.name, upload.size))
        return data


class ImportPermissionMixin:
    """403 for anyone without the import permission (a page saying so: Wagtail would
    turn PermissionDenied into a redirect); never cached."""

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            return TemplateResponse(
                request,
                "rencontres/admin/import/forbidden.html",
                {"page_title": _("Importer depuis Decidim"), "header_icon": "download"},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_run(self):
        queryset = ImportRun.objects.select_related("index", "index__locale", "user")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])


class ImportView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "rencontres/admin/import/start.html"
    page_title = gettext_lazy("Importer depuis Decidim")
    header_icon = "download"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or ImportForm()
        context["runs"] = ImportRun.objects.select_related("index", "user").exclude(
            status=ImportRun.Status.PREVIEW
        )[:30]
        context["syncs"] = DecidimSync.objects.filter(active=True).select_related(
            "index", "last_run"
        )
        return context

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        index, upload, url = (form.cleaned_data[key] for key in ("index", "file", "url"))
        # Downloading and reading happen in the worker: a slow Decidim or a large file
        # never holds this request.
        if upload:
            run = runs.start_upload(index, upload.read(), upload.name, user=request.user)
        else:
            run = runs.start_address(index, url, user=request.user)
        enqueue_preview(run.pk)
        return redirect("rencontres_import:run", pk=run.pk)


class RunView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """The preview of an import, its progress while it runs, or its report."""

    template_name = "rencontres/admin/import/run.html"
    header_icon = "download"

    def get(self, request, *args, **kwargs):
        self.run = self.get_run()
        if self.run.is_finished and self.run.user_id == request.user.pk and not self.run.notified:
            ImportRun.objects.filter(pk=self.run.pk).update(notified=True)
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        if self.run.status in (ImportRun.Status.READING, ImportRun.Status.PREVIEW):
            return _("Aperçu de l’import")
        if self.run.status == ImportRun.Status.FAILED and not self.run.report:
            return _("Fichier refusé")
        return _("Rapport d’import")

    def get_page_subtitle(self):
        return self.run.file_name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("rencontres_import:start"), "label": _("Importer depuis Decidim")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run
        report = run.report or {}
        context.update(
            run=run,
            report=report,
            lists=report_lists(report),
            summary=summary(run),
            progress=progress_message(run),
            limit=LIST_LIMIT,
            status_url=reverse("rencontres_import:status", args=[run.pk]),
            active_elsewhere=(
                ImportRun.objects.active().filter(index_id=run.index_id).exclude(pk=run.pk).first()
                if run.status == ImportRun.Status.PREVIEW
                else None
            ),
        )
        return context


class ConfirmView(ImportPermissionMixin, View):
    """« Confirmer l'import »: the index's lock, then the worker's task."""

    def post(self, request, pk):
        run = self.get_run()
        if run.status != ImportRun.Status.PREVIEW:
            return redirect("rencontres_import:run", pk=run.pk)
        try:
            runs.confirm(run, enqueue_import)
        except runs.ImportLocked as error:
            messages.error(request, str(error))
            return redirect("rencontres_import:run", pk=run.pk)
        if run.source_url and request.POST.get("sync"):
            sync.link(run.index, run.source_url, user=request.user)
            messages.success(
                request,
                _("« %(index)s » sera réimporté depuis %(url)s à chaque synchronisation.")
                % {"index": run.index.title, "url": run.source_url},
            )
        return redirect("rencontres_import:run", pk=run.pk)


class CancelView(ImportPermissionMixin, View):
    """Abandon a preview (its file deleted), or cancel a waiting or running import."""

    def post(self, request, pk):
        run = self.get_run()
        if run.status == ImportRun.Status.PREVIEW:
            runs.discard(run)
            messages.success(request, _("Aperçu abandonné : rien n’a été importé."))
            return redirect("rencontres_import:start")
        if run.is_active:
            run = runs.cancel(run)
            if run.status == ImportRun.Status.CANCELLED:
                messages.success(request, _("Import annulé avant d’avoir commencé."))
            else:
                messages.success(
                    request,
                    _(
                        "Annulation demandée : l’import s’arrête après la rencontre en cours ; "
                        "celles déjà importées le restent."
                    ),
                )
        return redirect("rencontres_import:run", pk=run.pk)


class StatusView(ImportPermissionMixin, View):
    """Where a run stands, as JSON, for the progress bar (never cached)."""

    def get(self, request, pk):
        run = self.get_run()
        return JsonResponse(
            {
                "status": run.status,
                "label": str(run.get_status_display()),
                "phase": run.phase,
                "done": run.done,
                "total": run.total,
                "finished": not run.is_waiting,
                "cancel_requested": run.cancel_requested,
                "message": progress_message(run),
            }
        )


class ReportCSVView(ImportPermissionMixin, View):
    def get(self, request, pk):
        run = self.get_run()
        rows = [
            [_("import"), run.file_name],
            [_("index"), run.index.title],
            [_("lancé par"), started_by(run)],
            [_("lancé le"), run.created_at.isoformat()],
            [_("état"), str(run.get_status_display())],
            [],
            *runs.report_of(run).rows(),
        ]
        response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{runs.csv_name(run)}"'
        return response


class UnlinkView(ImportPermissionMixin, View):
    def post(self, request, pk):
        found = get_object_or_404(DecidimSync, pk=pk)
        sync.unlink(found.index)
        messages.success(
            request,
            _("« %(index)s » n’est plus synchronisé avec Decidim.") % {"index": found.index.title},
        )
        return redirect("rencontres_import:start")


# -- what the templates show ----------------------------------------------------------------


def started_by(run):
    if run.user is not None:
        return run.user.get_full_name() or run.user.get_username()
    return str(run.get_origin_display())


def progress_message(run):
    if run.status == ImportRun.Status.QUEUED:
        return _("En attente du traitement en arrière-plan…")
    values = {"done": run.done, "total": run.total}
    if run.status == ImportRun.Status.READING:
        if run.source_url:
            return _("Téléchargement et lecture du fichier…")
        return _("Lecture du fichier…")
    if run.status == ImportRun.Status.RUNNING:
        if run.cancel_requested:
            return _("Annulation en cours…")
        if run.phase == "translations":
            return _("Traductions : %(done)s sur %(total)s") % values
        return _("Rencontres : %(done)s sur %(total)s") % values
    return str(run.get_status_display()).capitalize()


def summary(run):
    """The counts of ``run``'s report as ``[(label, count)]``, in the conditional while
    it is the preview's (until the import has run)."""
    counts = run.counts or {}
    if (run.report or {}).get("dry_run", True):
        labels = (
            ("created", _("seraient créées")),
            ("updated", _("seraient mises à jour")),
            ("unchanged", _("inchangées")),
            ("skipped", _("seraient ignorées")),
        )
    else:
        labels = (
            ("created", _("créées")),
            ("updated", _("mises à jour")),
            ("unchanged", _("inchangées")),
            ("skipped", _("ignorées")),
        )
    items = [(label, counts.get(key, 0)) for key, label in labels]
    items.append((_("conflits"), counts.get("conflicts", 0)))
    items.append((_("formats déduits"), counts.get("inferred", 0)))
    return items


def report_lists(report):
    """Each list of the report, cut at :data:`LIST_LIMIT`, with how many were left out."""
    lists = {}
    for key in ("created", "updated", "unchanged", "skipped", "conflicts", "inferred",
                "translation_errors"):  # fmt: skip
        items = report.get(key, [])
        lists[key] = {"items": items[:LIST_LIMIT], "more": max(0, len(items) - LIST_LIMIT)}
    return lists


# -- notification, menu, URLs ----------------------------------------------------------------


def notify_finished_imports(request, menu_items):
    """``construct_main_menu`` runs on every admin page, before its messages are shown:
    tell the person who started an import that it ended (once)."""
    user = request.user
    if not user.is_authenticated or not can_import(user):
        return
    finished = list(
        ImportRun.objects.filter(
            user=user, status__in=ImportRun.FINISHED, notified=False
        ).select_related("index")[:5]
    )
    if not finished:
        return
    ImportRun.objects.filter(pk__in=[run.pk for run in finished]).update(notified=True)
    for run in finished:
        url = reverse("rencontres_import:run", args=[run.pk])
        text = finished_message(run)
        level = messages.success if run.status == ImportRun.Status.DONE else messages.warning
        level(request, text, buttons=[messages.button(url, _("Voir le rapport"))])


def finished_message(run):
    counts = run.counts or {}
    if run.status == ImportRun.Status.DONE:
        return ngettext(
            "Import de « %(file)s » dans « %(index)s » terminé : %(created)s créée, "
            "%(updated)s mises à jour, %(skipped)s ignorées.",
            "Import de « %(file)s » dans « %(index)s » terminé : %(created)s créées, "
            "%(updated)s mises à jour, %(skipped)s ignorées.",
            counts.get("created", 0),
        ) % {
            "file": run.file_name,
            "index": run.index.title,
            "created": counts.get("created", 0),
            "updated": counts.get("updated", 0),
            "skipped": counts.get("skipped", 0),
        }
    if run.status == ImportRun.Status.CANCELLED:
        return _("Import de « %(file)s » dans « %(index)s » annulé.") % {
            "file": run.file_name,
            "index": run.index.title,
        }
    return _("Import de « %(file)s » dans « %(index)s » en échec : %(error)s") % {
        "file": run.file_name,
        "index": run.index.title,
        "error": run.error,
    }


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


def menu_item():
    return ImportMenuItem(
        gettext_lazy("Importer depuis Decidim"),
        reverse("rencontres_import:start"),
        name="rencontres-import",
        icon_name="download",
        order=250,
    )


app_name = "rencontres_import"
urlpatterns = [
    path("", ImportView.as_view(), name="start"),
    path("<int:pk>/", RunView.as_view(), name="run"),
    path("<int:pk>/confirmer/", ConfirmView.as_view(), name="confirm"),
    path("<int:pk>/annuler/", CancelView.as_view(), name="cancel"),
    path("<int:pk>/etat/", StatusView.as_view(), name="status"),
    path("<int:pk>/rapport.csv", ReportCSVView.as_view(), name="csv"),
    path("synchronisations/<int:pk>/arreter/", UnlinkView.as_view(), name="unlink"),
]
