# Claimdesk developer commands. Everything runs from the project's own .venv.
#   make run          database schema, roles, demo fund, then serve on http://127.0.0.1:5000
#   make test         the whole suite on SQLite, and again on PostgreSQL when
#                     CLAIMDESK_TEST_DATABASE_URL is set
#   make fuzz         a longer randomised schemathesis run against the REST API
#   make lint         ruff
#   make migration MSG="what changed"   autogenerate a new Alembic revision
#   make initial-migration              regenerate the single initial revision from the models
#   make translations                   extract the messages into the catalog and compile it

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app run
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
PYTEST_ARGS ?=
FUZZ_TESTS ?= tests/integration/test_api_fuzz.py
MSG ?= schema change

.PHONY: help run serve test test-sqlite test-postgres fuzz lint migration initial-migration \
	translations compile-translations venv

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

# --- Environment -------------------------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: pip runs again only when a requirements file changed.
$(VENV)/.installed-app: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-app

venv: $(VENV)/.installed-app

# --- Running -----------------------------------------------------------------------------------
compile-translations: $(VENV)/.installed-app
	$(BIN)/pybabel compile -d translations

run: $(VENV)/.installed-app compile-translations
	$(FLASK) db upgrade
	$(FLASK) claimdesk sync-roles
	$(FLASK) claimdesk demo
	$(FLASK) claimdesk demo-logins
	$(MAKE) --no-print-directory serve

serve:
	@echo "Claimdesk on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - run:app

# --- Tests -------------------------------------------------------------------------------------
# Both runs happen even when the first fails, and any failure fails the target. pytest's exit
# codes pass through: 5 (nothing collected) fails like any other.
test: $(VENV)/.installed-dev compile-translations
	status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=$$?; \
	if [ -n "$${CLAIMDESK_TEST_DATABASE_URL:-}" ]; then \
		$(MAKE) --no-print-directory test-postgres || status=$$?; \
	else \
		echo "CLAIMDESK_TEST_DATABASE_URL is not set: the PostgreSQL run is skipped."; \
	fi; \
	exit $$status

test-sqlite:
	@echo "=== Test suite on SQLite ==="
	env -u CLAIMDESK_TEST_DATABASE_URL $(BIN)/python -m pytest -rs $(PYTEST_ARGS)

test-postgres:
	@test -n "$${CLAIMDESK_TEST_DATABASE_URL:-}" || \
		{ echo "set CLAIMDESK_TEST_DATABASE_URL=postgresql://user@host:port/database"; exit 2; }
	@echo "=== Test suite on PostgreSQL ==="
	$(BIN)/python -m pytest -rs $(PYTEST_ARGS)

fuzz: $(VENV)/.installed-dev
	CLAIMDESK_FUZZ_EXAMPLES=200 CLAIMDESK_FUZZ_RANDOM=1 \
		$(BIN)/python -m pytest -rs $(FUZZ_TESTS) $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

# --- Schema and catalog ------------------------------------------------------------------------
# Autogenerate compares the models with a scratch SQLite database brought to the current head,
# so the developer's own database (and its data) never matters.
migration: $(VENV)/.installed-app
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	export CLAIMDESK_INSTANCE_PATH="$$scratch" CLAIMDESK_DATABASE_URL="sqlite:///$$scratch/m.db" && \
	$(FLASK) db upgrade && $(FLASK) db migrate -m "$(MSG)"

initial-migration: $(VENV)/.installed-app
	rm -f migrations/versions/*.py
	$(MAKE) --no-print-directory migration MSG="initial schema"

translations: $(VENV)/.installed-app
	$(BIN)/pybabel extract --mapping-file babel.cfg --no-location --sort-output \
		--project Claimdesk -k lazy_gettext -k _l --output-file translations/messages.pot .
	if [ -f translations/en/LC_MESSAGES/messages.po ]; then \
		$(BIN)/pybabel update --input-file translations/messages.pot -d translations -l en \
			--no-fuzzy-matching --ignore-obsolete; \
	else \
		$(BIN)/pybabel init --input-file translations/messages.pot -d translations -l en; \
	fi
	$(MAKE) --no-print-directory compile-translations
