"""Production settings: refuse to start without secrets; `check --deploy` is clean.

Each case runs in a fresh interpreter, since settings are read once per process.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = "rencontres_site.settings.production"


def run(args, **env):
    # A clean environment: nothing from the developer's shell (DEBUG, SECRET_KEY…) leaks in.
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run(
        ["-c", "import django; django.setup()"],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        ALLOWED_HOSTS="rencontres.example.org",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "need these environment variables: SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run(
        ["-c", "import django; django.setup()"],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
    )

    assert result.returncode != 0
    assert "need these environment variables: ALLOWED_HOSTS" in result.stderr


def test_check_deploy_reports_no_warning():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="rencontres.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
