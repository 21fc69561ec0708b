"""The tooling keeps its promises: the lock pins what both pyproject.toml files declare,
each distribution declares what it imports, and `make help` documents every task."""

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def project(path="pyproject.toml"):
    return tomllib.loads((ROOT / path).read_text())


def declared_requirements():
    """The plugin's requirements with its test and dev extras, then the demo's."""
    plugin = project()["project"]
    extras = plugin["optional-dependencies"]
    demo = project("demo/pyproject.toml")["project"]["dependencies"]
    return [
        Requirement(line)
        for line in [*plugin["dependencies"], *extras["test"], *extras["dev"], *demo]
        if Requirement(line).name != plugin["name"]
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


def test_the_demo_lists_every_python_package():
    """The demo's packages are listed (site/ is mapped to another import name, so a new
    package must be added to demo/pyproject.toml); the plugin's are found."""
    setuptools = project("demo/pyproject.toml")["tool"]["setuptools"]
    demo = ROOT / "demo"
    found = set()
    for name, folder in setuptools["package-dir"].items():
        for init in (demo / folder).resolve().rglob("__init__.py"):
            relative = init.parent.relative_to((demo / folder).resolve())
            found.add(".".join([name, *relative.parts]))
    assert found == set(setuptools["packages"])
    assert project()["tool"]["setuptools"]["packages"]["find"]["include"] == [
        "rencontres",
        "rencontres.*",
    ]


def imported_distributions(folder):
    """``{distribution: first module importing it}`` of the absolute imports in folder."""
    modules = metadata.packages_distributions()
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in {"rencontres", "home"}:
                    continue
                if top == "rencontres_site":
                    continue
                for distribution in modules.get(top, [f"<no distribution: {top}>"]):
                    found.setdefault(canonicalize_name(distribution), path.relative_to(ROOT))
    return found


def requirement_names(lines):
    return {canonicalize_name(Requirement(line).name) for line in lines}


def test_the_plugin_declares_every_package_it_imports():
    """Its wheel installs what rencontres/ imports, Wagtail's dependencies included."""
    declared = requirement_names(project()["project"]["dependencies"])
    imported = imported_distributions("rencontres")
    missing = {name: str(path) for name, path in imported.items() if name not in declared}
    assert not missing, f"imported by the plugin, not in its dependencies: {missing}"


def test_the_demo_declares_every_package_it_imports():
    declared = requirement_names(project()["project"]["dependencies"]) | requirement_names(
        project("demo/pyproject.toml")["project"]["dependencies"]
    )
    imported = {**imported_distributions("site"), **imported_distributions("home")}
    missing = {name: str(path) for name, path in imported.items() if name not in declared}
    assert not missing, f"imported by the demo, not in its dependencies: {missing}"


GETTEXT_CALLS = {
    "_": 0,
    "gettext": 0,
    "gettext_lazy": 0,
    "ngettext": 0,
    "ngettext_lazy": 0,
    "pgettext": 1,
    "pgettext_lazy": 1,
}


def translated_literals(folder):
    """``{msgid: "path:line"}`` of every ``gettext(...)``-like call with a literal in the
    Python files under ``folder``, f-strings included (``ast`` reads inside them,
    xgettext does not: a label written ``f"{gettext('Avant')}"`` left the catalogue)."""
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = GETTEXT_CALLS.get(name)
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.setdefault(argument.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_translated_string_of_the_code_is_in_the_english_catalogue():
    """English visitors read every label the Python code translates: each literal given
    to gettext (and its variants) is in the English catalogue of its distribution, with
    a translation that is neither empty nor fuzzy."""
    import polib

    catalogues = {
        "rencontres": ["rencontres/locale/en/LC_MESSAGES/django.po"],
        "home": ["locale/en/LC_MESSAGES/django.po", "rencontres/locale/en/LC_MESSAGES/django.po"],
        "site": ["locale/en/LC_MESSAGES/django.po", "rencontres/locale/en/LC_MESSAGES/django.po"],
    }
    for folder, paths in catalogues.items():
        translated = {}
        for path in paths:
            for entry in polib.pofile(str(ROOT / path)):
                if (entry.msgstr or entry.msgstr_plural) and "fuzzy" not in entry.flags:
                    translated.setdefault(entry.msgid, entry)
        missing = {
            msgid: where
            for msgid, where in translated_literals(folder).items()
            if msgid not in translated
        }
        assert not missing, f"translated in {folder}/ but not in {paths[0]}: {missing}"
