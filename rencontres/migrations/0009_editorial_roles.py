"""Editorial roles: the groups « Rédaction », « Modération », « Administration » and the
moderation workflow « Relecture » on the rencontres index of every language.

Idempotent (groups, task and workflow are found by name), so that a site which already
has some of them keeps them. An index created later receives the same page permissions
and workflow (rencontres.roles, on its creation). The site configuration's and the login
locks' permissions belong to the host project (home's migration 0002 in the demo).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Rédaction"
MODERATORS = "Modération"
ADMINISTRATORS = "Administration"
WORKFLOW = "Relecture"

MODEL_PERMISSIONS = {
    EDITORS: [
        "wagtailadmin.access_admin",
        "wagtail_localize.submit_translation",
        "rencontres.add_organisation",
        "rencontres.change_organisation",
    ],
    MODERATORS: [
        "wagtailadmin.access_admin",
        "wagtail_localize.submit_translation",
        "rencontres.add_organisation",
        "rencontres.change_organisation",
        "rencontres.delete_organisation",
    ],
    ADMINISTRATORS: [
        "wagtailadmin.access_admin",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "rencontres.import_rencontres",
        "rencontres.manage_webhooks",
        "rencontres.export_rencontres",
    ],
}
INDEX_PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    MODERATORS: ["add_page", "change_page", "publish_page", "delete_page", "lock_page", "unlock_page"],
}
COLLECTION_PERMISSIONS = {
    EDITORS: ["wagtailimages.add_image", "wagtailimages.choose_image",
              "wagtaildocs.add_document", "wagtaildocs.choose_document"],
    MODERATORS: ["wagtailimages.add_image", "wagtailimages.change_image",
                 "wagtailimages.choose_image", "wagtaildocs.add_document",
                 "wagtaildocs.change_document", "wagtaildocs.choose_document"],
}


def ensure_permissions(apps):
    """Permissions are created after the last migration; these need them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def permission(apps, label):
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def create_roles(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    RencontreIndexPage = apps.get_model("rencontres", "RencontreIndexPage")

    groups = {}
    for name, labels in MODEL_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*(permission(apps, label) for label in labels))
        groups[name] = group

    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for name, labels in COLLECTION_PERMISSIONS.items():
            for label in labels:
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[name], collection=root_collection, permission=permission(apps, label)
                )

    task_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=WORKFLOW).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW, content_type=task_type, active=True)
    task.groups.add(groups[MODERATORS])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    page_permissions = {
        name: list(
            Permission.objects.filter(
                content_type__app_label="wagtailcore",
                content_type__model="page",
                codename__in=codenames,
            )
        )
        for name, codenames in INDEX_PAGE_PERMISSIONS.items()
    }
    for index in RencontreIndexPage.objects.all():
        for name, permissions in page_permissions.items():
            for page_permission in permissions:
                GroupPagePermission.objects.get_or_create(
                    group=groups[name], page_id=index.pk, permission=page_permission
                )
        if not WorkflowPage.objects.filter(page_id=index.pk).exists():
            WorkflowPage.objects.create(page_id=index.pk, workflow=workflow)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Workflow.objects.filter(name=WORKFLOW).delete()
    Task.objects.filter(name=WORKFLOW).delete()
    Group.objects.filter(name__in=[EDITORS, MODERATORS, ADMINISTRATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rencontres", "0008_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
