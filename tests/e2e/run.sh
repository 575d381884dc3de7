#!/usr/bin/env bash
# Browser end-to-end tests (Node's test runner + playwright-core from frontend/node_modules,
# driving Debian's /usr/bin/chromium). Each suite starts its own backend on a free port with a
# fresh SQLite database and serves frontend/dist — build it first (`make frontend`).
# Without Chromium the suites are skipped with a message; with CI=true that is a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
test -f frontend/node_modules/playwright-core/package.json || { echo "frontend dependencies missing: cd frontend && npm ci" >&2; exit 1; }
exec node --test --test-concurrency=1 --test-timeout=300000 tests/e2e/
