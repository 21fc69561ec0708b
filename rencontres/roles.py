"""Editorial roles (README « Security »).

Migration 0009 creates three groups and a moderation workflow:

- « Rédaction » creates and edits rencontres and organisations, submits them for
  moderation and translates them; it cannot publish, unpublish or delete a live page;
- « Modération » publishes, unpublishes, deletes, locks and unlocks, and approves or
  rejects what « Relecture » brings it;
- « Administration » manages users and holds the plugin's permissions to import,
  export and manage webhooks (rencontres.models.permissions); the host project adds
  its own (the demo: site configuration, login locks).

Page permissions and the workflow « Relecture » apply to the rencontres index of every
language: :func:`attach_to_index` gives a new index (a new language's translation, a
second consultation) what the migration gave the existing ones. A group or workflow a
site deleted or renamed is left alone.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

EDITORS = "Rédaction"
MODERATORS = "Modération"
ADMINISTRATORS = "Administration"
WORKFLOW = "Relecture"

INDEX_PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    MODERATORS: [
        "add_page",
        "change_page",
        "publish_page",
        "delete_page",
        "lock_page",
        "unlock_page",
    ],
}


def attach_to_index(index):
    """Give the editorial groups their page permissions on ``index`` and put it under
    the « Relecture » workflow unless it already has one."""
    for name, codenames in INDEX_PAGE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        permissions = Permission.objects.filter(
            content_type__app_label="wagtailcore",
            content_type__model="page",
            codename__in=codenames,
        )
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=index, permission=permission
            )
    workflow = Workflow.objects.filter(name=WORKFLOW, active=True).first()
    if workflow is not None and not WorkflowPage.objects.filter(page=index).exists():
        WorkflowPage.objects.create(page=index, workflow=workflow)
