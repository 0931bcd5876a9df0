# The README's two commands: `make run` and `make test`. Everything they need installs from here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run serve test test-sqlite test-postgres lint demo bench clean messages system-deps

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

## make run: install, migrate, load the demo seminar, start the web server and the task worker.
run: export AULA_MAIL_VIEWER ?= true
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	$(PY) manage.py start

## make serve: production-style on one machine: migrate, collect the hashed static files, then
## gunicorn (deploy/gunicorn.conf.py; AULA_WEB_WORKERS, default the cores + 1) on AULA_BIND:PORT with the
## task worker and the scheduler, restarted when they crash. No demo data, no demo login.
## Refuses to start without AULA_EMAIL_URL. See docs/deploy.md.
serve: $(VENV)/.installed
	$(PY) manage.py start --production --check
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py start --production

demo: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

## make test: lint, the whole suite on SQLite, then again on PostgreSQL when
## AULA_TEST_DATABASE_URL names one (CI sets it); each pass runs the Redis/RQ tests when
## AULA_TEST_REDIS_URL names a Redis database (CI sets it) and says so when it does not.
test: $(VENV)/.installed-dev system-deps lint test-sqlite test-postgres

## make lint: ruff, the apps' layering (import-linter: [tool.importlinter] in pyproject.toml),
## no model change without its migration.
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run > /dev/null

# The task, outbox and page-cache tests run against RQ and the Redis cache too when
# AULA_TEST_REDIS_URL names a Redis database they may flush (CI: redis://127.0.0.1:6379/15).
REDIS_NOTICE = if [ -z "$$AULA_TEST_REDIS_URL" ]; then \
	  echo "*** Redis/RQ tests NOT RUN: set AULA_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15, a database the tests flush) to run them."; \
	else \
	  echo "=== Redis/RQ tests ran on $$AULA_TEST_REDIS_URL"; \
	fi

test-sqlite: $(VENV)/.installed-dev
	AULA_DATABASE_URL= AULA_TEST_REDIS_URL="$$AULA_TEST_REDIS_URL" $(VENV)/bin/pytest -p no:cacheprovider
	@$(REDIS_NOTICE)

test-postgres: $(VENV)/.installed-dev
	@if [ -z "$$AULA_TEST_DATABASE_URL" ]; then \
	  echo "*** PostgreSQL pass NOT RUN: set AULA_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run it."; \
	else \
	  echo "=== PostgreSQL pass on $$AULA_TEST_DATABASE_URL"; \
	  AULA_DATABASE_URL="$$AULA_TEST_DATABASE_URL" AULA_TEST_REDIS_URL="$$AULA_TEST_REDIS_URL" \
	    $(VENV)/bin/pytest -p no:cacheprovider || exit 1; \
	  $(REDIS_NOTICE); \
	fi

## Debian packages for the tests: chromium (browser tests, never skipped) and gettext.
system-deps:
	@bash scripts/ensure-system-packages

## make bench: Aula on SQLite and on PostgreSQL + Redis under bounded loopback load, with the
## machine's own references (nginx, pgbench); prints a table, writes bench/results/*.json.
bench: $(VENV)/.installed-dev
	$(PY) bench/run.py

LOCALES := ro lt nl it hr
messages: $(VENV)/.installed-dev
	cd src/aula && for locale in $(LOCALES); do \
	  ../../$(PY) ../../manage.py makemessages --locale $$locale --no-obsolete --ignore 'migrations/*' --ignore '*/migrations/*' && \
	  ../../$(PY) ../../manage.py compilemessages --locale $$locale || exit 1; done

clean:
	rm -rf $(VENV) var/static
