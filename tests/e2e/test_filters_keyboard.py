"""The listing's filter form, used with the keyboard only (Tab, typing, Enter)."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import build_site
from tests.rencontres.public import in_days, rencontre

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAX_TABS = 60


@pytest.fixture
def listing():
    _home, index = build_site()
    rencontre(
        index,
        title="Atelier territorial Vallée du Gier",
        start=in_days(5, 14),
        postcode="42800",
        commune="Rive-de-Gier",
    )
    rencontre(index, title="Rencontre de Firminy", start=in_days(6, 14), commune="Firminy")
    rencontre(
        index,
        title="Atelier de Vaulx-en-Velin",
        departement_code="69",
        start=in_days(7, 14),
        commune="Vaulx-en-Velin",
    )
    rencontre(
        index,
        title="Atelier Nord Est de Paris",
        departement_code="75",
        start=in_days(8, 14),
        commune="Paris",
        postcode="75019",
    )
    return index


def tab_to(page, predicate, description):
    """Press Tab until ``predicate`` (a JS expression on ``el``) holds for the focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => Boolean({predicate}))(document.activeElement)"):
            return
    raise AssertionError(f"{description} never received the focus within {MAX_TABS} tabs")


def test_fill_and_submit_the_filters_with_the_keyboard(live_server, page, listing):
    page.goto("/rencontres/")
    expect(page.get_by_role("status")).to_have_text("4 rencontres trouvées")

    tab_to(page, "el.name === 'q'", "The search field")
    page.keyboard.type("vallee")
    tab_to(page, "el.name === 'region'", "The région select")
    page.keyboard.type("Auvergne")
    expect(page.locator("#filtre-region")).to_have_value("84")
    tab_to(page, "el.type === 'submit'", "The submit button")
    expect(page.locator(":focus")).to_have_text("Afficher les rencontres")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"q=vallee"))
    assert "region=84" in page.url
    expect(page.get_by_role("status")).to_have_text("1 rencontre trouvée")
    cards = page.locator(".rencontre-list .fr-card__title")
    expect(cards).to_have_text(["Atelier territorial Vallée du Gier"])
    expect(page).to_have_title(re.compile(r"Auvergne-Rhône-Alpes, « vallee »"))
    # The form keeps what was chosen, for the next change.
    expect(page.locator("#filtre-q")).to_have_value("vallee")
    expect(page.locator("#filtre-region")).to_have_value("84")


def test_enter_in_the_search_field_submits(live_server, page, listing):
    page.goto("/rencontres/")
    tab_to(page, "el.name === 'q'", "The search field")
    page.keyboard.type("75019")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=75019"))
    expect(page.locator(".rencontre-list .fr-card__title")).to_have_text(
        ["Atelier Nord Est de Paris"]
    )


def test_choosing_an_option_does_not_submit(live_server, page, listing):
    """No change of context until the visitor submits (RGAA 7.4)."""
    page.goto("/rencontres/")
    tab_to(page, "el.name === 'departement'", "The département select")
    page.keyboard.type("69")
    expect(page.locator("#filtre-departement")).to_have_value("69")
    page.wait_for_timeout(300)
    assert page.url.endswith("/rencontres/")
    expect(page.get_by_role("status")).to_have_text("4 rencontres trouvées")
    tab_to(page, "el.type === 'submit'", "The submit button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"departement=69"))
    expect(page.get_by_role("status")).to_have_text("1 rencontre trouvée")
