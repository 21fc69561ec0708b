"""Seed the official régions and départements (with their time zones)."""

from django.db import migrations

from rencontres.geography import DEPARTEMENTS, REGIONS, sort_order


def seed(apps, schema_editor):
    Region = apps.get_model("rencontres", "Region")
    Departement = apps.get_model("rencontres", "Departement")
    regions = {}
    for code, name in REGIONS:
        regions[code], _created = Region.objects.update_or_create(
            code=code, defaults={"name": name}
        )
    for code, name, region_code, tz in DEPARTEMENTS:
        Departement.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "region": regions.get(region_code),
                "timezone": tz,
                "sort_order": sort_order(code),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("rencontres", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
