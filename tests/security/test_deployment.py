"""Deployment defaults: the development settings never run on a production machine, and
the proxy's HTTPS header is believed only when a setting says a proxy overwrites it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code, **env):
    """Run ``code`` in a fresh interpreter with ``env`` (nothing else from the suite)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "BEHIND_", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603 - the suite's own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage(*args, **env):
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_py_refuses_the_dev_settings_in_production():
    result = manage(
        "check",
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="rencontres_site.settings.dev",
    )
    assert result.returncode != 0
    assert "DJANGO_ENV=production: the development settings" in result.stderr


def test_manage_py_defaults_to_production_settings_in_production():
    result = manage("diffsettings", DJANGO_ENV="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="")
    # The production settings load by default, and refuse to start without their variables.
    assert result.returncode != 0
    assert "Production settings need these environment variables: ALLOWED_HOSTS" in result.stderr


def test_the_dev_settings_load_elsewhere():
    result = manage("diffsettings", DJANGO_SETTINGS_MODULE="rencontres_site.settings.dev")
    assert result.returncode == 0, result.stderr
    assert "DEBUG = True" in result.stdout


PRINT_PROXY_HEADER = (
    "import django, os; from django.conf import settings; django.setup(); "
    "print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "rencontres_site.settings.production",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "rencontres.example",
    # The production stack's other required variables (#13): never contacted here.
    "REDIS_URL": "redis://127.0.0.1:9/0",
    "WAGTAILADMIN_BASE_URL": "https://rencontres.example",
    "WAGTAILAPI_BASE_URL": "https://rencontres.example",
}


def test_the_forwarded_proto_header_is_not_believed_by_default():
    result = run(PRINT_PROXY_HEADER, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_behind_an_https_proxy_it_is():
    result = run(PRINT_PROXY_HEADER, BEHIND_HTTPS_PROXY="1", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
