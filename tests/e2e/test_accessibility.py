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
