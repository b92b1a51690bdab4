.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3.11

help:  ## List targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS=":.*## "} {printf "%-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV) && $(VENV)/bin/pip install -q --upgrade pip && $(VENV)/bin/pip install -q -e ".[dev]" && touch $@

install: $(VENV)/.installed  ## Create .venv and install the app with its dev tools

# `run` starts the background worker (imports) beside the web server and stops it with it.
run: $(VENV)/.installed  ## Run the app and its worker on SQLite with demo data at http://127.0.0.1:8000
	DJANGO_DEBUG=true $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=true $(PY) manage.py seed_demo
	DJANGO_DEBUG=true $(PY) manage.py seed_demo_workforce
	DJANGO_DEBUG=true $(PY) manage.py recurrence_index
	DJANGO_DEBUG=true $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed  ## Run the test suite (browser tests skip with a reason when chromium is missing)
	$(VENV)/bin/pytest

lint: $(VENV)/.installed  ## Lint, format check, type check and the apps' layers (import-linter)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy && $(VENV)/bin/lint-imports --no-logo

check: lint test  ## Lint and test (what CI runs, on SQLite)

bench: $(VENV)/.installed  ## Benchmark a small generated data set on SQLite (national scale: bench/README.md)
	$(PY) bench/generate.py --scale small --replace
	$(PY) bench/run.py --requests 30 --json bench/results/small-sqlite.json
	$(PY) bench/run.py --mixed --seconds 10 --json bench/results/small-sqlite-mixed.json

frontend:  ## Rebuild static/ from GOV.UK Frontend (needs Node; output is committed)
	npm install --no-save --ignore-scripts
	node_modules/.bin/sass --quiet --no-source-map --style=compressed --load-path=node_modules assets/scss/app.scss answerable/static/css/app.css
	rm -rf answerable/static/govuk && mkdir -p answerable/static/govuk
	cp -r node_modules/govuk-frontend/dist/govuk/assets answerable/static/govuk/assets && rm -rf answerable/static/govuk/assets/fonts
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js answerable/static/govuk/

.PHONY: help install run test lint check bench frontend
