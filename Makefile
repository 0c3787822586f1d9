# Everyday commands. `make run` and `make test` do all their own set-up and are idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
FRONTEND_SRC := $(shell find frontend/src frontend/scripts frontend/build -type f 2>/dev/null) frontend/vite.config.ts frontend/package.json frontend/tsconfig.json
PURE_MODULES := mockroom/core/clock.py mockroom/core/tokens.py mockroom/interviews/agenda.py mockroom/interviews/rules.py mockroom/live/timer.py mockroom/live/ratelimit.py mockroom/live/bounds.py mockroom/live/limits.py mockroom/live/visibility.py mockroom/whiteboard/reconcile.py mockroom/whiteboard/rules.py mockroom/feedback/release.py mockroom/feedback/durations.py mockroom/feedback/charts.py mockroom/rubrics/editor.py

.PHONY: help setup system-deps venv frontend frontend-e2e migrate run test lint format typecheck frontend-check pytest pytest-postgres demo bench worker clean

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

system-deps:  ## apt-get install chromium, redis-server, postgresql and nginx if missing
	@./scripts/ensure-system-packages

$(VENV)/.installed: requirements.lock scripts/find-python
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		rm -rf $(VENV); "$$(./scripts/find-python)" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

venv: $(VENV)/.installed  ## Create or refresh the virtualenv from requirements.lock

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/.vite/manifest.json: frontend/node_modules/.installed $(FRONTEND_SRC)
	cd frontend && npm run build

frontend: frontend/dist/.vite/manifest.json  ## npm ci and build the front end

# The browser tests' build: the same bundles plus the `window.__mockroomBoard` test hook.
frontend/dist-e2e/.vite/manifest.json: frontend/node_modules/.installed $(FRONTEND_SRC)
	cd frontend && npm run build:e2e

frontend-e2e: frontend/dist-e2e/.vite/manifest.json  ## Build the front end for the browser tests (frontend/dist-e2e)

setup: system-deps venv frontend  ## Everything both commands need

migrate: venv
	mkdir -p var
	$(PY) manage.py migrate --noinput

run: setup migrate  ## Serve on http://$(HOST):$(PORT) with Daphne, SQLite and the in-memory layer
	@echo "MockRoom on http://$(HOST):$(PORT)/  (create a user: $(PY) manage.py createsuperuser)"
	exec $(VENV)/bin/daphne -b $(HOST) -p $(PORT) mockroom.asgi:application

worker: venv  ## Run the background task worker (django.tasks, database backend)
	$(PY) manage.py db_worker

lint: venv  ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: venv  ## mypy on the pure modules
	$(VENV)/bin/mypy $(PURE_MODULES)

frontend-check: frontend  ## tsc, eslint and vitest
	cd frontend && npm run typecheck && npm run lint && npm test

pytest: setup frontend-e2e  ## Every Python test on the embedded default (SQLite, in-memory layer)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The room's services and consumers again on a throwaway PostgreSQL, where row locks are real;
# tests marked `on_postgres` (concurrent writers) run only here.
POSTGRES_TESTS := tests/live tests/whiteboard tests/rubrics/test_live_scoring_and_leaks.py tests/feedback/test_services.py tests/test_api_schemathesis.py tests/test_api_hostile_fields.py tests/interviews/test_hostile_input.py tests/feedback/test_hostile_input.py tests/rubrics/test_hostile_input.py tests/accounts/test_token_label.py
pytest-postgres: setup  ## The room tests on PostgreSQL (started and stopped by scripts/with-postgres)
	$(PY) scripts/with-postgres $(VENV)/bin/pytest -p no:cacheprovider -m "not browser and not slow" $(POSTGRES_TESTS) $(PYTEST_ARGS)

test: setup lint typecheck frontend-check pytest pytest-postgres  ## Every check and every test

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist frontend/dist-e2e var/static

demo: setup migrate  ## Create demo users and a round, then print how to try it
	$(PY) manage.py demo --base-url http://$(HOST):$(PORT)

bench: setup frontend-e2e migrate  ## Print late-join figures for a 5,000-element board (see docs/performance.md)
	FRONTEND_DIST=frontend/dist-e2e $(PY) tests/load/bench_board.py

.PHONY: bench-stroke
bench-stroke: setup frontend-e2e  ## Print stroke latency between two browsers (see docs/performance.md)
	$(PY) tests/load/bench_stroke.py

.PHONY: bench-relay
bench-relay: venv  ## Rooms carried per ASGI server, app against raw relay, by bisection (see docs/performance-relay.md)
	$(PY) tests/load/bench_relay.py --server daphne,uvicorn,granian --bisect 20:700 --raw daphne,uvicorn,granian,asyncio --raw-bisect 100:1200 --warmup 3 --window 10 --json var/bench-relay.json

.PHONY: cluster cluster-stop
cluster: setup  ## The production topology on loopback: PostgreSQL, Redis, 2 uvicorn workers, nginx, task worker
	exec $(PY) -m ops.cluster up --workers $${WORKERS:-2} --port $${CLUSTER_PORT:-8080}

cluster-stop:  ## Stop the cluster `make cluster` started, by its PIDs
	$(PY) -m ops.cluster stop

.PHONY: bench-cluster
bench-cluster: venv  ## Rooms carried by the cluster (PostgreSQL + Redis + 2 uvicorn workers on one core) against the raw relay
	$(PY) tests/load/bench_relay.py --server uvicorn --cluster 2 --bisect 1:400 --raw uvicorn --raw-bisect 100:1200 --warmup 3 --window 10 --json var/bench-cluster.json

.PHONY: backup-check
backup-check: venv  ## pg_dump -Fc, pg_restore into a fresh database, check a round survived (docs/operations.md)
	$(PY) -m ops.backup check

.PHONY: soak
soak: venv  ## 20 min of socket churn and drawing on the embedded default and the cluster at once: RSS/FDs per process (var/soak-*.png), nothing lost
	$(PY) tests/load/soak.py --target both --minutes $${SOAK_MINUTES:-20} --rooms $${SOAK_ROOMS:-20}
