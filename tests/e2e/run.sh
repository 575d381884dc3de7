#!/usr/bin/env bash
# Browser end-to-end tests (Node's test runner + playwright-core from frontend/node_modules,
# driving Debian's /usr/bin/chromium). Each suite starts its own backend on a free port with a
# fresh SQLite database and serves frontend/dist — build it first (`make frontend`). The demo data
# is migrated and seeded once per run into a scratch template directory (seed-template.mjs); each
# suite's backend starts from its own copy of it (harness.mjs, DANGJIAN_E2E_TEMPLATE). The suites
# share nothing else (own backend, port, database, browser profile), so they run two at a time
# (DANGJIAN_E2E_JOBS, default 2): much of a suite's time is waiting on the browser and the server,
# not computing, and two at once finish in well under the time of one after the other.
# scripts/ensure-browser.sh installs Chromium and CJK fonts when it can. When it cannot, the suites
# are skipped with its one-line reason (also appended to $DANGJIAN_TEST_NOTES, which the
# `make test` summary reads); with CI=true that is a failure.
set -euo pipefail
here="${BASH_SOURCE[0]%/*}"
[ "$here" != "${BASH_SOURCE[0]}" ] || here=.
cd "$here/../.." || exit 1
rc=0
out=$("$BASH" scripts/ensure-browser.sh 2>&1) || rc=$?
[ -z "$out" ] || printf '%s\n' "$out" >&2
case $rc in
  0) ;;
  3)
    if [ -n "${DANGJIAN_TEST_NOTES:-}" ]; then printf 'browser\t%s\n' "${out##*$'\n'}" >>"$DANGJIAN_TEST_NOTES"; fi
    exit 0
    ;;
  *) exit "$rc" ;;
esac
test -f frontend/node_modules/playwright-core/package.json || { echo "frontend dependencies missing: cd frontend && npm ci" >&2; exit 1; }
template=$(mktemp -d "${TMPDIR:-/tmp}/dj-e2e-template.XXXXXX")
trap 'rm -rf "$template"' EXIT
node tests/e2e/seed-template.mjs "$template"
export DANGJIAN_E2E_TEMPLATE="$template"
rc=0
node --test --test-concurrency="${DANGJIAN_E2E_JOBS:-2}" --test-timeout=300000 tests/e2e/ || rc=$?
exit "$rc"
