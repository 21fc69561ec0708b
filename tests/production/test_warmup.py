"""An app process loads what its pages need when it starts (rencontres_site.warmup), so
that its first visitors do not wait for it: a new process, as after a deploy, serves
its first pages without importing a module."""

import json

import pytest
from django.conf import settings

from tests.factories import RencontrePageFactory, build_site, publish

from .servers import production_environment
from .test_settings import run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FIRST_REQUESTS = """
import io, json, sys
from rencontres_site.wsgi import application

def get(path):
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
    }
    status = []
    body = application(environ, lambda s, h, e=None: status.append(s))
    content = b"".join(body)
    body.close()
    return status[0], content

found = {}
for path in sys.argv[1:]:
    before = set(sys.modules)
    status, content = get(path)
    loaded = sorted(name for name in set(sys.modules) - before
                    if not name.startswith("encodings."))
    found[path] = [status, loaded, len(content)]
print(json.dumps(found))
"""


def test_a_new_app_process_serves_its_first_pages_without_loading_anything(
    redis_url, production_static
):
    _home, index = build_site()
    page = publish(RencontrePageFactory(parent=index, title="Atelier de la vallée du Gier"))
    paths = ["/robots.txt", "/rencontres/", page.url, "/api/v2/rencontres/", "/en/rencontres/"]
    environment = production_environment(
        settings.DATABASES["default"], redis_url, production_static
    )

    result = run(["-c", FIRST_REQUESTS, *paths], **environment)

    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    for path in paths:
        status, loaded, _size = found[path]
        assert status.startswith(("200", "302")), (path, status)
        assert loaded == [], (path, loaded)
