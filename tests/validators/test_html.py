"""HTML: the Nu Html Checker (vnu.jar, run on Debian's Java) on every rendered page
of the demo-like site, once per session on the whole batch; then the references an
assistive technology follows (aria-*, label for, in-page links) resolve to an id.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

#: The pages the issue names: home, listing with and without filters, rencontres,
#: history list and versions, 404 (each in French and English).
REQUIRED_PAGES = {"home", "listing", "listing-filtered", "history-fr", "history-2-fr", "404"}
ID_REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls")


def vnu_jar():
    """The checker's jar: VNU_JAR (``make test`` sets it from scripts/vnu-jar)."""
    path = os.environ.get("VNU_JAR") or ""
    if not path:
        default = Path(__file__).parents[2] / ".venv/vnu-jar/node_modules/vnu-jar/build/dist"
        path = str(default / "vnu.jar")
    if not Path(path).is_file():
        pytest.fail(f"vnu.jar not found at {path}: run scripts/vnu-jar (make test does)")
    return path


def java():
    path = shutil.which("java")
    if path is None:
        pytest.fail("no java: scripts/system-deps java (Debian's default-jre-headless)")
    return path


def check(documents):
    """{name: html bytes} -> {name: [error messages]} from one run of the checker."""
    with tempfile.TemporaryDirectory() as folder:
        for name, body in documents.items():
            (Path(folder) / f"{name}.html").write_bytes(body)
        result = subprocess.run(  # noqa: S603 - fixed arguments, our files
            [
                java(),
                "-jar",
                vnu_jar(),
                "--format",
                "json",
                "--exit-zero-always",
                *[str(Path(folder) / f"{name}.html") for name in documents],
            ],
            capture_output=True,
            check=True,
            timeout=300,
        )
    report = json.loads(result.stderr)
    errors = {name: [] for name in documents}
    for message in report["messages"]:
        if message["type"] in ("error", "non-document-error"):
            name = unquote(Path(urlsplit(message.get("url", "")).path).stem)
            extract = (message.get("extract") or "").strip().replace("\n", " ")
            errors.setdefault(name, []).append(
                f"line {message.get('lastLine')}: {message['message']} [{extract[:100]}]"
            )
    return {name: found for name, found in errors.items() if found}


@pytest.fixture(scope="session")
def vnu_errors(outputs):
    return check({name: output.body for name, output in outputs.html.items()})


def test_the_checker_reports_what_the_pages_once_had():
    """The checker runs and catches the defects fixed in #21 (else the next test proves
    nothing)."""
    page = (
        '<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body>'
        '<time datetime="2026-11-30T08:45:13.329157+01:00">30 nov</time>'
        '<div id="m" aria-labelledby="b"><button id="b">Menu</button></div></body></html>'
    )
    errors = check({"ancienne": page.encode()})["ancienne"]
    assert any("fraction of a second" in error for error in errors), errors
    assert any("aria-labelledby" in error for error in errors), errors


def test_every_page_is_valid_html(outputs, vnu_errors):
    assert set(outputs.html) >= REQUIRED_PAGES
    assert len(outputs.html) > 30  # both languages, every rencontre
    report = "\n".join(
        f"{name} ({outputs.html[name].url}):\n  " + "\n  ".join(found)
        for name, found in sorted(vnu_errors.items())
    )
    assert not vnu_errors, report


def test_every_id_reference_resolves(outputs):
    """aria-describedby, aria-labelledby, aria-controls, <label for> and « #… » links
    name an element of the same page (the checker does not follow them all)."""
    missing = []
    for name, output in outputs.html.items():
        tree = lxml_html.fromstring(output.body)
        ids = set(tree.xpath("//@id"))
        for attribute in ID_REFERENCES:
            for element in tree.xpath(f"//*[@{attribute}]"):
                for ref in element.get(attribute).split():
                    if ref not in ids:
                        missing.append(f"{name}: {attribute}={ref!r}")
        for label in tree.xpath("//label[@for]"):
            if label.get("for") not in ids:
                missing.append(f"{name}: label for={label.get('for')!r}")
        for link in tree.xpath("//a[starts-with(@href, '#')]"):
            target = link.get("href")[1:]
            if target and target not in ids:
                missing.append(f"{name}: href=#{target}")
    assert not missing, "\n".join(missing)


def test_every_page_has_its_own_meta_description(outputs):
    """Home, listings (filtered, paged), rencontres and history pages: a description,
    distinct from every other page's (search engines show it under the title)."""
    seen = {}
    for name, output in outputs.html.items():
        if name.startswith("404"):
            continue
        tree = lxml_html.fromstring(output.body)
        found = tree.xpath('//meta[@name="description"]/@content')
        assert len(found) == 1, f"{name}: {found}"
        description = found[0].strip()
        assert len(description) > 20, f"{name}: {description!r}"
        assert description not in seen, f"{name} and {seen.get(description)}: {description!r}"
        seen[description] = name
        assert tree.xpath('//meta[@property="og:description"]/@content'), name
