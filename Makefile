# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
# Python keeps compiled modules (__pycache__, ignored by git) even where the environment says not to
# (PYTHONDONTWRITEBYTECODE=1 on these machines): otherwise every process, each test process and every server or
# worker a test starts, compiles the project and rewrites the test modules' asserts again, about 5.5 of the 9.5
# CPU-seconds pytest takes to collect the suite (issue 15, CI time).
unexport PYTHONDONTWRITEBYTECODE
PORT ?= 8000
# make test runs the suite in this many processes (pytest-xdist; each has its own test database): one per core by
# default, TEST_WORKERS=0 for a single process (e.g. with pdb). The browser tests too, with BROWSER_WORKERS.
TEST_WORKERS ?= auto
BROWSER_WORKERS ?= 0
# The parts of the suite, as pytest marker expressions (see "Running the tests" in README.md): the database pass runs
# on SQLite and on PostgreSQL, the system tests once, the browser tests once. .ci/check-selections checks that
# together they select every test.
SELECT_DATABASE := not browser and not system
# On PostgreSQL (DATABASE_URL postgres://… or postgresql://…) the database pass leaves out the tests marked
# any_database: what they check (the HTTP layer) does not depend on the engine, and they run in the SQLite pass.
SELECT_DATABASE_POSTGRESQL := $(SELECT_DATABASE) and not any_database
ON_POSTGRESQL = $(filter postgres%,$(DATABASE_URL))
SELECT_SYSTEM := system
SELECT_BROWSER := browser

.PHONY: run worker setup test test-checks test-database test-system test-browser test-selections lint lint-css format ci clean bench messages compilemessages screenshots

# The translation catalogues (see "Languages and translations" in README.md). English is the source language of
# the messages; every other language in settings.LANGUAGES has a catalogue locale/<lang>/LC_MESSAGES/django.po.
# tests/i18n/test_catalogues.py extracts with these same flags (it reads them from here).
MAKEMESSAGES_FLAGS := --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore=var --ignore=scripts --ignore=staticfiles
TRANSLATED_LANGUAGES = $(shell DJANGO_SETTINGS_MODULE=portal.settings $(PY) -c 'from django.conf import settings; print(" ".join(code for code, name in settings.LANGUAGES if code != "en"))')

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-embeddings.txt
	@python_bin="$$(scripts/find-python)" || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Creating $(VENV) with $$python_bin"; rm -rf $(VENV); "$$python_bin" -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile --require-hashes --no-deps -r requirements-embeddings.txt
	@# pip compiles what it installs one module at a time (half of its 23 s here); compileall uses every core.
	$(PY) -m compileall -q -j 0 $(VENV)/lib > /dev/null
	@touch $@

setup: $(VENV)/.installed
	@mkdir -p var
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py load_seed
	$(PY) manage.py rebuild_embeddings
	$(PY) manage.py rebuild_search_vocabulary
	$(PY) manage.py build_exports
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(MAKE) --no-print-directory compilemessages

# The development server and, alongside it, one task worker that sends the e-mails (the console mail backend
# prints them here; their links point at this server) and the digest scheduler (manage.py run_scheduler: the daily
# and weekly digests at 07:00, DIGEST_AT=HH:MM to change it). All run in the background of one shell whose traps
# stop them on Ctrl-C, on a TERM sent to make, or when the server exits; the worker is stopped through its
# autoreloaded child (pkill -P: by parent process id), so that it finishes the task in hand, and the scheduler by
# its own process id, so that it finishes the e-mail in hand.
DIGEST_AT ?= 07:00
run: setup
	@echo "Serving the portal at http://$(HOST):$(PORT)/ with a task worker and the digest scheduler (Ctrl-C stops all)"
	@export SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"; \
	$(PY) manage.py db_worker & worker=$$!; \
	$(PY) manage.py run_scheduler --at $(DIGEST_AT) & scheduler=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT) & server=$$!; \
	stop() { kill $$server 2>/dev/null; pkill -TERM -P $$worker 2>/dev/null || kill $$worker 2>/dev/null; kill -TERM $$scheduler 2>/dev/null; wait; }; \
	trap stop EXIT; trap 'stop; exit 0' INT; trap 'stop; exit 143' TERM; \
	wait $$server

