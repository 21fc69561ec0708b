"""The map beside the list, in Chromium: markers and clusters, popups, the keyboard
skip link, axe, tiles unavailable, JavaScript off.

The tile server is the default one, but no request leaves the machine: every request
to another host than the live server is answered by the test (a small PNG for tiles)
or refused, and counted.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import OUTSIDE
from tests.factories import build_site
from tests.rencontres.public import in_days, online_rencontre, rencontre

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TILE = (
    Path(__file__).resolve().parents[2] / "rencontres/static/rencontres/vendor/leaflet/images"
) / "layers.png"


def at(latitude, longitude):
    return {"latitude": Decimal(latitude), "longitude": Decimal(longitude)}


@pytest.fixture
def listing():
    _home, index = build_site()
    rencontre(
        index,
        title="Atelier de Lille",
        start=in_days(3, 14),
        departement_code="59",
        postcode="59000",
        commune="Lille",
        **at("50.629900", "3.069200"),
    )
    rencontre(
        index,
        title="Atelier de Rennes",
        start=in_days(4, 14),
        departement_code="35",
        postcode="35700",
        commune="Rennes",
        **at("48.129600", "-1.643400"),
    )
    rencontre(
        index,
        title="Atelier de Marseille",
        start=in_days(5, 14),
        departement_code="13",
        postcode="13001",
        commune="Marseille",
        **at("43.299400", "5.383500"),
    )
    rencontre(
        index,
        title="Atelier de la Canebière",
        start=in_days(6, 14),
        departement_code="13",
        postcode="13001",
        commune="Marseille",
        **at("43.299500", "5.383600"),
    )
    online_rencontre(index, start=in_days(7, 14))
    return index


@pytest.fixture
def outside(page):
    """Requests to other hosts: tiles answered with a PNG, anything else refused."""
    seen = []

    def handle(route):
        seen.append(route.request.url)
        if "tile.openstreetmap.org" in route.request.url:
            route.fulfill(status=200, content_type="image/png", body=TILE.read_bytes())
        else:
            route.abort()

    page.context.route(OUTSIDE, handle)
    return seen


def open_popup(carte, title):
    """Click the marker of ``title``; its popup's link once the map stands still: a
    popup near the edge pans the map to show itself (Leaflet's ``autoPan``, a quarter
    of a second), and a click during the pan lands where the link was."""
    carte.locator(f".leaflet-marker-icon[title='{title}']").click()
    link = carte.locator(".leaflet-popup a", has_text=title)
    expect(link).to_be_visible()
    expect(carte.locator(".leaflet-pan-anim")).to_have_count(0)
    return link


def csp_errors(page):
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return errors


def test_markers_clusters_and_popups(live_server, page, listing, outside):
    violations = csp_errors(page)
    page.goto("/rencontres/")
    carte = page.locator("#carte-rencontres")
    expect(carte).to_have_attribute("data-markers", "4")  # the online one has no place
    expect(page.locator("#carte-rencontres-etat")).to_have_text("4 rencontres sur la carte")
    # Its style sheets come with the map, once each (none in a page without JavaScript).
    styles = page.locator('link[rel="stylesheet"][href*="leaflet"], link[href$="map.css"]')
    expect(styles).to_have_count(4)
    expect(page.get_by_role("heading", name="Carte des rencontres de la liste")).to_be_visible()
    expect(carte.locator(".leaflet-control-attribution")).to_contain_text(
        "les contributeurs d’OpenStreetMap"
    )
    # Lille and Rennes alone; the two Marseille ones in a cluster.
    expect(carte.locator(".leaflet-marker-icon[title='Atelier de Lille']")).to_have_count(1)
    cluster = carte.locator(".marker-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_contain_text("2 rencontres : zoomer sur ce groupe")
    # A popup links to its rencontre.
    open_popup(carte, "Atelier de Rennes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier de Rennes")
    # The rencontre's own small map.
    expect(page.locator("#carte-lieu .leaflet-marker-icon")).to_have_count(1)
    assert any("tile.openstreetmap.org" in url for url in outside)
    assert violations == []


def test_the_home_page_maps_the_upcoming_rencontres(live_server, page, listing, outside):
    violations = csp_errors(page)
    page.goto("/")
    carte = page.locator("#carte-accueil")
    expect(carte).to_have_attribute("data-markers", "4")
    expect(page.get_by_role("heading", name="Carte des prochaines rencontres")).to_be_visible()
    expect(page.locator("#carte-accueil-etat")).to_have_text("4 rencontres sur la carte")
    open_popup(carte, "Atelier de Lille").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier de Lille")
    assert violations == []


def test_the_map_follows_the_filters(live_server, page, listing, outside):
    page.goto("/rencontres/?departement=13")
    expect(page.locator("#carte-rencontres")).to_have_attribute("data-markers", "2")
    expect(page.locator(".rencontre-list .fr-card__title")).to_have_count(2)


def test_the_map_can_be_skipped_with_the_keyboard(live_server, page, listing, outside):
    page.goto("/rencontres/")
    expect(page.locator("#carte-rencontres")).to_have_attribute("data-markers", "4")
    skip = page.get_by_role("link", name="Passer la carte")
    skip.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "carte-rencontres-apres"
    page.keyboard.press("Tab")
    # Past the map: the focus is on no marker nor control of the map.
    assert page.evaluate("document.activeElement.closest('#carte-rencontres') === null")
    # Without the skip link the markers are reachable by Tab (Leaflet's keyboard support).
    markers = page.locator("#carte-rencontres .leaflet-marker-icon[tabindex='0']")
    assert markers.count() >= 3


def test_no_serious_accessibility_violation_with_the_maps(live_server, page, listing, outside, axe):
    page.goto("/rencontres/")
    expect(page.locator("#carte-rencontres")).to_have_attribute("data-markers", "4")
    axe.assert_no_violations(page)
    page.get_by_role("link", name="Atelier de Lille").first.click()
    expect(page.locator("#carte-lieu .leaflet-marker-icon")).to_have_count(1)
    axe.assert_no_violations(page)


def test_tiles_unavailable_the_markers_and_the_list_stay(live_server, page, listing):
    # Every request to the tile server fails (tests/e2e/conftest.py refuses them).
    page.goto("/rencontres/")
    expect(page.locator("#carte-rencontres")).to_have_attribute("data-markers", "4")
    expect(page.locator(".rencontre-list .fr-card__title")).to_have_count(5)


def test_without_javascript_the_list_is_all_there(live_server, browser, listing):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    context.route(OUTSIDE, lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto("/rencontres/")
        expect(page.locator(".rencontre-list .fr-card__title")).to_have_count(5)
        expect(page.locator("[data-rencontres-map-section]")).to_be_hidden()
        expect(
            page.get_by_role("link", name="Les lieux de ces rencontres (GeoJSON)")
        ).to_be_visible()
        page.goto("/rencontres/?pres=42000&distance=25")
        expect(page.locator("#filtre-pres")).to_have_value("42000")
    finally:
        context.close()
