"""What Varnish keeps, for whom, and what happens when a part of the stack is down."""

import logging
import re
import time

import pytest
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset

from rencontres.models import TaskFailure
from tests.factories import RencontrePageFactory, publish, rencontre_form_data, superuser

from ..servers import AppProcess, free_port
from ..test_processes import Visitor
from .conftest import Client
from .servers import VarnishServer
from .world import TITLE, build_world

pytestmark = [
    pytest.mark.varnish,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_second_anonymous_request_is_a_hit_on_every_surface(through_cache):
    world = build_world()
    seen = through_cache.warm(world.every_path)
    for path, response in seen.items():
        assert response.status == 200, path
        control = response.headers["Cache-Control"]
        # The change log lists an event once it is CHANGES_SETTLE_SECONDS old (1 here).
        shared = 1 if "/changes/" in path else 600
        assert re.search(rf"\bs-maxage={shared}\b", control), (path, control)
        assert re.search(r"\bmax-age=(1|60|300)\b", control), (path, control)
        assert int(response.headers["Age"]) >= 0
        # The keys and the banned URL are Varnish's business, not the visitor's.
        assert "xkey" not in response.headers and "x-url" not in response.headers
    assert TITLE in seen[world.page.url].text


def test_variants_stay_few(through_cache, stack):
    world = build_world()
    url = world.page.url
    first = through_cache.get(url)
    assert not first.hit
    # Cookies of anonymous visitors, a tracking parameter, another browser language,
    # another spelling of the host: the same object.
    for headers in (
        {"Cookie": "csrftoken=abc; _ga=GA1.2.3"},
        {"Accept-Language": "en-GB,en;q=0.9"},
        {"Accept-Language": "de"},
        {"Host": f"127.0.0.1:{stack.varnish.port}"},
        {"Host": "www.example.org"},
    ):
        again = through_cache.get(url, **headers)
        assert again.hit, headers
        assert again.body == first.body
        assert 'lang="fr"' in again.text
        assert "Accept-Language" not in again.headers.get("Vary", "")
    assert through_cache.get(f"{url}?utm_source=lettre").hit
    # The English page is its own URL.
    english = through_cache.get(world.english.get_url())
    assert 'lang="en"' in english.text


def test_a_signed_in_editor_never_gets_nor_poisons_cached_pages(through_cache, stack, settings):
    world = build_world()
    # A page for signed-in users only: the editor sees it, anonymous visitors must not.
    members = publish(RencontrePageFactory(parent=world.index, title="Réunion des animateurs"))
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    editor = signed_in_editor(stack, settings)
    for _ in range(2):
        for path in (members.url, world.page.url, "/rencontres/", "/admin/", "/api/v2/rencontres/"):
            status, headers, body = editor.get(stack.varnish.url + path)
            assert status == 200, path
            assert headers["X-Cache"] == "MISS", path
            if path != "/api/v2/rencontres/":  # the API ignores sessions: the same for all
                assert "private" in headers["Cache-Control"], path
        # The preview of a draft, through the cache.
        status, headers, body = editor.get(
            f"{stack.varnish.url}/admin/pages/{world.page.pk}/edit/preview/?mode="
        )
        assert headers["X-Cache"] == "MISS"

    # Anonymous visitors after the editor: nothing of what the editor received.
    response = through_cache.get(members.url)
    assert response.status == 302 and "/login/" in response.headers["Location"]
    assert "Réunion des animateurs" not in response.text
    assert not through_cache.get(world.page.url).hit  # the editor's copy was not stored
    assert through_cache.get(world.page.url).hit
    # A private page's password form carries a CSRF token: never stored.
    make_password = PageViewRestriction.objects.create(
        page=world.page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    through_cache.wait_until_fresh(
        {world.page.url: lambda r: "csrfmiddlewaretoken" in r.text}, since=time.monotonic()
    )
    assert not through_cache.get(world.page.url).hit
    make_password.delete()


def signed_in_editor(stack, settings):
    # A password the production settings can check (the suite's MD5 hasher is not theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    superuser("redaction")
    editor = Visitor()
    status, headers, _ = editor.post(
        f"{stack.varnish.url}/admin/login/", {"username": "redaction", "password": "mot-de-passe"}
    )
    assert status == 302, headers
    return editor


def test_publishing_through_the_admin_reaches_visitors_through_the_worker(
    through_cache, stack, settings
):
    """« Publier » in the admin (an app process), the purge run by the task worker."""
    world = build_world()
    editor = signed_in_editor(stack, settings)
    pk = world.page.pk
    paths = [world.page.url, "/rencontres/", "/api/v2/rencontres/", f"/api/v3/rencontres/{pk}/"]
    through_cache.warm(paths)
    data = rencontre_form_data(
        title="Atelier de la vallée du Gier, nouvelle date",
        slug=world.page.slug,
        organisers=inline_formset([{"organisation": str(world.organisation.pk)}]),
    )
    data["action-publish"] = "action-publish"
    started = time.monotonic()
    status, headers, body = editor.post(
        f"{stack.varnish.url}/admin/pages/{world.page.pk}/edit/", data
    )
    assert status == 302, body.decode()[:2000]
    through_cache.wait_until_fresh(
        {path: (lambda r: "nouvelle date" in r.text) for path in paths}, since=started
    )


def test_varnish_down_publishing_succeeds_and_the_purge_gives_up(settings, caplog):
    world = build_world()
    settings.RENCONTRES_CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]  # nobody
    settings.RENCONTRES_CACHE_PURGE_MAX_ATTEMPTS = 3
    settings.RENCONTRES_CACHE_PURGE_RETRY_DELAY = 0
    with caplog.at_level(logging.WARNING, logger="rencontres.tasks"):
        page = publish(world.page, title="Atelier reporté")
    assert page.live and page.title == "Atelier reporté"
    # The retry helper's records (django-tasks logs each attempt's state too).
    ours = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "rencontres.tasks"]
    assert [level for level, _ in ours] == [logging.WARNING, logging.WARNING, logging.ERROR]
    assert "rencontres.cache.purge.purge_cache given up after 3 attempt(s)" in ours[-1][1]
    failure = TaskFailure.objects.get(task_path="rencontres.cache.purge.purge_cache")
    assert failure.attempts == 3 and failure.queue_name == "purge"
    assert "Connection refused" in failure.message


def test_stale_content_is_served_when_the_app_processes_are_down(stack, settings, tmp_path):
    """Its own app process (objects fresh for 1 s) behind its own Varnish."""
    world = build_world()
    app = AppProcess({**stack.environment, "CACHE_SHARED_MAX_AGE": "1"}, log=tmp_path / "app.log")
    app.wait_ready()
    varnish = VarnishServer([f"127.0.0.1:{app.port}"])
    try:
        client = Client(varnish.url)
        paths = [world.page.url, "/rencontres/", "/api/v2/rencontres/"]
        fresh = {path: client.get(path) for path in paths}
        app.stop()
        # Past the object's second of freshness, the 10 s of stale content allowed while a
        # backend is healthy, and the 8 s the probes take to call it sick.
        time.sleep(15)
        for path in paths:
            stale = client.get(path)
            assert stale.status == 200, path
            assert stale.body == fresh[path].body
            assert int(stale.headers["Age"]) >= 14
    finally:
        app.stop()
        varnish.stop()
