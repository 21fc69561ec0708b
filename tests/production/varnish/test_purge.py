"""Every change a visitor or an API consumer can see reaches them through Varnish within
5 seconds, on every address that showed it (rencontres.cache.triggers)."""

import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from dsfr.models import DsfrConfig
from wagtail.contrib.redirects.models import Redirect

from rencontres.history.redaction import redact
from rencontres.models import RencontreIndexPage, RencontrePage
from tests.factories import RencontrePageFactory, make_private, publish

from .world import ENGLISH_TITLE, TITLE, build_world

pytestmark = [
    pytest.mark.varnish,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _forms(text):
    """``text`` as HTML and as JSON with its non-ASCII characters escaped (API v3)."""
    return (text, json.dumps(text)[1:-1])


def shows(text):
    return lambda response: (
        response.status == 200 and any(form in response.text for form in _forms(text))
    )


def hides(text):
    return lambda response: not any(form in response.text for form in _forms(text))


def refetched(response):
    """Served from the app again (every address was a hit before the change): for
    what the change leaves the same (the sitemap's day of last modification)."""
    return response.status == 200 and not response.hit


def sitemap_entry(page):
    return f"<loc>http://localhost{page.get_url()}</loc>"


def gone(response):
    return response.status in (404, 410)


def differs(before):
    return lambda response: response.body != before.body


def change_and_check(through_cache, world, change, checks):
    """Warm every address of ``world``, make ``change``, then wait for ``checks``
    (``{path: predicate}``, or ``{path: "differs"}`` for any new content)."""
    before = through_cache.warm(world.every_path)
    started = time.monotonic()
    change()
    resolved = {
        path: differs(before[path]) if check == "differs" else check
        for path, check in checks.items()
    }
    return through_cache.wait_until_fresh(resolved, since=started)


def french_surfaces_show(world, text, *, untitled="differs"):
    """Every French address and list shows ``text``; the sitemap and the change logs
    changed."""
    checks = {path: shows(text) for path in world.page_paths[:4]}
    checks.update(
        {path: shows(text) for path in world.api_paths if str(world.english.pk) not in path}
    )
    checks.update({path: shows(text) for path in world.list_paths if not path.startswith("/en/")})
    checks.update(dict.fromkeys(world.untitled_lists, untitled))
    checks["/sitemap.xml"] = refetched
    return checks


def french_surfaces_hide(world, text=TITLE):
    checks = dict.fromkeys(world.page_paths[:4], gone)
    checks.update(
        {
            f"/api/v2/rencontres/{world.page.pk}/": gone,
            f"/api/v3/rencontres/{world.page.pk}/": gone,
        }
    )
    checks.update({path: hides(text) for path in world.list_paths if not path.startswith("/en/")})
    checks["/sitemap.xml"] = hides(sitemap_entry(world.page))
    checks["/api/v2/rencontres/changes/"] = "differs"
    checks["/api/v3/rencontres/changes/"] = "differs"
    return checks


def test_publish(through_cache):
    world = build_world()
    new = "Atelier du Gier à la salle des fêtes"  # no comma: .ics escapes them
    change_and_check(
        through_cache, world, lambda: publish(world.page, title=new),
        french_surfaces_show(world, new),
    )  # fmt: skip


def test_unpublish(through_cache):
    world = build_world()
    change_and_check(
        through_cache, world, lambda: world.page.unpublish(), french_surfaces_hide(world)
    )


def test_scheduled_go_live(through_cache):
    world = build_world()
    new = "Atelier du Gier en publication programmée"
    world.page.title = new
    world.page.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    world.page.refresh_from_db()
    assert TITLE in through_cache.get(world.page.url).text
    change_and_check(
        through_cache, world, lambda: call_command("publish_scheduled"),
        french_surfaces_show(world, new),
    )  # fmt: skip


def test_scheduled_expiry(through_cache):
    world = build_world()
    RencontrePage.objects.filter(pk=world.page.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    change_and_check(
        through_cache, world, lambda: call_command("publish_scheduled"), french_surfaces_hide(world)
    )


def test_move(through_cache):
    world = build_world()
    other = RencontreIndexPage(title="Autres rencontres", slug="autres")
    world.home.add_child(instance=other)
    publish(other)
    old_url = world.page.get_url()
    checks = {
        old_url: lambda r: r.status != 200,
        "/rencontres/": hides(TITLE),
        "/rencontres/?departement=42": hides(TITLE),
        "/rencontres/donnees.json": hides(TITLE),
        f"/api/v2/rencontres/{world.page.pk}/": shows("/autres/vallee-du-gier/"),
        f"/api/v3/rencontres/{world.page.pk}/": shows("/autres/vallee-du-gier/"),
        "/sitemap.xml": shows("/autres/vallee-du-gier/"),
        "/api/v2/rencontres/changes/": "differs",
    }
    change_and_check(
        through_cache, world,
        lambda: RencontrePage.objects.get(pk=world.page.pk).move(other, pos="last-child"),
        checks,
    )  # fmt: skip
    assert TITLE in through_cache.get("/autres/vallee-du-gier/").text


def test_delete(through_cache):
    world = build_world()
    change_and_check(
        through_cache, world, lambda: RencontrePage.objects.get(pk=world.page.pk).delete(),
        french_surfaces_hide(world),
    )  # fmt: skip


def test_privacy(through_cache):
    world = build_world()
    checks = french_surfaces_hide(world)
    for path in world.page_paths[:4]:  # the password form, without the rencontre
        checks[path] = lambda r: r.status in (200, 401, 403, 404) and "Saint-Étienne" not in r.text
    change_and_check(through_cache, world, lambda: make_private(world.page), checks)


def test_translation_sync(through_cache):
    world = build_world()
    english_url = world.english.get_url()
    checks = {
        english_url: shows("Full"),
        f"{english_url}changements/": "differs",
        f"{english_url}agenda.ics": "differs",
        "/en/rencontres/": shows("Full"),
        f"/api/v2/rencontres/{world.english.pk}/": shows('"complete"'),
        world.page.get_url(): shows("Complète"),
    }
    change_and_check(through_cache, world, lambda: publish(world.page, status="complete"), checks)
    assert ENGLISH_TITLE in through_cache.get(english_url).text


def test_organisation(through_cache):
    world = build_world()
    new = "Kaléido'Scop coopérative"

    def rename():
        world.organisation.name = new
        world.organisation.save()

    checks = {
        world.page.get_url(): shows("coopérative"),
        f"{world.page.get_url()}agenda.ics": "differs",
        "/rencontres/donnees.json": shows("coopérative"),
        "/rencontres/donnees.csv": shows("coopérative"),
        f"/api/v2/rencontres/{world.page.pk}/": shows("coopérative"),
    }
    change_and_check(through_cache, world, rename, checks)


def test_site_setting(through_cache):
    world = build_world()
    tagline = "La concertation continue en 2031"

    def change_tagline():
        config = DsfrConfig.objects.get(language="fr")
        config.site_tagline = tagline
        config.save()

    url = world.page.get_url()
    paths = ["/", url, f"{url}changements/", "/rencontres/", "/rencontres/?departement=42"]
    change_and_check(through_cache, world, change_tagline, {path: shows(tagline) for path in paths})


def test_redirect(through_cache):
    world = build_world()
    assert through_cache.get("/ancienne-adresse/").status == 404
    assert through_cache.get("/ancienne-adresse/").hit  # a 404 is kept too
    started = time.monotonic()
    Redirect.objects.create(old_path="/ancienne-adresse", redirect_page=world.page)
    through_cache.wait_until_fresh(
        {
            "/ancienne-adresse/": lambda r: (
                r.status == 301 and r.headers["Location"].endswith(world.page.url)
            )
        },
        since=started,
    )


def test_publishing_a_page_where_a_404_was_cached(through_cache):
    world = build_world()
    assert through_cache.get("/rencontres/nouvel-atelier/").status == 404
    assert through_cache.get("/rencontres/nouvel-atelier/").hit
    started = time.monotonic()
    publish(RencontrePageFactory(parent=world.index, title="Nouvel atelier", slug="nouvel-atelier"))
    through_cache.wait_until_fresh(
        {"/rencontres/nouvel-atelier/": shows("Nouvel atelier")}, since=started
    )


def test_redaction_of_the_history(through_cache):
    world = build_world()
    secret = "Digicode4812B"
    page = publish(world.page, venue=f"Salle Jean Moulin, {secret}")
    page = publish(page, venue="Salle Jean Moulin")
    url = page.get_url()
    # The versions that added and removed it, on the site and in both APIs.
    paths = [
        f"{url}changements/2/",
        f"{url}changements/3/",
        f"/api/v2/rencontres/{page.pk}/history/2/",
        f"/api/v3/rencontres/{page.pk}/history/3/",
    ]
    for path in paths:
        assert secret in through_cache.get(path).text, path
    change_and_check(
        through_cache, world,
        lambda: redact(secret, "Un code d’accès publié par erreur", page_ids=[page.pk]),
        {path: hides(secret) for path in paths},
    )  # fmt: skip
