# Two commands: `make run` (embedded portal with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ADDR ?= 127.0.0.1:8000

.PHONY: run test deps messages makemessages migrate lint lock clean bench

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

deps: $(STAMP)

# Compiles locale/ar with polib: no system gettext needed.
messages: deps
	$(BIN)/python manage.py compile_portal_messages

# Re-extracts the catalogue (needs GNU gettext's xgettext/msgmerge).
makemessages: deps
	$(BIN)/python manage.py makemessages -l ar --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(BIN)/python manage.py compile_portal_messages

migrate: deps
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

# Embedded mode and the tests run with DEBUG on (prerequisites included); unset, DEBUG is off.
run test messages makemessages migrate: export DEBUG ?= 1

# `make run ADDR=0.0.0.0:8080`: links in messages, PDFs and QR codes follow ADDR unless SITE_URL is set.
run: deps messages migrate
	$(BIN)/python manage.py run_embedded --seed-demo --addr $(ADDR)

test: deps messages
	$(BIN)/python -m pytest

# Style, the layer contracts (pyproject.toml [tool.importlinter]) and the complexity ceiling (tools/complexity.py).
lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python tools/complexity.py

# Re-pin requirements.txt from requirements.in in a throw-away environment.
lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	var/lockenv/bin/pip install --quiet -r requirements.in
	var/lockenv/bin/pip freeze --exclude-editable | grep -v '^pip==' > requirements.txt
	rm -rf var/lockenv

# The performance bench on its own PostgreSQL database (created if missing): BENCH_BENEFICIARIES (default 200000)
# people and the rest scaled, generated once; results in var/bench/results.json. Not part of `make test`.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
# Measured as deployed: the cache (sessions, cached reads) in Redis.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/2
bench: deps messages
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} DEBUG=1 $(BIN)/python -c "import os, psycopg2; \
	base, name = os.environ['DATABASE_URL'].rsplit('/', 1); c = psycopg2.connect(base + '/postgres'); c.autocommit = True; \
	k = c.cursor(); k.execute('SELECT 1 FROM pg_database WHERE datname = %s', [name]); \
	k.fetchone() or k.execute('CREATE DATABASE \"%s\"' % name)"
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(BENCH_REDIS_URL)} DEBUG=1 \
		$(BIN)/python manage.py bench --out var/bench/results.json

clean:
	rm -rf var/broker var/static test-artifacts
