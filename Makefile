# Tasks of the Rencontres project. `make` alone lists them (from the `##` comments).
# The longer recipes live in scripts/, one readable bash script each.

.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:

VENV ?= .venv
PY := $(VENV)/bin/python
RUFF := $(VENV)/bin/ruff
STAMP := $(VENV)/.installed
# npm packages (package-lock.json): the maps' scripts, the communes' data.
NODE_STAMP := node_modules/.installed
# Interpreter for a new .venv; found when the recipe runs, after apt may have installed it.
PYTHON ?=
# Extra pytest arguments: make test PYTEST_ARGS="tests/home -k foo"
PYTEST_ARGS ?=
export PYTEST_ARGS
export PLAYWRIGHT_CHROMIUM_EXECUTABLE ?= /usr/bin/chromium

DEV_SETTINGS := rencontres_site.settings.dev
TEST_SETTINGS := rencontres_site.settings.test

.PHONY: help venv install vendor communes lock messages makemessages check-messages run serve \
	test test-fast lint format check bench bench-http bench-cache load backup restore clean

help: ## List the tasks (the default)
	@echo "Usage: make TASK [PYTEST_ARGS=...]"
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-zA-Z_-]+:[^#]*## / {printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: $(STAMP) ## Create .venv: the plugin (test and dev extras) and the demo, editable, pinned
install: $(STAMP) $(NODE_STAMP) ## venv, and npm ci (re-run only when a pyproject.toml or a lock file change)

$(STAMP): pyproject.toml demo/pyproject.toml requirements.lock
	@if [ ! -x $(PY) ]; then \
		scripts/system-deps python; \
		python="$(PYTHON)"; python="$${python:-$$(command -v python3.11 || command -v python3)}"; \
		echo "==> creating $(VENV) with $$("$$python" --version)"; \
		"$$python" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	@# Two distributions: the plugin (pyproject.toml) with the test and dev extras, and the
	@# demo site (demo/pyproject.toml: site/ as rencontres_site, home/), both editable.
	$(PY) -m pip install --quiet -c requirements.lock -e ".[test,dev]" -e ./demo
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	scripts/system-deps node
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

vendor: $(NODE_STAMP) ## Copy the maps' Leaflet files from node_modules into the plugin's static files
	scripts/vendor

communes: $(STAMP) $(NODE_STAMP) ## Load the communes (postcodes, points) from the npm packages
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py load_communes

lock: ## Re-pin requirements.lock to the newest versions pyproject.toml allows
	scripts/lock

messages: $(STAMP) ## Compile both catalogues' .po files into .mo (installs gettext if missing)
	scripts/compilemessages

makemessages: $(STAMP) ## Regenerate the plugin's (rencontres/locale/) and the demo's (locale/) catalogues
	scripts/makemessages

check-messages: $(STAMP) ## Fail when the catalogues are out of date with the code
	scripts/check-messages

run: export DJANGO_SETTINGS_MODULE := $(DEV_SETTINGS)
run: $(STAMP) $(NODE_STAMP) messages ## Start the site with demo content on http://127.0.0.1:8000 (SQLite)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_communes --if-empty
	$(PY) manage.py publication_log remplir
	$(PY) manage.py ensure_superuser
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

serve: $(STAMP) messages ## The production stack here: PostgreSQL, Redis, 2 gunicorn, workers (see README)
	scripts/serve

test: ## Lint, check, then run the whole suite on PostgreSQL (installs what it needs)
	scripts/test

test-fast: ## Only the suite (no apt, no lint or checks): make test-fast PYTEST_ARGS="-x tests/home"
	FAST=1 scripts/test

lint: $(STAMP) ## ruff check and ruff format --check
	$(RUFF) check .
	$(RUFF) format --check .

format: $(STAMP) ## Fix what ruff can (ruff check --fix), then ruff format
	status=0; $(RUFF) check --fix . || status=$$?; $(RUFF) format .; exit $$status

check: export DJANGO_SETTINGS_MODULE := $(TEST_SETTINGS)
check: $(STAMP) ## Django system checks and missing migrations
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

load: $(STAMP) messages ## Load test of make serve's stack: steady, PostgreSQL restarted, Redis stopped (README: Fiabilité)
	scripts/load

backup: $(STAMP) ## Dump PostgreSQL and copy the media (disk or S3) into backups/<date>/ (README: Operations)
	$(PY) manage.py backup $(if $(BACKUP),--output "$(BACKUP)")

restore: $(STAMP) ## Restore a backup into an empty database: make restore BACKUP=backups/<date>
	@[ -n "$(BACKUP)" ] || { echo "usage: make restore BACKUP=backups/<date> [RESTORE_ARGS=--replace]"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" $(RESTORE_ARGS)

bench: $(STAMP) ## Run every bench/*.py with Django set up, on PostgreSQL, then bench-http
	scripts/bench
	scripts/bench-http

bench-http: $(STAMP) messages ## The project against a vanilla Wagtail peer over HTTP (BENCH_RENCONTRES=5000)
	scripts/bench-http

bench-cache: $(STAMP) messages ## The HTTP cache: hit ratio under load, « Publier » to fresh content (README)
	scripts/bench-cache

clean: ## Delete caches, compiled catalogues and test media (keeps .venv and db.sqlite3)
	find . -path ./.venv -prune -o -name __pycache__ -type d -print0 | xargs -0r rm -rf
	rm -rf .pytest_cache .ruff_cache .test-media build *.egg-info
	find locale rencontres/locale -name '*.mo' -delete 2>/dev/null || true
