# Two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/pso
# WeasyPrint's libraries; Chromium and poppler only for the tests.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_PACKAGES := chromium poppler-utils
export DJANGO_DEBUG ?= 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test check install install-dev test-sqlite test-postgres test-browser lint fuzz screenshots messages clean bench bench-pages bench-load bench-signing bench-restart backup-drill bench-first-project bench-first-page bench-draft

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
	scripts/ensure-system-packages.sh $(RUN_PACKAGES)

# axe-core, from the npm registry, for the accessibility checks of the browser tests.
node_modules/.installed: package.json package-lock.json
	command -v npm >/dev/null || scripts/ensure-system-packages.sh npm
	npm ci --no-audit --no-fund --silent
	touch $@

install-dev: $(VENV)/.installed-dev node_modules/.installed
	scripts/ensure-system-packages.sh $(RUN_PACKAGES) $(TEST_PACKAGES)

# The task worker (dossiers, e-mails) runs beside the web server; Ctrl-C stops both.
run: install
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py seed_demo
	@if [ -z "$${EMAIL_URL:-}" ]; then echo "E-mails are kept, not sent: read them at http://127.0.0.1:8000/admin/outbox/ as the site administrator (README: E-mail in development)."; fi
	$(BIN)/python manage.py task_worker --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$${PORT:-8000}

test: install-dev
	$(MAKE) --no-print-directory test-sqlite
	@if [ "$${REQUIRE_POSTGRES:-0}" = 1 ] || DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/python scripts/postgres_reachable.py; then \
		$(MAKE) --no-print-directory test-postgres; \
	else echo "Skipping the PostgreSQL run: no server answers (set DATABASE_URL)."; fi
	$(MAKE) --no-print-directory test-browser

# pytest exits 5 when it collects no test: make stops on that like on a failure.
# Two workers (pytest-xdist); SQLite builds its tables from the models (the
# PostgreSQL run applies the migrations, and a test checks they match).
TEST_WORKERS ?= 2
test-sqlite:
	@echo "== Tests on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest --ignore=tests/e2e -n $(TEST_WORKERS) --no-migrations

test-postgres:
	@echo "== Tests on PostgreSQL ($${DATABASE_URL:-$(PG_URL)}) =="
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/pytest --ignore=tests/e2e -n $(TEST_WORKERS) --create-db

test-browser:
	@echo "== Browser tests (Chromium) =="
	env -u DATABASE_URL $(BIN)/pytest tests/e2e

# Benchmarks (docs/performance.md): generated PostgreSQL databases of two
# sizes (BENCH_SIZES agencies, generated once and reused), each main page
# against a bare view, the grid save and the demo dossier; then gunicorn and
# a worker loaded by locust with 20 and 100 users. Needs PostgreSQL.
$(VENV)/.installed-bench: requirements-bench.txt $(VENV)/.installed-dev
	$(BIN)/pip install -q -r requirements-bench.txt
	touch $@

bench: bench-first-page bench-pages bench-load bench-signing bench-draft

bench-pages: install-dev
	$(BIN)/python bench/run.py

bench-load: install-dev $(VENV)/.installed-bench
	$(BIN)/python bench/load.py

# A newcomer's wait (bench/first_page.py): `make run` in a fresh clone of
# the last commit until the first page answers, seed_demo, the demo's
# documents built by the worker; then `make run` again in the same clone.
bench-first-page:
	$(PYTHON) bench/first_page.py

# Signing an issued dossier against rendering it (bench/signing.py): no
# server needed, a throwaway SQLite demo.
bench-signing: install-dev
	$(BIN)/python bench/signing.py

# A draft dossier that keeps up with the editing (bench/draft.py): the demo's
# draft in parts, from an empty cache and after small edits, against one
# rendering and WeasyPrint alone; a throwaway SQLite demo.
bench-draft: install-dev
	$(BIN)/python bench/draft.py

# What a first-time head needs to reach submission (bench/first_project.py):
# the guide's example typed in Chromium on a throwaway demo; prints the clicks,
# fields and characters, a person's time estimated from them, and the app's.
bench-first-project: install-dev
	$(BIN)/python bench/first_project.py

# Faults survived (docs/operations.md), each on throwaway PostgreSQL clusters
# of its own (no server needed): a database restart under load, and the
# backup and restore drill.
bench-restart: install-dev
	$(BIN)/python bench/restart.py

backup-drill: install-dev
	$(BIN)/python bench/backup_drill.py

# Every form driven by hypothesis with hostile input (tests/test_fuzz_forms.py),
# FUZZ_EXAMPLES submissions per form instead of the suite's few, new ones each
# run; prints how many submissions were made and how many got a server error.
# A failure is reported once per kind, with its request, at the end of its form.
FUZZ_EXAMPLES ?= 500
fuzz: install-dev
	env -u DATABASE_URL PSO_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz_forms.py \
		-p tests.fuzz -n $(TEST_WORKERS) --no-migrations -q

# The user guide's pictures (templates/guide/), taken by headless Chromium
# from a throwaway demo database, in Thai and English, into static/guide/.
screenshots: install-dev
	$(BIN)/python scripts/screenshots.py

# Lint needs the Python tools only: no browser, no npm. The templates are
# linted by djLint (.djlint.toml), never reformatted by it.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/djlint templates --lint

# The inner loop: lint and the SQLite suite, no browser, no PostgreSQL.
# `make check LF=1` runs only the tests that failed last time (all when none did).
check: $(VENV)/.installed-dev
	$(MAKE) --no-print-directory lint
	env -u DATABASE_URL $(BIN)/pytest --ignore=tests/e2e -n $(TEST_WORKERS) --no-migrations $(if $(LF),--lf --lf-no-failures=all)

# Needs gettext (msgfmt). The compiled .mo files are committed so that a
# fresh machine needs no gettext to run.
messages: install-dev
	$(BIN)/python manage.py makemessages -l th -l en --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=node_modules --ignore=test-artifacts --ignore=bench
	$(BIN)/python scripts/tidy_catalogues.py
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache node_modules