# One task worker and the digest scheduler (e.g. in a second terminal, or next to a server started some other way).
worker: setup
	@$(PY) manage.py run_scheduler --at $(DIGEST_AT) & scheduler=$$!; \
	trap 'kill -TERM $$scheduler 2>/dev/null; wait $$scheduler' EXIT; \
	$(PY) manage.py db_worker

# The whole suite except the browser tests; on PostgreSQL when DATABASE_URL points at one.
test: test-checks
	$(VENV)/bin/pytest -m "not browser$(if $(ON_POSTGRESQL), and not any_database)" -n $(TEST_WORKERS) $(PYTEST_ARGS)

# What every test run starts with: the catalogues compiled, the static files collected, the checks, ruff.
test-checks: $(VENV)/.installed compilemessages
	@mkdir -p var
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(VENV)/bin/ruff check .

# The suite in the parts CI runs side by side (`make test` is the first two together). `make -o test-checks ...`
# skips the checks, as .ci/run does once it has run them.
test-database: test-checks
	$(VENV)/bin/pytest -m "$(if $(ON_POSTGRESQL),$(SELECT_DATABASE_POSTGRESQL),$(SELECT_DATABASE))" -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-system: test-checks
	$(VENV)/bin/pytest -m "$(SELECT_SYSTEM)" -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Playwright driving the system Chromium (see scripts/install-browser-deps).
test-browser: test-checks
	scripts/install-browser-deps
	$(VENV)/bin/pytest -m "$(SELECT_BROWSER)" -n $(BROWSER_WORKERS) $(PYTEST_ARGS)

# The marker expressions of the parts, one a line (for .ci/check-selections).
test-selections:
	@printf '%s\n' "$(SELECT_DATABASE)" "$(SELECT_DATABASE_POSTGRESQL)" "$(SELECT_SYSTEM)" "$(SELECT_BROWSER)"

# Full-page PNGs of home, the listing (plain and filtered), an initiative and the insights page at 1366 and 390 px,
# in var/screenshots/ (scripts/screenshots): of a throw-away seeded site on a temporary SQLite database, or of
# SCREENSHOT_URL when it is set. A page that fails is named and the others are still taken (exit status 1).
screenshots: $(VENV)/.installed compilemessages
	scripts/install-browser-deps
	$(PY) scripts/screenshots

# The performance benchmark, not part of `make test` (see bench/README.md): 100,000 initiatives (BENCH_INITIATIVES)
# in a PostgreSQL database of its own (BENCH_DATABASE_URL; by default portal_bench, next to the one
# scripts/setup-postgres prepares, and portal_bench_1m for BENCH_INITIATIVES=1000000, portal_bench_<n> for other
# sizes, so that one size never reloads another's; reused, BENCH_RELOAD=1 reloads), gunicorn with production
# settings and a load generator. Prints a table, writes bench/RESULTS.md and exits 1 when a target is missed.
bench: $(VENV)/.installed
	@url="$${BENCH_DATABASE_URL:-}"; n="$${BENCH_INITIATIVES:-100000}"; \
	case "$$n" in 100000) db=portal_bench;; *000000) db="portal_bench_$${n%000000}m";; *) db="portal_bench_$$n";; esac; \
	if [ -z "$$url" ]; then url="$$(scripts/setup-postgres | tail -n 1)" || exit 1; url="$${url%/*}/$$db"; fi; \
	BENCH_DATABASE_URL="$$url" $(PY) bench/pages.py $(BENCH_ARGS)

lint: lint-css
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Physical CSS properties (margin-left, text-align: right, width...) do not mirror on right-to-left (Arabic) pages:
# stylelint-use-logical asks for the logical ones (margin-inline-start, text-align: start, inline-size...).
lint-css:
	@if [ ! -x node_modules/.bin/stylelint ]; then npm ci --no-audit --no-fund --ignore-scripts; fi
	node_modules/.bin/stylelint "static/**/*.css"

# Re-extract the messages of the sources into every catalogue (new msgids arrive untranslated, changed ones fuzzy).
messages: $(VENV)/.installed
	scripts/install-gettext
	$(PY) manage.py makemessages $(addprefix -l ,$(TRANSLATED_LANGUAGES)) $(MAKEMESSAGES_FLAGS)

# The .mo files Django reads (not committed: built from the .po files by setup, test and test-browser).
compilemessages: $(VENV)/.installed
	scripts/install-gettext
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var node_modules
	find locale -name '*.mo' -delete
