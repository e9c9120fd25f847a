# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: install run test test-browser test-postgres test-stress check-guide proxies postgres redis lint format translations extract-messages chromium migrate clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed translations

## Compile the ru/en message catalogs (the .mo files are build output, not in git).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d briefs/translations 2>&1 | grep -v '^$$' || true
	@test -f briefs/translations/ru/LC_MESSAGES/messages.mo

## Re-extract messages after changing user-facing strings, then translate the .po files.
## --ignore-dirs '.*' replaces babel's default, which also skips folders starting with _
## (templates/_macros, templates/_partials).
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs '.*' -k _l -k lazy_gettext -k _lp:1c,2 -k lazy_pgettext:1c,2 -o briefs/translations/messages.pot .
	$(BIN)/pybabel update -i briefs/translations/messages.pot -d briefs/translations --no-fuzzy-matching

migrate: install
	$(FLASK) db upgrade

## Serve the app on http://127.0.0.1:$(PORT) with the SQLite database in instance/,
## and run send-due every minute beside it (reminders, digests, the outbox).
run: migrate
	@export BASE_URL=$${BASE_URL:-http://127.0.0.1:$(PORT)}; \
	( last=""; while true; do out=$$($(FLASK) send-due 2>&1); \
	  [ "$$out" != "$$last" ] && printf '%s\n' "$$out" | grep -v '^0 message'; last=$$out; \
	  sleep 60; done ) & loop=$$!; \
	trap 'kill $$loop 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## Browser tests drive Debian's Chromium; install it when missing and we may.
chromium:
	@if command -v chromium >/dev/null 2>&1 || [ -x "$${CHROMIUM:-/usr/bin/chromium}" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests (apt-get)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	else \
		echo "The browser tests need Chromium: install it (Debian/Ubuntu: sudo apt-get install chromium)"; \
		echo "or point CHROMIUM at a Chromium binary, then run make test again."; exit 1; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## The whole suite: lint, unit, HTTP, migration and browser tests (a few minutes).
test: install chromium redis lint
	$(BIN)/pytest -m "not stress"

test-browser: install chromium
	$(BIN)/pytest -m browser

## PostgreSQL's binaries, for test-postgres and the stress tests (installed when we may).
postgres:
	@if [ -z "$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null)" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing PostgreSQL for the database tests (apt-get)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	fi
	@ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || { echo "PostgreSQL is not installed (Debian: apt-get install postgresql)."; exit 1; }

## Redis for the shared-state tests (rate limits across app servers), installed when we may.
redis:
	@if ! command -v redis-server >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Redis for the shared-state tests (apt-get)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	fi
	@command -v redis-server >/dev/null 2>&1 || { echo "Redis is not installed (Debian: apt-get install redis-server)."; exit 1; }

## The suite (browser and stress tests aside) once more on a throwaway PostgreSQL server.
test-postgres: install postgres redis
	@bin=$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); \
	dir=$$(mktemp -d); port=$$(( 20000 + $$$$ % 20000 )); run=""; \
	if [ "$$(id -u)" = 0 ]; then chown postgres "$$dir"; run="runuser -u postgres --"; fi; \
	$$run $$bin/initdb -D "$$dir/data" -A trust -U postgres >/dev/null && \
	$$run $$bin/pg_ctl -D "$$dir/data" -l "$$dir/log" -w \
		-o "-k $$dir -p $$port -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null && \
	$$bin/createdb -h 127.0.0.1 -p $$port -U postgres briefs_test && \
	TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$$port/briefs_test \
		$(BIN)/pytest -m "not browser and not stress"; status=$$?; \
	$$run $$bin/pg_ctl -D "$$dir/data" -m fast stop >/dev/null; rm -rf "$$dir"; exit $$status

## Long load and fault tests on real servers (PostgreSQL, SMTP with faults); CI runs them.
test-stress: install postgres redis proxies
	$(BIN)/pytest -m stress

## Follow docs/deploy.md step by step in a fresh clone (deploy/check_guide.py; a few minutes).
check-guide: install postgres redis proxies
	$(BIN)/pytest -m stress tests/test_deploy_guide.py

## nginx and Caddy, so the guide's check runs `nginx -t` and `caddy validate` (when we may).
proxies:
	@if ! { command -v nginx && command -v caddy; } >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing nginx and Caddy to check their configs (apt-get)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx caddy >/dev/null; \
	fi

## Issue 11's table, each figure against its baseline timed in the same run (a few
## minutes at 10,000 briefs; `make bench QUICK=1` builds 2,000). Timings live only here.
bench: install
	$(BIN)/python bench/run.py $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
