"""axe-core in Chromium on the public pages, in French and in English.

The home page, the listing without and with filters (and with a filter error), a
rencontre and a 404 page: no violation of impact serious or critical.
"""

import pytest
from playwright.sync_api import expect
from wagtail.models import Locale

from tests.factories import build_site, publish_translation
from tests.rencontres.public import image, in_days, organisation, rencontre

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def bilingual_site():
    home, index = build_site()
    org = organisation("Kaléido’Scop", url="https://kaleidoscop.example.org/")
    gier = rencontre(
        index,
        title="Atelier territorial Vallée du Gier",
        start=in_days(5, 14),
        postcode="42800",
        commune="Rive-de-Gier",
        venue="Salle Jean Jaurès",
        access_notes="Tram T1 arrêt Mairie.",
        registration_mode="link",
        registration_url="https://inscriptions.example.org/gier",
        organisers=[org],
        image=image(),
    )
    rencontre(index, title="Atelier complet", status="complete", start=in_days(6, 10))
    rencontre(
        index,
        title="Point d’étape en ligne",
        departement_code="988",
        format="en_ligne",
        online_url="https://visio.example.org/",
        commune="",
        postcode="",
        venue="",
        address="",
        start=in_days(8, 18),
    )
    for n in range(12):  # a second page of results
        rencontre(
            index,
            title=f"Atelier de quartier n°{n}",
            departement_code="69",
            start=in_days(10 + n, 10),
        )
    english = Locale.objects.get_or_create(language_code="en")[0]
    publish_translation(home, english)
    publish_translation(index, english)
    publish_translation(gier, english)
    return gier


PAGES = [
    ("/", "home"),
    ("/rencontres/", "listing"),
    ("/rencontres/?departement=42&periode=toutes&q=gier", "filtered listing"),
    ("/rencontres/?region=84&page=2", "second page"),
    ("/rencontres/?departement=999&du=2025-13-45", "listing with filter errors"),
    ("/rencontres/atelier-territorial-vallee-du-gier/", "rencontre"),
    ("/page-qui-n-existe-pas/", "404"),
]


@pytest.mark.parametrize("prefix,language", [("", "fr"), ("/en", "en")])
def test_public_pages_have_no_serious_violation(
    live_server, page, axe, bilingual_site, prefix, language
):
    for path, name in PAGES:
        response = page.goto(f"{prefix}{path}")
        expected = 404 if name == "404" else 200
        assert response.status == expected, (name, path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        axe.assert_no_violations(page)


def test_english_listing_shows_the_english_pages(live_server, page, bilingual_site):
    page.goto("/en/rencontres/")
    cards = page.locator(".rencontre-list .fr-card__title a")
    expect(cards).to_have_count(1)
    expect(cards).to_have_attribute("href", "/en/rencontres/atelier-territorial-vallee-du-gier/")
    expect(page.get_by_role("status")).to_contain_text("1")


def test_listing_announces_its_count(live_server, page, bilingual_site):
    page.goto("/rencontres/?departement=42")
    status = page.get_by_role("status")
    expect(status).to_have_text("2 rencontres trouvées")
    expect(page.get_by_role("heading", name="Atelier territorial Vallée du Gier")).to_be_visible()


MOBILE = {"width": 375, "height": 812}


def test_public_pages_have_no_serious_violation_on_a_phone(live_server, page, axe, bilingual_site):
    page.set_viewport_size(MOBILE)
    for path, name in PAGES:
        response = page.goto(path)
        assert response.status == (404 if name == "404" else 200), (name, path)
        axe.assert_no_violations(page)


def test_the_menu_skip_link_reaches_a_visible_target_on_a_phone_and_a_desktop(
    live_server, page, bilingual_site
):
    for viewport, target in ((MOBILE, "#header-menu-button"), (None, "#header-navigation")):
        if viewport:
            page.set_viewport_size(viewport)
        else:
            page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/rencontres/")
        links = page.locator(".fr-skiplinks a", has_text="Menu")
        shown = "a => getComputedStyle(a.closest('li')).display !== 'none'"
        visible = [links.nth(i) for i in range(links.count()) if links.nth(i).evaluate(shown)]
        assert [link.get_attribute("href") for link in visible] == [target], viewport
        expect(page.locator(target)).to_be_visible()


def test_icons_are_drawn_from_the_site_stylesheet(live_server, page, bilingual_site):
    """The page loads the site's DSFR subset, not the whole DSFR, and its icons still
    have their SVG (a mask image that the server serves)."""
    page.goto("/rencontres/")
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href).filter(Boolean)")
    assert any(href.endswith("/home/dsfr-site.css") for href in sheets), sheets
    assert not any("dsfr.min.css" in href or "utility.min.css" in href for href in sheets)
    mask = page.locator(".fr-icon-calendar-line").first.evaluate(
        "a => getComputedStyle(a, '::before').maskImage || "
        "getComputedStyle(a, '::before').webkitMaskImage"
    )
    assert "calendar-line.svg" in mask, mask
    svg = page.request.get(mask.split('url("', 1)[1].split('")', 1)[0])
    assert svg.status == 200 and b"<svg" in svg.body()
