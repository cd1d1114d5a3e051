# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DEBUG ?= true

.PHONY: run test lint tools clean prod-check

run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	$(PY) manage.py serve

test: $(VENV)/.dev tools
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# System tools the test suite drives: Debian's Chromium for browser tests, redis-server for
# the tests that restart a private Redis, SpamAssassin and
# the npm checkers (axe-core, doiuse-email) in tests/checks/. Installs only what is missing.
DEBIAN_TOOLS := chromium spamassassin redis-server
CHECKS := tests/checks

tools:
	@missing=""; for tool in $(DEBIAN_TOOLS); do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	@[ $(CHECKS)/node_modules/.package-lock.json -nt $(CHECKS)/package-lock.json ] || npm ci --prefix $(CHECKS) --no-audit --no-fund --loglevel=error >/dev/null

clean:
	rm -rf $(VENV) var

# The Procfile's processes with production settings against PostgreSQL, one subscriber
# from subscribe to unsubscribe over HTTP (tests/test_production_check.py).
prod-check: $(VENV)/.dev tools
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/newsletter} \
		$(PY) -m pytest -q tests/test_production_check.py
