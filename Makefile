# 社区党建工作平台 — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DANGJIAN_DEMO_PASSWORD ?= Dangjian\#2026
FRONTEND_SOURCES := $(shell find frontend/src frontend/build frontend/index.html frontend/package.json frontend/vite.config.ts -type f 2>/dev/null)

.PHONY: run dev test test-backend test-frontend e2e lint openapi bench install frontend clean

$(STAMP): backend/pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e "backend[dev]"
	touch $(STAMP)

install: $(STAMP)

# The lock carries entries for rollup's other-platform binaries, so npm 11's `npm ci` accepts it
# and leaves it untouched (npm/cli issue 4828). The `npm install` fallback runs with --no-save so
# it never rewrites the committed lock either: `make run` and `make test` leave the checkout clean.
frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && (npm ci --no-audit --no-fund || { echo "npm ci failed; falling back to npm install --no-save (package-lock.json is left as committed)" >&2; npm install --no-save --no-audit --no-fund; })
	touch $@

# Build the SPA only when dist is missing or older than the sources.
frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build

frontend: frontend/dist/index.html

run: $(STAMP) frontend
	$(BIN)/dangjian migrate
	$(BIN)/dangjian seed-demo
	@echo "服务地址 http://$(HOST):$(PORT)  (API 文档 /api/docs)"
	$(BIN)/dangjian serve --host $(HOST) --port $(PORT)

dev: $(STAMP) frontend/node_modules/.package-lock.json
	$(BIN)/dangjian migrate
	$(BIN)/dangjian seed-demo
	$(BIN)/dangjian serve --host $(HOST) --port $(PORT) & \
	  trap "kill $$!" EXIT; cd frontend && npm run dev

# Every suite, then a summary of what ran and what was skipped and why (scripts/test-all.sh).
# It installs Chromium and CJK fonts and starts PostgreSQL when it can (scripts/ensure-*.sh);
# under CI=true anything it cannot provide is a failure, not a skip.
test:
	bash scripts/test-all.sh

# The backend suite runs in PYTEST_WORKERS processes (pytest-xdist); each builds its own template
# databases (SQLite files in its own temporary directory, PostgreSQL databases named after its
# pid). Default: one per CPU, at most 4. PYTEST_WORKERS=0 runs everything in this one process.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 4 ? n : 4 )))

test-backend: $(STAMP)
	$(BIN)/pytest tests/backend -q -p no:cacheprovider -n $(PYTEST_WORKERS)

test-frontend: frontend/node_modules/.package-lock.json
	cd frontend && npm run test:unit

e2e: $(STAMP) frontend
	bash tests/e2e/run.sh

lint: $(STAMP) frontend/node_modules/.package-lock.json
	cd backend && ../$(BIN)/ruff check . ../tests/backend ../tests/bench && ../$(BIN)/ruff format --check . ../tests/backend ../tests/bench
	cd backend && ../$(BIN)/mypy dangjian
	cd frontend && npm run lint && npm run typecheck
	@# the committed spec and generated client must match the code (CI fails when either is stale)
	$(BIN)/dangjian export-openapi --output /tmp/dangjian-openapi-check.json >/dev/null
	cmp -s /tmp/dangjian-openapi-check.json openapi/openapi.json || { echo "openapi/openapi.json is stale: run make openapi"; exit 1; }
	cd frontend && npm run generate >/dev/null && git diff --exit-code --stat -- src/api/generated || { echo "generated client is stale: run make openapi"; exit 1; }

openapi: $(STAMP)
	$(BIN)/dangjian export-openapi
	cd frontend && npm run generate

bench: $(STAMP)
	bash tests/bench/run.sh

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
