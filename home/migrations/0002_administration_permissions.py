"""The demo's share of the editorial roles (rencontres' migration 0009 creates them):
« Administration » alone changes the site configuration (django-dsfr's DsfrConfig,
whose texts appear on every public page) and lifts login locks (django-axes)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATORS = "Administration"
PERMISSIONS = [
    "dsfr.add_dsfrconfig",
    "dsfr.change_dsfrconfig",
    "dsfr.delete_dsfrconfig",
    "dsfr.view_dsfrconfig",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=ADMINISTRATORS)
    for label in PERMISSIONS:
        app_label, codename = label.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=ADMINISTRATORS).first()
    if group is not None:
        for label in PERMISSIONS:
            app_label, codename = label.split(".")
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("rencontres", "0009_editorial_roles"),
        ("dsfr", "0012_dsfrconfig_notice_description_and_more"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
