"""Build hook of the plugin's wheel: compile the catalogues (.po → .mo).

Everything else is in pyproject.toml. Compiled catalogues are not committed (``*.mo``
is git-ignored: a binary that could drift from its .po); the wheel gets them here,
compiled with polib (pure Python, a build requirement), so building needs no GNU
gettext. In the repository, ``make messages`` compiles them in place with Django's
``compilemessages``, as before.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    """``build_py`` that also writes ``django.mo`` beside each ``django.po`` it copies."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the source tree (make messages)
        import polib

        for po_path in Path("rencontres", "locale").glob("*/LC_MESSAGES/*.po"):
            mo_path = Path(self.build_lib) / po_path.with_suffix(".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            catalogue = polib.pofile(str(po_path))
            # msgfmt leaves out fuzzy entries; so does polib's save_as_mofile.
            catalogue.save_as_mofile(str(mo_path))


setup(cmdclass={"build_py": BuildPyWithCatalogues})
