"""Production settings: refuse to start without what they need; `check --deploy` is clean.

Each case runs in a fresh interpreter, since settings are read once per process.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

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


REQUIRED = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "rencontres.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "WAGTAILADMIN_BASE_URL": "https://rencontres.example.org",
    "WAGTAILAPI_BASE_URL": "https://rencontres.example.org",
}


@pytest.mark.parametrize("missing", list(REQUIRED))
def test_production_refuses_to_start_without_a_required_variable(missing):
    environment = {name: value for name, value in REQUIRED.items() if name != missing}

    result = run(
        ["-c", "import django; django.setup()"], DJANGO_SETTINGS_MODULE=PRODUCTION, **environment
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Production settings need these environment variables: {missing} (" in result.stderr


def test_production_names_every_missing_variable_with_what_it_is():
    result = run(
        ["-c", "import django; django.setup()"],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        ALLOWED_HOSTS=" , ",
    )

    message = result.stderr.strip().splitlines()[-1]
    assert "need these environment variables: SECRET_KEY, ALLOWED_HOSTS, REDIS_URL, " in message
    assert "REDIS_URL: the shared cache, redis://host:6379/0 (Redis or Valkey)" in message


def test_check_deploy_reports_no_warning():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        **REQUIRED,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_use_the_shared_services():
    """Redis (errors ignored, timeouts), database sessions, the task queue in the
    database, S3 media when its bucket is named, WhiteNoise for static files."""
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'cache': s.CACHES['default'], 'sessions': s.SESSION_ENGINE, "
        "'tasks': s.TASKS['default']['BACKEND'], 'queues': s.TASKS['default']['QUEUES'], "
        "'media': s.STORAGES['default']['BACKEND'], "
        "'static': s.STORAGES['staticfiles']['BACKEND'], "
        "'whitenoise': 'rencontres_site.middleware.StaticFilesMiddleware' in s.MIDDLEWARE}))"
    )

    result = run(
        ["-c", script],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        AWS_STORAGE_BUCKET_NAME="rencontres-media",
        REDIS_TIMEOUT="0.25",
        **REQUIRED,
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["cache"]["BACKEND"] == "rencontres_site.cache.ResilientRedisCache"
    assert loaded["cache"]["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert loaded["cache"]["OPTIONS"] == {
        "SOCKET_CONNECT_TIMEOUT": 0.25,
        "SOCKET_TIMEOUT": 0.25,
        "IGNORE_EXCEPTIONS": True,
        "RETRY_AFTER": 5.0,
    }
    assert loaded["sessions"] == "django.contrib.sessions.backends.db"
    assert loaded["tasks"] == "django_tasks_db.DatabaseBackend"
    assert loaded["queues"] == [
        "default",
        "purge",
        "translations",
        "webhooks",
        "geocoding",
        "imports",
    ]
    assert loaded["media"] == "rencontres_site.storage.MediaStorage"
    assert loaded["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert loaded["whitenoise"] is True
