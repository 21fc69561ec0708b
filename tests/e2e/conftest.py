"""Browser tests: Playwright's sync client driving Debian's Chromium.

Every test in this folder is marked ``e2e`` (deselect them with ``-m "not e2e"``).
A test asks for ``live_server`` (pytest-django: a real server on a free port, with a
transactional database, so data the test creates is visible to the server) and for
``page``, whose relative URLs resolve against that server::

    def test_home(live_server, page, axe):
        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_have_text("…")
        axe.assert_no_violations(page)

The browser is Debian's ``chromium`` (``PLAYWRIGHT_CHROMIUM_EXECUTABLE``, default
``/usr/bin/chromium``; ``make test`` installs it), never Playwright's own download.
One browser per test process; a fresh context (cookies, storage) per test, French
by default. On failure, a screenshot and the page's HTML are saved under
``.pytest_cache/e2e-failures/``.
"""

import logging
import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in the main thread for
# the whole session, so Django sees every ORM call of the process (tests, fixtures,
# live server set-up) as made from async code and refuses it. Nothing here is
# actually concurrent with the ORM in this thread: the check is a false positive.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    # Containers and CI run as root, where Chromium's sandbox cannot start.
    "--no-sandbox",
    "--disable-gpu",
    # Nothing but the live server: no QUIC, updates, sync or background requests.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Any address but the live server's (the loopback).
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/]|\[::1\][:/])")
HERE = Path(__file__).parent
FAILURES_DIR = HERE.parent.parent / ".pytest_cache" / "e2e-failures"
_call_failed_key = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_call_failed_key] = report.failed
    return report


def _serialized_db_contents():
    """The migrated data each database saved for ``serialized_rollback`` (by alias)."""
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


def _restore_serialized_db_contents(serialized):
    """Give the connections seen once Playwright runs the saved data back.

    Django's connections are context-local (asgiref): once Playwright's event loop runs
    in this thread, ``connections["default"]`` is a new object without the
    ``_test_serialized_contents`` that ``django_db_setup`` stored on the previous one,
    so ``serialized_rollback=True`` silently restored nothing and every browser test
    after the first saw an emptied database (no locale, page tree or départements).
    """
    from django.db import connections

    for alias, contents in serialized.items():
        if not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Headless Chromium, launched once per test process."""
    from playwright.sync_api import sync_playwright

    if not (shutil.which(CHROMIUM) or os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"No Chromium at {CHROMIUM}: `make test` installs Debian's (apt-get install "
            "chromium), or set PLAYWRIGHT_CHROMIUM_EXECUTABLE to another Chromium.",
            pytrace=False,
        )
    # Each launch() runs on a new, empty profile (user-data dir) that Playwright's
    # driver creates in its temporary folder and deletes on close: point that folder
    # into pytest's, so that even a crashed browser leaves nothing in /tmp.
    saved_tmpdir = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(tmp_path_factory.mktemp("chromium"))
    serialized = _serialized_db_contents()
    try:
        playwright = sync_playwright().start()
    finally:
        if saved_tmpdir is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = saved_tmpdir
    _restore_serialized_db_contents(serialized)
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def browser_context_args():
    """Options of each test's browser context; override in a test module to change them."""
    return {
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "viewport": {"width": 1280, "height": 800},
    }


logger = logging.getLogger(__name__)


@pytest.fixture
def page(request, browser, browser_context_args):
    """A new page in a fresh context; relative URLs go to ``live_server`` if the test uses it."""
    args = dict(browser_context_args)
    if "live_server" in request.fixturenames:
        args.setdefault("base_url", request.getfixturevalue("live_server").url)
    context = browser.new_context(**args)
    context.set_default_timeout(10_000)
    # Nothing leaves the machine (map tiles included): a test may answer some of these
    # requests itself with a route of its own, added later (Playwright tries it first).
    context.route(OUTSIDE, lambda route: route.abort())
    page = context.new_page()
    yield page
    if request.node.stash.get(_call_failed_key, False):
        _save_failure(request.node.nodeid, page)
    context.close()


def _save_failure(nodeid, page):
    FAILURES_DIR.mkdir(parents=True, exist_ok=True)
    stem = FAILURES_DIR / re.sub(r"[^\w.-]+", "_", nodeid)
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
        Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as error:  # a failed capture must not hide the failure
        logger.warning("could not save the page of %s: %s", nodeid, error)
    else:
        logger.warning("page of the failed test saved as %s.png and .html", stem)


class Axe:
    """axe-core (bundled by axe-playwright-python, no network) run on a page.

    ``axe(page)`` returns the violations of impact "serious" or "critical", as a
    list of axe's dicts; ``axe.assert_no_violations(page)`` fails with a readable
    report (rule ids, help, the offending nodes). ``context`` and ``options`` are
    axe.run's: e.g. ``context={"exclude": [["#third-party-widget"]]}``.
    """

    IMPACTS = ("serious", "critical")

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe as AxeEngine

        self.engine = AxeEngine()

    def __call__(self, page, context=None, options=None):
        results = self.engine.run(
            page, context=context, options={"resultTypes": ["violations"], **(options or {})}
        )
        return [v for v in results.response["violations"] if v["impact"] in self.IMPACTS]

    def assert_no_violations(self, page, context=None, options=None):
        violations = self(page, context=context, options=options)
        assert not violations, self.report(page.url, violations)

    @staticmethod
    def report(url, violations):
        lines = [f"{len(violations)} serious or critical accessibility violation(s) on {url}:"]
        for violation in violations:
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                f" <{violation['helpUrl']}>"
            )
            nodes = violation["nodes"]
            for node in nodes[:10]:
                target = ", ".join(str(t) for t in node["target"])
                lines.append(f"    {target}: {node['html'][:200]}")
                summary = node.get("failureSummary", "").splitlines()
                lines.extend(f"        {line.strip()}" for line in summary[:6])
            if len(nodes) > 10:
                lines.append(f"    … and {len(nodes) - 10} more")
        return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    """An :class:`Axe` checker (axe-core's script is read once per process)."""
    return Axe()
