#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

if __name__ == "__main__":
    # DJANGO_ENV=production chooses the production settings by default; the development
    # settings refuse to load there (rencontres_site.settings.dev).
    production = os.environ.get("DJANGO_ENV", "").strip().lower() == "production"
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE",
        "rencontres_site.settings." + ("production" if production else "dev"),
    )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
