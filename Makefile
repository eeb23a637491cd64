# Sésame — developer and CI commands. GNU make; needs only python3 (3.11+) and make.
# `make run` serves the portal with the development defaults: SQLite in var/, tasks run
# in-process, e-mails written to var/mail.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
# Written after a successful install; pyproject.toml newer than it means "reinstall".
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -q
# `make run PORT=8001` serves on another port; e-mailed links follow (SITE_URL defaults to it).
export PORT ?= 8000
APPS := common portal accounts delegation approvals imports notifications

# For `make deploy-check` only: a throwaway key so the check runs with production settings.
DEPLOY_CHECK_ENV := DEBUG=false \
	SECRET_KEY=Go2I0hMJO5AFOZ67sAnQkdQ1OYGXtp9NDM80qK7p6IK0QvnoauHvgpQyC4LSELzH-deploy-check-only \
	ALLOWED_HOSTS=sesame.example \
	SITE_URL=https://sesame.example

export PIP_DISABLE_PIP_VERSION_CHECK := 1

# `make stack`: settings from these env files (the second, optional and not committed, overrides).
STACK_ENV := .env.stack,.env.stack.local

.PHONY: help venv run migrate seed test lint fmt deploy-check worker beat stack clean distclean

help: ## List the targets
	@echo "Sésame — make targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "} {printf "  %-14s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: PYTEST_ARGS='$(PYTEST_ARGS)' (e.g. make test PYTEST_ARGS='-x tests/accounts')"
	@echo "           PORT='$(PORT)' (e.g. make run PORT=8001: serves and links e-mails there)"

venv: $(STAMP) ## Create .venv and install the project with dev tools (no-op when up to date)

$(STAMP): pyproject.toml
	@if ! command -v $(PYTHON) >/dev/null 2>&1; then \
		echo >&2 "error: $(PYTHON) not found. Install Python 3.11+ (Debian: apt-get install python3 python3-venv)."; \
		exit 1; \
	fi
	@if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
		echo >&2 "error: Sésame needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1)."; \
		exit 1; \
	fi
	@if [ ! -x "$(PY)" ] || ! "$(PY)" -m pip --version >/dev/null 2>&1; then \
		rm -rf "$(VENV)"; \
		echo "Creating $(VENV) with $$($(PYTHON) -V 2>&1)"; \
		if ! $(PYTHON) -m venv "$(VENV)"; then \
			rm -rf "$(VENV)"; \
			echo >&2; \
			echo >&2 "error: '$(PYTHON) -m venv' failed: the venv module or ensurepip is missing."; \
			echo >&2 "       On Debian/Ubuntu install it with:  sudo apt-get install python3-venv"; \
			echo >&2 "       then run this command again."; \
			exit 1; \
		fi; \
	fi
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e ".[dev]"
	@touch "$(STAMP)"

migrate: venv ## Apply database migrations (SQLite in var/ by default)
	@mkdir -p var
	$(MANAGE) migrate --noinput

seed: migrate ## Load the demo data (idempotent)
	$(MANAGE) seed_demo

run: seed ## Migrate, load demo data and serve on http://127.0.0.1:8000 (PORT=8001: another port)
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: venv ## Run the test suite (browser tests skip themselves without /usr/bin/chromium)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv ## ruff, ruff format --check, missing migrations, mypy, import contracts (runs all five)
	@status=0; \
	echo "$(BIN)/ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "$(BIN)/ruff format --check ."; $(BIN)/ruff format --check . || status=1; \
	echo "$(MANAGE) makemigrations --check --dry-run --noinput"; \
	$(MANAGE) makemigrations --check --dry-run --noinput || status=1; \
	echo "$(BIN)/mypy $(APPS)"; $(BIN)/mypy $(APPS) || status=1; \
	echo "$(BIN)/lint-imports"; $(BIN)/lint-imports || status=1; \
	if [ $$status -ne 0 ]; then echo >&2 "lint: some checks failed (see above)"; fi; \
	exit $$status

fmt: venv ## Fix what ruff can fix, then format
	@status=0; \
	echo "$(BIN)/ruff check --fix ."; $(BIN)/ruff check --fix . || status=1; \
	echo "$(BIN)/ruff format ."; $(BIN)/ruff format . || status=1; \
	exit $$status

deploy-check: venv ## manage.py check --deploy with production settings, warnings fail
	$(DEPLOY_CHECK_ENV) $(MANAGE) check --deploy --fail-level WARNING

worker: venv ## Celery worker (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)
	$(BIN)/celery -A portal worker -l info

beat: venv ## Celery beat scheduler (needs CELERY_BROKER_URL)
	@mkdir -p var
	$(BIN)/celery -A portal beat -l info --schedule var/celerybeat-schedule

stack: venv ## Production settings without Docker: gunicorn, worker, beat, mail catcher (Ctrl-C stops)
	@set -a; . ./.env.stack; if [ -f .env.stack.local ]; then . ./.env.stack.local; fi; set +a; \
		mkdir -p "$$SESAME_VAR_DIR" && $(PY) bin/stack_db.py create
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.stack -e $(STACK_ENV) start

clean: ## Remove caches and build output (keeps .venv and the data in var/)
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .ruff_cache .mypy_cache .hypothesis .pytest_cache build staticfiles test-results \
		tests/e2e/screenshots

distclean: clean ## Also remove .venv and var/ (local database, mail, uploads)
	rm -rf $(VENV) var
