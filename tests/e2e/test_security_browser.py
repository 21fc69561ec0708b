"""Content-Security-Policy and editors' HTML, in Chromium.

Public pages (home, listing, a rencontre, its history, English pages) and the API docs
run under the strict policy with no violation at all: every script is a file, JSON-LD
is a data block. The admin's edit, compare and listing views work under its enforced
policy; what its report-only policy would still block (Wagtail's and wagtail-localize's
inline scripts and styles) is listed in the test's report (``csp_admin_reports``).

A user allowed only to change the site configuration types script payloads in every
field through the admin; none runs on any public page.
"""

import logging
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.models import Locale

from tests.factories import DsfrConfigFactory, build_site, superuser
from tests.localisation.helpers import translate
from tests.rencontres.public import in_days, publish, rencontre
from tests.security.payloads import JAVASCRIPT_URL, configuration_editor, form_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
logger = logging.getLogger(__name__)

# Every CSP violation, enforced or reported, from the page's own event (an init script
# is injected by the browser's debugging protocol, outside the page's policy).
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push([event.disposition, event.effectiveDirective, event.blockedURI,
                     event.sourceFile + ":" + event.lineNumber]);
});
"""


class Violations:
    """CSP violations of the pages ``page`` visits: DOM events and console messages."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.console.append(message.text)

    def visit(self, url):
        """Open ``url``, let it settle, return its violations ``[(disposition, …)]``."""
        self.console.clear()
        response = self.page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        self.page.wait_for_load_state("networkidle")
        events = [tuple(item) for item in self.page.evaluate("window.__csp")]
        return events, list(self.console)


@pytest.fixture
def site_with_history():
    home, index = build_site()
    DsfrConfigFactory(language="fr", notice_title="Travaux le 12 mai", notice_is_collapsible=True)
    gier = rencontre(index, title="Atelier territorial Vallée du Gier", start=in_days(5, 14))
    gier.title = "Atelier territorial Vallée du Gier (Loire)"
    publish(gier)
    # Translated with wagtail-localize, so that the English page's edit view is its
    # translation editor.
    english = Locale.objects.get_or_create(language_code="en")[0]
    translate(home, english)
    translate(index, english)
    en_gier, _translation = translate(gier, english)
    return {"home": home, "index": index, "gier": gier, "en_gier": en_gier}


def test_public_pages_and_api_docs_run_without_any_violation(live_server, page, site_with_history):
    gier, en_gier = site_with_history["gier"], site_with_history["en_gier"]
    violations = Violations(page)
    urls = [
        "/",
        "/rencontres/",
        "/rencontres/?departement=42&periode=toutes",
        gier.url,
        f"{gier.url}changements/",
        f"{gier.url}changements/2/",
        "/en/",
        en_gier.url,
        f"{en_gier.url}changements/",
        "/api/v3/docs/",
    ]
    found = {}
    for url in urls:
        events, console = violations.visit(url)
        if events or console:
            found[url] = events + console
    assert found == {}, found

    # JSON-LD is on the rencontre page, and the policy left it alone.
    violations.visit(gier.url)
    assert page.locator('script[type="application/ld+json"]').count() == 1
    # The DSFR's scripts and the demo's site.js ran: the notice closes without inline code.
    violations.visit("/")
    notice = page.locator(".fr-notice")
    expect(notice).to_contain_text("Travaux le 12 mai")
    page.get_by_role("button", name="Masquer le message").click()
    expect(notice).to_have_count(0)
    # Swagger UI rendered from its local files.
    violations.visit("/api/v3/docs/")
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()


def sign_in(page, username, password):
    page.goto("/admin/login/")
    page.get_by_role("textbox", name="Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="S'identifier").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_admin_views_work_under_their_policy(live_server, page, site_with_history, record_property):
    gier = site_with_history["gier"]
    user = superuser()
    violations = Violations(page)
    sign_in(page, user.username, "mot-de-passe")
    revisions = list(gier.revisions.order_by("pk").values_list("pk", flat=True))
    views = {
        "edit": reverse("wagtailadmin_pages:edit", args=[gier.pk]),
        "compare": reverse(
            "wagtailadmin_pages:revisions_compare",
            args=[gier.pk, revisions[0], revisions[-1]],
        ),
        "listing": "/admin/rencontres/",
        "translation editor": reverse(
            "wagtailadmin_pages:edit", args=[site_with_history["en_gier"].pk]
        ),
    }
    reports = {}
    for name, url in views.items():
        events, console = violations.visit(url)
        enforced = [event for event in events if event[0] == "enforce"]
        assert enforced == [], (name, enforced)
        reports[name] = sorted({f"{event[1]} {event[2]} {event[3]}" for event in events})
        logger.warning(
            "admin %s: %d report-only CSP violations:\n  %s",
            name,
            len(events),
            "\n  ".join(reports[name]),
        )
    record_property("csp_admin_reports", reports)
    # The views did their job under the enforced policy.
    violations.visit(views["edit"])
    expect(page.locator("#id_title")).to_have_value("Atelier territorial Vallée du Gier (Loire)")
    violations.visit(views["listing"])
    # The French rencontre and its English translation, both listed.
    rows = page.get_by_role("link", name="Atelier territorial Vallée du Gier (Loire)")
    expect(rows).to_have_count(2)


def test_site_configuration_payloads_never_run(live_server, page, site_with_history):
    configuration = DsfrConfigFactory(language="fr")
    editor = configuration_editor()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    sign_in(page, editor.username, "x" * 12)
    page.goto(reverse("wagtailsnippets_dsfr_dsfrconfig:edit", args=[configuration.pk]))
    values = form_data()
    values.pop("language")
    for field, value in values.items():
        page.evaluate(
            """([id, value]) => {
                const input = document.getElementById(id);
                if (input.type === "checkbox") { input.checked = value === "on"; }
                else { input.value = value; }
            }""",
            [f"id_{field}", value],
        )
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.locator(".messages")).to_contain_text("modifié")
    configuration.refresh_from_db()
    assert "<script>" in configuration.header_brand_html + configuration.site_title

    # A javascript: link cannot be saved from the form; forced into the database, it is
    # not rendered either.
    configuration.notice_link = JAVASCRIPT_URL
    configuration.save()  # save() does not validate, as a shell or SQL would not
    page.context.clear_cookies()
    gier = site_with_history["gier"]
    for url in ("/", "/rencontres/", gier.url, f"{gier.url}changements/", "/en/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss === undefined"), (url, page.evaluate("window.__xss"))
        assert page.locator("a[href^='javascript:']").count() == 0, url
    page.goto("/")
    expect(page.locator(".fr-header__logo")).to_contain_text("<svg onload=")
    page.locator(".fr-notice__title").click()
    assert page.evaluate("window.__xss === undefined")
