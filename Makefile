# Cluster Policy Platform: every chore is one target. `make help` lists them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test test-unit test-browser lint format check lock messages worker beat bench fuzz backup restore clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: $(STAMP)  ## create .venv and install the pinned dependencies (quick when nothing changed)

# requirements-dev.lock: the site's pins (requirements.lock, used by the Docker image) plus
# the test and lint tools.
$(STAMP): requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

run: install  ## migrate an SQLite database, load the demo data and serve http://127.0.0.1:8000
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install  ## run the whole test suite (browser tests as their own run)
	$(BIN)/python -m pytest -m "not browser"
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -m browser

test-unit: install  ## the suite without the browser tests
	$(BIN)/python -m pytest -m "not browser"

test-browser: install  ## only the browser tests (headless Chromium)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -m browser

lint: install  ## ruff
	$(BIN)/ruff check .

format: install  ## ruff's fixes and formatting of imports
	$(BIN)/ruff check --fix .

check: install  ## Django's checks, missing migrations, and the production deploy check
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=check-only-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  ALLOWED_HOSTS=example.org SITE_URL=https://example.org CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	  CACHE_URL=redis://127.0.0.1:6379/1 DATABASE_URL=sqlite:///check.sqlite3 EMAIL_URL=smtp://127.0.0.1:25 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

PIP_COMPILE := $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links

lock: install  ## re-pin requirements.lock and requirements-dev.lock from pyproject.toml
	$(PIP_COMPILE) -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev -o requirements-dev.lock pyproject.toml
	@rm -rf *.egg-info

MAKEMESSAGES_IGNORE := --ignore '.venv/*' --ignore 'static/*' --ignore 'tests/*' --ignore 'test-artifacts/*'

messages: install  ## update the catalogues (needs GNU gettext), then translate locale/ro and compile
	$(BIN)/python manage.py makemessages -l ro -l en --no-obsolete $(MAKEMESSAGES_IGNORE)
	@# The interface is written in English: its catalogue is the msgids themselves (fuzzy
	@# guesses msgmerge made for new entries are dropped first).
	msgattrib --clear-fuzzy --empty -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	msgen --force-po -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	sed -i 's/^"Language: \\n"/"Language: en\\n"/' locale/en/LC_MESSAGES/django.po
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

worker: install  ## a Celery worker (needs CELERY_BROKER_URL)
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install  ## Celery beat, which runs the outbox sweeper (needs CELERY_BROKER_URL)
	$(BIN)/celery -A config beat --loglevel=INFO

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/clusterpolicy_bench

bench: install  ## benchmarks on PostgreSQL (BENCH_DATABASE_URL); results in bench/RESULTS*.md
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.clusters_directory
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.documents --users 2000
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.search
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.production

FUZZ_EXAMPLES ?= 200

fuzz: install  ## fuzz the REST API from its OpenAPI schema (schemathesis; FUZZ_EXAMPLES per operation)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/fuzz -p no:randomly -q

BACKUP_DIR ?= backups

backup: install  ## dump the database and the media files into $(BACKUP_DIR)/<timestamp>/
	$(BIN)/python manage.py backup_site --output-dir $(BACKUP_DIR)

restore: install  ## restore a backup: make restore FROM=backups/<timestamp> (replaces database and media)
	@test -n "$(FROM)" || { echo "usage: make restore FROM=backups/<timestamp>"; exit 2; }
	$(BIN)/python manage.py restore_site $(FROM) --yes

clean:  ## remove the virtualenv, the SQLite database and caches
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache staticfiles
