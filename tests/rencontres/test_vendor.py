"""The maps' Leaflet files: from the npm registry, pinned, served by the site.

``package-lock.json`` pins the packages (version and integrity); ``make install`` runs
``npm ci``; ``scripts/vendor`` copies the files the site serves into
rencontres/static/rencontres/vendor/, where they are committed (the plugin's wheel
ships them, a deployment needs no Node.js). These tests fail when the committed
copies drift from the locked packages, or when a template loads a script or a style
sheet from elsewhere than the site.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "rencontres/static/rencontres/vendor"
NODE_MODULES = ROOT / "node_modules"
PINNED = {"leaflet": "1.9.4", "leaflet.markercluster": "1.5.3"}


def lock():
    return json.loads((ROOT / "package-lock.json").read_text())


@pytest.mark.parametrize(("package", "version"), PINNED.items())
def test_the_lock_pins_each_package_with_its_integrity(package, version):
    declared = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert declared[package] == version  # exact, no range
    locked = lock()["packages"][f"node_modules/{package}"]
    assert locked["version"] == version
    assert locked["integrity"].startswith("sha512-")


@pytest.mark.parametrize("package", PINNED)
def test_the_vendored_files_are_the_locked_packages_files(package):
    installed = json.loads((NODE_MODULES / package / "package.json").read_text())
    assert installed["version"] == PINNED[package], "run `make install` (npm ci)"
    files = sorted(path for path in (VENDOR / package).rglob("*") if path.is_file())
    assert files
    for path in files:
        relative = path.relative_to(VENDOR / package)
        source = NODE_MODULES / package / relative
        if not source.exists():
            source = NODE_MODULES / package / "dist" / relative
        assert path.read_bytes() == source.read_bytes(), f"{path} differs: run scripts/vendor"


def test_the_vendored_leaflet_is_the_pinned_version():
    script = (VENDOR / "leaflet/leaflet.js").read_text()
    assert 't.version="1.9.4"' in script


def test_templates_load_scripts_and_styles_from_the_site_only():
    templates = list((ROOT / "rencontres/templates").rglob("*.html"))
    templates += list((ROOT / "templates").rglob("*.html"))
    external = re.compile(r"""<(?:script|link)[^>]+(?:src|href)=["']https?://""")
    offenders = [str(path) for path in templates if external.search(path.read_text())]
    assert offenders == []
