"""The notice on a translation's edit view when its synchronised fields lag behind its
source (:class:`~rencontres.models.TranslationSyncIssue`): a push that failed and is
being retried, or values held in a draft while the translation is under moderation.

Shown as an admin message, so that it appears above wagtail-localize's translation
editor and Wagtail's page editor alike (the hook runs before wagtail-localize's)."""

from django.contrib import messages
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ..models import TranslationSyncIssue


def sync_notice(page):
    """The text of the notice for ``page``, and whether it is a failure; or None."""
    issue = TranslationSyncIssue.objects.filter(page_id=page.pk).select_related("source").first()
    if issue is None:
        return None
    source = issue.source.get_admin_display_title()
    if issue.kind == TranslationSyncIssue.Kind.MODERATION:
        if page.current_workflow_state is None:  # approved or cancelled since
            return None
        return (
            _(
                "La page source « %(source)s » a été publiée avec de nouvelles dates, "
                "statut, lieu ou liens pendant que cette traduction est en modération : "
                "ces valeurs ont été ajoutées à son dernier brouillon, sans la retirer de "
                "son processus de validation. La version en ligne les recevra quand ce "
                "brouillon sera approuvé et publié."
            )
            % {"source": source},
            False,
        )
    return (
        _(
            "Les dates, le statut, le lieu et les liens de la page source « %(source)s » "
            "n’ont pas pu être reportés sur cette traduction (%(attempts)s tentative(s), "
            "la dernière le %(date)s : %(error)s). Ils sont retentés automatiquement ; un "
            "administrateur peut aussi relancer « manage.py sync_translations »."
        )
        % {
            "source": source,
            "attempts": issue.attempts,
            "date": date_format(localtime(issue.updated_at), "DATETIME_FORMAT"),
            "error": issue.message,
        },
        True,
    )


def add_sync_notice(request, page):
    """``before_edit_page`` hook: the notice as a message of the page's edit view."""
    if request.method != "GET":
        return None
    notice = sync_notice(page)
    if notice is not None:
        text, failed = notice
        (messages.error if failed else messages.warning)(request, text)
    return None
