"""The tooling keeps its promises: the lock pins what pyproject.toml declares, and
`make help` documents every task."""

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def declared_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return [
        Requirement(line) for line in [*project["dependencies"], *extras["test"], *extras["dev"]]
    ]


def locked_versions():
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = Version(version.strip())
    return pins


def test_lock_pins_every_declared_dependency_within_its_range():
    pins = locked_versions()
    problems = []
    for requirement in declared_requirements():
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement.name} is not in requirements.lock")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            problems.append(f"{requirement.name}=={pinned} is outside {requirement.specifier}")
    assert not problems, "run `make lock`:\n" + "\n".join(problems)


# make runs the whole suite, so it is always there when the suite runs.
MAKE = shutil.which("make") or "make"


def test_make_help_documents_every_task():
    makefile = (ROOT / "Makefile").read_text()
    phony = re.search(r"^\.PHONY:(.*?)(?<!\\)$", makefile, re.MULTILINE | re.DOTALL)
    tasks = phony.group(1).replace("\\\n", " ").split()

    help_text = subprocess.run(  # noqa: S603 - a fixed command line
        [MAKE, "--no-print-directory", "-C", str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("MAKE")},
    ).stdout

    documented = {line.split()[0] for line in help_text.splitlines() if line.startswith("  ")}
    assert set(tasks) <= documented, f"tasks without a `##` comment: {set(tasks) - documented}"


def test_pyproject_lists_every_python_package():
    """A non-editable install must ship every package: the list is explicit because
    site/ is mapped to another import name, so a new package must be added to it."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    names = {folder: name for name, folder in setuptools["package-dir"].items()}
    found = set()
    for folder, name in names.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            found.add(".".join([name, *relative.parts]))
    assert found == set(setuptools["packages"])
