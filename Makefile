# tbgeo — two commands: `make run` (install + start the app) and `make test` (install + run the tests).
# Everything goes into the project-local .venv; versions are pinned by requirements.lock and
# package-lock.json. Re-running is quick: each step is redone only when its inputs change.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ASSETS := static/vendor/.installed

.PHONY: install assets run serve lint test test-deps lock data bench bench-browser clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "tbgeo needs Python >= 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test,bench,server]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json $(STAMP)
	$(PY) -m tbgeo.mapping.assets install > /dev/null
	touch $@

## install: Python packages into .venv and Leaflet into static/vendor (offline map)
install: $(STAMP) $(ASSETS)

assets: $(ASSETS)

## run: start the app on the shipped data at http://localhost:8501
run: install
	$(VENV)/bin/streamlit run app.py --server.address localhost

## serve: start the app for the office network (all addresses, port 8501); needs accounts (tbgeo users add).
## FORWARDED_ALLOW_IPS empty: the client address seen is the connection's (a trusted proxy's), not X-Forwarded-For's
serve: install
	FORWARDED_ALLOW_IPS= $(VENV)/bin/streamlit run app.py --server.address 0.0.0.0

## test-deps: the headless browser for the browser test (Debian package chromium) and a local PostGIS
## server for the PostGIS store tests (Debian package postgresql-15-postgis-3); needs root or sudo
test-deps:
	@sh scripts/ensure_chromium.sh
	@sh scripts/ensure_postgis.sh

## lint: ruff (rule set in pyproject.toml) over the project and mypy (strict on the domain) over tbgeo/
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

## test: install everything the tests need, lint, then run the tests (a lint error fails it, as in CI)
test: install test-deps lint
	$(PY) -m pytest

## lock: re-pin requirements.lock after changing dependencies in pyproject.toml
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e '.[test,bench,server]'
	( echo '# Pinned versions of every package tbgeo installs (used as pip constraints by the Makefile).'; \
	  echo '# Regenerate after changing dependencies: make lock'; \
	  .venv-lock/bin/pip freeze --exclude-editable | grep -vi '^tbgeo' ) > requirements.lock
	rm -rf .venv-lock

## data: rebuild the illustrative default data in data/ (deterministic)
data: $(STAMP)
	$(PY) scripts/build_data.py

## bench: run every benchmark and print its JSON
bench: install
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b; done

## bench-browser: the app as a user feels it (headless Chromium): each page's first paint, a layer
## toggle, review → report, sheet → download (needs /usr/bin/chromium: make test-deps)
bench-browser: install
	$(PY) benchmarks/browser.py

clean:
	rm -rf $(VENV) node_modules static/vendor
