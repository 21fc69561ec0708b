"""The DSFR's scripts at work in Chromium, under the public pages' strict policy.

Pages load the DSFR core, its scheme and the scripts of the components they use
(home/dsfr_js.py), not the whole bundle: the header's menu opens and closes as a modal
on a phone (the site's stylesheet keeps the ``fr-modal--opened`` rule that the script's
class needs), the language selector and the breadcrumb expand, the scheme follows the
system's, and none of it breaks the Content-Security-Policy: the scripts set styles
through the CSSOM only, and no style attribute reaches the markup (home/dsfr_js.py).
"""

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import Locale

from tests.e2e.test_security_browser import Violations
from tests.factories import build_site, publish_translation
from tests.rencontres.public import in_days, rencontre

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def gier():
    home, index = build_site()
    gier = rencontre(index, title="Atelier territorial Vallée du Gier", start=in_days(5, 14))
    english = Locale.objects.get_or_create(language_code="en")[0]
    publish_translation(home, english)
    publish_translation(index, english)
    publish_translation(gier, english)
    return gier


def no_violation(violations):
    events = [tuple(item) for item in violations.page.evaluate("window.__csp")]
    assert (events, violations.console) == ([], [])


def test_the_header_menu_is_a_modal_on_a_phone(live_server, page, gier):
    page.set_viewport_size(PHONE)
    violations = Violations(page)
    violations.visit(gier.url)
    menu = page.locator("#header-menu")
    navigation_link = menu.locator("#header-navigation .fr-nav__link").first
    expect(navigation_link).to_be_hidden()

    page.locator("#header-menu-button").click()
    expect(menu).to_have_class("fr-header__menu fr-modal fr-modal--opened")
    expect(navigation_link).to_be_visible()
    expect(page.locator("#header-menu-button")).to_have_attribute("data-fr-opened", "true")
    # The header's script copied the language selector into the menu.
    expect(menu.locator(".fr-header__menu-links .fr-translate__btn")).to_be_visible()

    menu.get_by_role("button", name="Fermer").click()
    expect(navigation_link).to_be_hidden()
    expect(menu).not_to_have_class("fr-modal--opened")
    no_violation(violations)


def test_the_language_selector_and_the_breadcrumb_expand(live_server, page, gier):
    violations = Violations(page)
    violations.visit(gier.url)
    english = page.locator(".fr-header__tools-links").get_by_role("link", name="EN - English")
    expect(english).to_be_hidden()
    page.locator(".fr-header__tools-links .fr-translate__btn").click()
    expect(english).to_be_visible()
    expect(page.locator("#translate-menu")).to_have_class(re.compile(r"fr-collapse--expanded"))
    english.click()
    expect(page).to_have_url(re.compile(r"/en/rencontres/atelier-territorial-vallee-du-gier/$"))
    no_violation(violations)

    page.set_viewport_size(PHONE)
    violations.visit(gier.url)
    home = page.locator(".fr-breadcrumb").get_by_role("link", name="Accueil")
    expect(home).to_be_hidden()
    page.get_by_role("button", name="Voir le fil d’Ariane").click()
    expect(home).to_be_visible()
    no_violation(violations)


def test_the_scheme_follows_the_system(live_server, page, gier):
    page.emulate_media(color_scheme="dark")
    violations = Violations(page)
    violations.visit("/")
    expect(page.locator("html")).to_have_attribute("data-fr-theme", "dark")
    page.emulate_media(color_scheme="light")
    expect(page.locator("html")).to_have_attribute("data-fr-theme", "light")
    no_violation(violations)
