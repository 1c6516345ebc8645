# Gridwalk: the README's two commands.
#   make run   install what is missing, build the PWA, migrate, seed demo data, serve on :5000
#   make test  install what is missing, run every test: Python (SQLite; api + unit again with the
#              clock at 2027-02-28T16:30:00Z; PostgreSQL + Redis when TEST_DATABASE_URL /
#              TEST_REDIS_URL are set: every pass runs, see .ci/python-passes), PWA unit, browser e2e
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Python must be allowed to keep the bytecode it compiles: installs skip compiling (--no-compile
# below), and with PYTHONDONTWRITEBYTECODE set (as on this machine kind) every process compiled
# every module again from source: 3.5 s of CPU to boot a gunicorn worker instead of 1.4 s, in each
# test server, each CLI run and each worker a restart replaces.
unexport PYTHONDONTWRITEBYTECODE

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app server
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium
# Synthetic households per grid in the demo data (400 is a real grid; 40 keeps make run quick).
DEMO_HOUSEHOLDS ?= 40
# How long schemathesis fuzzes the live API in make test, both roles together.
FUZZ_SECONDS ?= 180

PWA_SOURCES := $(shell find pwa/src pwa/sw pwa/public pwa/vite -type f 2>/dev/null) \
	pwa/index.html pwa/vite.config.ts pwa/package.json pwa/tsconfig.json

.PHONY: help run test test-python test-pwa test-fuzz lint api-types build chromium migrate seed bench clean

help:
	@echo "make run   - build and serve Gridwalk on http://$(HOST):$(PORT) with demo data"
	@echo "make test  - run every test (Python, PWA unit, browser e2e)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-compile -r requirements-dev.txt  # .pyc as modules are first imported: 59 -> 23 s here
	touch $@

pwa/node_modules/.installed: pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund --loglevel=error
	touch $@

pwa/dist/index.html: pwa/node_modules/.installed $(PWA_SOURCES)
	cd pwa && npm run --silent build
	touch $@

build: pwa/dist/index.html

# Chromium for the e2e tests, and CJK fonts so screenshots and visual checks show real characters
# (the app itself never downloads a CJK web font: phones use their system fonts).
chromium:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then \
		echo "Installing for the browser tests (apt-get):$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	elif [ ! -x "$(CHROMIUM)" ]; then \
		echo "Chromium is missing: run 'sudo apt-get install -y chromium fonts-noto-cjk' (the e2e tests drive /usr/bin/chromium)."; \
		exit 1; \
	else \
		echo "fonts-noto-cjk is missing: screenshots will show boxes for Chinese text (sudo apt-get install -y fonts-noto-cjk)."; \
	fi

migrate: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) forms install-builtins

seed: migrate
	$(FLASK) seed-demo --if-empty --households $(DEMO_HOUSEHOLDS)

run: $(VENV)/.installed build seed
	@echo "Gridwalk 网格通 on http://$(HOST):$(PORT)  (Ctrl-C stops it)"
	@helpers=""; \
	trap 'kill $$helpers 2>/dev/null || true' EXIT; \
	if [ -n "$${REDIS_URL:-}" ]; then \
		echo "Web Push worker: flask push-worker on $$REDIS_URL"; \
		$(FLASK) push-worker & \
		helpers="$$helpers $$!"; \
		echo "Ledger import worker: flask ledger worker on $$REDIS_URL"; \
		$(FLASK) ledger worker & \
		helpers="$$helpers $$!"; \
	fi; \
	$(FLASK) cases remind --every 300 & \
	helpers="$$helpers $$!"; \
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 \
		--access-logfile - server.wsgi:app

# Both languages: ruff for Python and import-linter for its layers (.importlinter); ESLint +
# Prettier for the PWA; the PWA's API types must be the ones the server's OpenAPI generates today
# (regenerate with `make api-types`).
lint: $(VENV)/.installed pwa/node_modules/.installed
	$(VENV)/bin/ruff check server tests bench config pwa/scripts
	$(VENV)/bin/ruff format --check server tests bench config pwa/scripts
	$(VENV)/bin/lint-imports --no-cache
	cd pwa && npm run --silent lint
	cd pwa && GRIDWALK_PYTHON=$(abspath $(PY)) npm run --silent api-types:check

api-types: $(VENV)/.installed pwa/node_modules/.installed
	cd pwa && GRIDWALK_PYTHON=$(abspath $(PY)) npm run --silent api-types

# The Python passes and the fuzz run, in two lanes side by side (see .ci/python-passes).
test-python: $(VENV)/.installed build chromium
	PY=$(PY) FUZZ_SECONDS=$(FUZZ_SECONDS) .ci/python-passes

test-pwa: build
	cd pwa && npx vitest run

# schemathesis against the live gunicorn app as a worker and an admin (PostgreSQL + Redis when
# TEST_DATABASE_URL / TEST_REDIS_URL are set): 0 failures or the step fails. `make test` runs it
# inside test-python's second lane; this target runs it alone.
test-fuzz: $(VENV)/.installed
	$(PY) -m tests.fuzz.run --seconds $(FUZZ_SECONDS)

test: lint test-pwa test-python

bench: $(VENV)/.installed build
	$(PY) bench/shell_size.py

clean:
	rm -rf pwa/dist .pytest_cache
