"""The browser chain end to end: live server, Debian's Chromium, axe-core."""

import re

import pytest
from playwright.sync_api import expect

# Like every transactional test: without serialized_rollback, the flush after it lets
# Django recreate the content types under new ids, and the next test that restores
# the migrated data (serialized_rollback) fails on them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_admin_login_page_in_french_and_accessible(live_server, page, axe):
    response = page.goto("/admin/login/")

    assert response.status == 200
    expect(page).to_have_title(re.compile("S'identifier"))
    expect(page.get_by_role("button", name="S'identifier")).to_be_visible()
    expect(page.get_by_role("textbox", name="Nom d’utilisateur")).to_be_visible()
    axe.assert_no_violations(page)
