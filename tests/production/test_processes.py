"""Stateless app processes: two gunicorn processes with the production settings, on the
test database, a real Redis and a real S3 server. What one process does, the other
sees at once; static files come from the processes themselves (WhiteNoise)."""

import http.cookiejar
import json
import urllib.error
import urllib.request
import uuid

import pytest
from wagtail.documents.models import Document
from wagtail.models import Collection, Site

from tests.factories import build_site, superuser

from .servers import free_port

PROGRAMME = b"%PDF-1.4\nProgramme de la rencontre de Saint-Chamond\n%%EOF\n"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A browser: its cookies go to every process (cookies ignore ports)."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, url, data=None, headers=None):
        """(status, headers, body) of a request; redirects are not followed."""
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 (http://127.0.0.1 only)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def get(self, url, **headers):
        return self.request(url, headers=headers)

    def post(self, url, fields, files=None):
        """A form as a browser sends it, with Django's CSRF token from the cookie."""
        if not any(cookie.name == "csrftoken" for cookie in self.cookies):
            self.get(url)  # the form's page sets the CSRF cookie
        token = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**fields, "csrfmiddlewaretoken": token}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content, content_type) in (files or {}).items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_edit_through_one_process_is_seen_by_the_other_at_once(
    start_apps, s3_server, bucket, settings
):
    home, _index = build_site()
    # A password the production settings can check (the suite's MD5 hasher is not theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    superuser("exploitation")
    first, second = start_apps(2, **s3_server.environment(bucket))
    visitor = Visitor()

    # Sessions: logged in through the first process, recognised by the second.
    status, headers, _ = visitor.get(f"{second.url}/admin/")
    assert (status, headers["Location"]) == (302, "/admin/login/?next=/admin/")
    status, headers, _ = visitor.post(
        f"{first.url}/admin/login/", {"username": "exploitation", "password": "mot-de-passe"}
    )
    assert (status, headers["Location"]) == (302, "/admin/")
    status, _, body = visitor.get(f"{second.url}/admin/")
    assert status == 200
    assert "exploitation" in body.decode()

    # Settings and cache: the second process reads the site's root paths from the cache;
    # the site edited through the first one, the second builds its URLs from the new name.
    status, _, sitemap = visitor.get(f"{second.url}/sitemap.xml")
    assert status == 200
    assert b"<loc>http://localhost/</loc>" in sitemap
    site = Site.objects.get(is_default_site=True)
    status, _, _ = visitor.post(
        f"{first.url}/admin/sites/edit/{site.pk}/",
        {
            "hostname": "rencontres.example.org",
            "port": "80",
            "site_name": "Les rencontres locales",
            "root_page": str(home.pk),
            "is_default_site": "on",
        },
    )
    assert status == 302
    for app in (second, first):
        _, _, sitemap = visitor.get(f"{app.url}/sitemap.xml")
        assert b"<loc>http://rencontres.example.org/</loc>" in sitemap
        assert b"localhost" not in sitemap

    # Media: uploaded through the first process into the bucket, served by the second.
    status, _, _ = visitor.post(
        f"{first.url}/admin/documents/add/",
        {"title": "Programme de Saint-Chamond", "collection": Collection.get_first_root_node().pk},
        files={"file": ("programme.pdf", PROGRAMME, "application/pdf")},
    )
    assert status == 302
    document = Document.objects.get(title="Programme de Saint-Chamond")
    status, headers, body = Visitor().get(f"{second.url}{document.url}")
    assert (status, headers["Content-Type"], body) == (200, "application/pdf", PROGRAMME)
    stored = s3_server.client().get_object(Bucket=bucket, Key=document.file.name)
    assert stored["Body"].read() == PROGRAMME

    # Both processes ready, the edits' index updates waiting for the worker.
    for app in (first, second):
        status, _, body = visitor.get(f"{app.url}/readyz/")
        report = json.loads(body)
        assert (status, report["status"]) == (200, "ready"), report
        assert report["checks"]["tasks"]["due"].get("default", 0) > 0


def test_static_files_are_served_hashed_compressed_and_immutable(start_apps, production_static):
    """WhiteNoise in the app process, which needs no database for them; without its
    database the process is alive but not ready."""
    (app,) = start_apps(1, DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/absente")
    manifest = json.loads((production_static / "staticfiles.json").read_text())
    hashed = manifest["paths"]["dsfr/dist/dsfr/dsfr.min.css"]
    assert hashed != "dsfr/dist/dsfr/dsfr.min.css"
    visitor = Visitor()

    sizes = {}
    for encoding in ("br", "gzip", "identity"):
        status, headers, body = visitor.get(
            f"{app.url}/static/{hashed}", **{"Accept-Encoding": encoding}
        )
        assert status == 200
        assert headers["Cache-Control"] == "max-age=31536000, public, immutable"
        assert headers.get("Content-Encoding", "identity") == encoding
        sizes[encoding] = len(body)
    assert sizes["br"] < sizes["gzip"] < sizes["identity"] / 5

    status, headers, _ = visitor.get(f"{app.url}/static/dsfr/dist/dsfr/dsfr.min.css")
    assert status == 200
    assert "immutable" not in headers["Cache-Control"]

    status, _, body = visitor.get(f"{app.url}/healthz/")
    assert (status, body) == (200, b"ok\n")
    status, _, body = visitor.get(f"{app.url}/readyz/")
    report = json.loads(body)
    assert (status, report["status"]) == (503, "unready")
    assert report["checks"]["database"]["status"] == "unavailable"
    assert report["checks"]["cache"]["status"] == "ok"
