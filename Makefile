# Two commands on a fresh machine: `make run` (site on SQLite with the real data) and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# The first Python >= 3.12 found: python3.13, python3.12, then python3.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup run test lint data venv test-packages lock clean messages

help:
	@echo "make run    - set up (venv, install, migrate, import real data) and serve at http://$(HOST):$(PORT)"
	@echo "make test   - install test dependencies and run the whole test suite"
	@echo "make setup  - everything make run does except serving"

$(PY):
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 is needed (python3.13, python3.12 or python3)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installed packages are re-synced whenever a lock file changes.
$(VENV)/.installed: requirements.txt | $(PY)
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt | $(PY)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

# The Spanish translations, compiled from locale/es/LC_MESSAGES/django.po (the .mo is not kept
# in git). GNU gettext's msgfmt does the work (Debian: apt-get install gettext).
MESSAGES := locale/es/LC_MESSAGES/django.mo
messages: $(MESSAGES)
$(MESSAGES): locale/es/LC_MESSAGES/django.po | $(PY)
	@command -v msgfmt >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
		else echo "GNU gettext is needed (Debian: sudo apt-get install gettext)." >&2; exit 1; fi; }
	$(PY) manage.py compilemessages -l es --ignore '.venv' --ignore 'node_modules' -v0

setup: venv $(MESSAGES)
	$(PY) manage.py migrate --noinput
	$(MAKE) --no-print-directory data

# Loads the real data shipped in fixtures/ (idempotent: safe to run again).
data:
	$(PY) manage.py seed_content
	$(PY) manage.py import_bls
	$(PY) manage.py import_onet
	$(PY) manage.py import_zips
	$(PY) manage.py import_ipeds --noinput

run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

# Debian packages the tests run, installed when missing: Chromium for the browser tests
# (Playwright cannot download its own browser here) and nginx for tests/test_nginx.py
# (docs/deploy.md's config in front of the app).
test-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	[ -z "$$missing" ] || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "The tests need$$missing (Debian: sudo apt-get install$$missing)." >&2; exit 1; fi; }

# axe-core (accessibility tests) and Lighthouse (bench/lighthouse.py), pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Node.js and npm are needed (Debian: apt-get install nodejs npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.installed-dev $(MESSAGES) test-packages node_modules/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerate the lock files after changing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile -q pyproject.toml -p 3.13 -o requirements.txt
	uv pip compile -q pyproject.toml --extra dev -p 3.13 -o requirements-dev.txt

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles node_modules
