# Audio deepfake detection platform. `make run` serves it; `make test` checks it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Most tests wait on workers, browsers and outages: two run side by side on two cores.
PYTEST_WORKERS ?= 2
TCMALLOC := $(wildcard /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4)
SYSTEM_PACKAGES := ffmpeg espeak-ng flite festival sox libgoogle-perftools4 chromium chromium-driver poppler-utils

.PHONY: run test test-python test-frontend test-browser lint fmt migrate frontend model demo-model bench bench-stream chaos setup system-deps database schema

# Set up everything that is missing, then serve web, workers and scheduler until Ctrl-C.
run: setup migrate frontend demo-model
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py serve --port $(PORT)

# Set up everything that is missing, then run lint, types and every test suite.
# Lint and the frontend suite run beside pytest, which mostly waits on workers.
test: setup frontend
	$(MAKE) --no-print-directory -j3 --output-sync=target lint test-python test-frontend

# Install Debian packages the platform needs (decoder, TTS engines, tcmalloc, Chromium).
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing (apt-get install)"; exit 1; fi; fi

# The virtual environment with pinned requirements (re-installed when they change).
$(VENV)/.installed: requirements/web.txt requirements/inference.txt requirements/training.txt requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/dev.txt
	touch $@

setup: system-deps $(VENV)/.installed database .secret_key

# A random SECRET_KEY for this checkout, made on first start and kept out of git.
.secret_key: | $(VENV)/.installed
	$(PY) -m config.secret_key

# Create the database named by DATABASE_URL when it does not exist yet.
database: $(VENV)/.installed
	$(PY) -m config.create_database

# Apply database migrations.
migrate: database .secret_key
	$(PY) manage.py migrate --noinput -v0

# Build the React dashboard into frontend/dist (its API types are generated from docs/openapi.yaml).
frontend: frontend/dist/index.html
# (The generated types are left out: typecheck rewrites them, which must not force a rebuild.)
frontend/dist/index.html: docs/openapi.yaml $(shell find frontend/src frontend/index.html frontend/package.json frontend/vite.config.ts -type f -not -path frontend/src/api/schema.d.ts 2>/dev/null)
	cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build

# The untrained offline demo checkpoint, built only while no trained model serves
# (no models/default and no DETECTOR_MODEL).
ifeq ($(wildcard models/default/config.json)$(DETECTOR_MODEL),)
demo-model: models/offline-demo/config.json
else
demo-model: ;
endif
models/offline-demo/config.json: | $(VENV)/.installed .secret_key
	$(PY) manage.py build_offline_model models/offline-demo

# Cross-validate, calibrate and train the default detector into models/default
# from ../shared/data (under an hour on two cores).
model: setup
	LD_PRELOAD=$(TCMALLOC) $(PY) manage.py build_default_model

# Python tests against real PostgreSQL, Redis and Celery workers, a test file per
# pytest-xdist worker (each has its own test database and Redis database).
test-python: .secret_key
	REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile

# Frontend unit tests (Vitest).
test-frontend: frontend
	cd frontend && npm run typecheck && npm test

# Write the OpenAPI schema the API serves to docs/openapi.yaml (commit it); fails on any warning.
schema: $(VENV)/.installed .secret_key
	$(PY) manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

# Ruff, ruff format --check and mypy.
lint: $(VENV)/.installed .secret_key
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy accounts config detector inference bench manage.py

# Format the Python code.
fmt: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Print throughput figures (model only per scoring path, end to end) and the
# preprocess worker's memory as uploads grow (takes several minutes).
bench: setup
	LD_PRELOAD=$(TCMALLOC) $(PY) -m bench.pipeline
	LD_PRELOAD=$(TCMALLOC) $(PY) -m bench.default_model
	LD_PRELOAD=$(TCMALLOC) $(PY) -m bench.scoring_paths
	LD_PRELOAD=$(TCMALLOC) $(PY) -m bench.worker_memory

# Live stream latency on a private PostgreSQL, Redis and `manage.py serve`:
# window delay p50/p95/p99 and first result, 1 and 4 streams (~3 min).
bench-stream: setup
	$(PY) -m bench.stream

# Load and faults against a private PostgreSQL, Redis and `manage.py serve`
# on loopback: prints lost, duplicated, stuck, recovery and latency (~10 min).
chaos: setup frontend demo-model
	$(PY) -m bench.chaos
