"""The test suite on each Python the plugin supports, for maintainers::

    .venv/bin/nox                   # the default session: Python 3.11, as `make test`
    .venv/bin/nox -s tests          # 3.11, then 3.12 and 3.13 where installed
    .venv/bin/nox -s tests-3.13 -- tests/rencontres -x   # pytest arguments after --

Each session is `make test` (scripts/test: system packages, lint, checks, the demo's
and the plugin's pytest runs, the wheel in a bare `wagtail start` project) with that
Python, in the session's virtualenv instead of .venv, pinned by requirements.lock.
A Python not on PATH is skipped, not an error (with pyenv, put them there:
``PYENV_VERSION=3.11.7:3.12.1:3.13.0 .venv/bin/nox -s tests``). `make test` itself runs the default
session's Python (3.11) in .venv, without nox.
"""

import shlex

import nox

PYTHONS = ["3.11", "3.12", "3.13"]

nox.options.sessions = ["tests-3.11"]
nox.options.error_on_missing_interpreters = False
nox.options.reuse_venv = "yes"


@nox.session(python=PYTHONS)
def tests(session):
    """`make test` with this Python (pytest arguments after ``--``)."""
    env = {"VENV": session.virtualenv.location}
    if session.posargs:
        env["PYTEST_ARGS"] = shlex.join(session.posargs)
    session.run("scripts/test", env=env, external=True)
