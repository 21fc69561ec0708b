"""Full-text search in French where accents never matter (PostgreSQL only).

The stock ``french`` configuration stems words but keeps their accents, so "vallee"
does not find "Vallée". ``french_unaccent`` is a copy of it that removes accents
(``unaccent`` dictionary) before stemming. Wagtail's database search backend uses it
through ``WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"]``; rebuild the index
(``manage.py update_index``) after changing that setting on an existing database.

SQLite (the quick start) has no text search configurations: nothing to do there.
"""

from django.db import migrations

CONFIG = "french_unaccent"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.french);
        ALTER TEXT SEARCH CONFIGURATION {CONFIG}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""

# The extension stays: other code may rely on it.
DROP = f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG};"


def create_config(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_config(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("rencontres", "0002_seed_departements")]

    operations = [migrations.RunPython(create_config, drop_config, elidable=False)]
