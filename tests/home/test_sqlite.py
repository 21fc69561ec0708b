"""The quick start's database: `make run` migrates a SQLite file, loads the demo and
serves it with the dev settings. Done here in fresh interpreters, as `make run` does."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs after `migrate`, in the subprocess: loads the demo twice, then requests the pages
# a visitor of `make run` opens first, and prints what it saw as JSON.
SMOKE = """
import json
from io import StringIO

import django

django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
from wagtail.models import Page, Revision

def load():
    call_command("load_demo", stdout=StringIO())
    return [Page.objects.count(), Revision.objects.count()]

setup_test_environment()  # lets the test client's "testserver" host through
first, second = load(), load()
client = Client()
home = client.get("/")
html = home.content.decode()
statuses = {url: client.get(url).status_code for url in
            ["/", "/en/", "/plan-du-site/", "/mentions-legales/", "/rencontres/", "/admin/login/"]}
print(json.dumps({"first": first, "second": second, "statuses": statuses, "html": html}))
"""


def run(args, env):
    return subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_demo_and_home_page_on_sqlite(tmp_path):
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env = {
        **base,
        "DJANGO_SETTINGS_MODULE": "rencontres_site.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }

    migrate = run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    assert migrate.returncode == 0, migrate.stderr
    smoke = run(["-c", SMOKE], env)
    assert smoke.returncode == 0, smoke.stderr

    seen = json.loads(smoke.stdout.strip().splitlines()[-1])
    assert seen["first"] == seen["second"]  # pages, revisions: nothing loaded twice
    assert seen["first"][0] > 10
    assert seen["statuses"] == {
        "/": 200,
        "/en/": 200,
        "/plan-du-site/": 200,
        "/mentions-legales/": 200,
        "/rencontres/": 200,
        "/admin/login/": 200,
    }
    assert '<html lang="fr"' in seen["html"]
    assert "Les rencontres locales" in seen["html"]
    assert 'id="content"' in seen["html"]
