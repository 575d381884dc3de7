#!/usr/bin/env bash
# `make test`: every suite in turn — backend pytest (SQLite, and PostgreSQL when a server can be
# had), frontend Vitest, browser e2e — then a summary of which suites ran, which were skipped and
# why. A failing suite does not stop the others; the exit status is non-zero when any failed.
# Scratch files live in a temporary directory, never in the checkout. `make test-backend`,
# `make test-frontend` and `make e2e` still run one suite alone.
set -uo pipefail
here="${BASH_SOURCE[0]%/*}"
[ "$here" != "${BASH_SOURCE[0]}" ] || here=.
cd "$here/.." || exit 1
scratch=$(mktemp -d "${TMPDIR:-/tmp}/dangjian-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export DANGJIAN_TEST_NOTES="$scratch/notes" # tests/e2e/run.sh appends "browser<TAB>reason" here
: >"$DANGJIAN_TEST_NOTES"

summary=()
failed=0
line() { summary+=("$(printf '  %-8s %-22s %s' "$1" "$2" "$3")"); }
# The last line of a log matching a pattern, without colour codes and decoration.
tally() { sed -e 's/\x1b\[[0-9;]*m//g' "$1" | grep -E "$2" | tail -n 1 | sed -E 's/^[[:space:]=#ℹ]+//; s/[[:space:]=]+$//'; }
run() { # run <log> <make target>: output shown and kept; returns the target's status
  make --no-print-directory "$2" 2>&1 | tee "$1"
  return "${PIPESTATUS[0]}"
}

# PostgreSQL: use or start a server, or say why its tests are skipped (a failure under CI).
pg_url=""
pg_rc=0
pg_url=$("$BASH" scripts/ensure-postgres.sh 2>"$scratch/pg.err") || pg_rc=$?
cat "$scratch/pg.err" >&2
pg_reason=$(tail -n 1 "$scratch/pg.err")
[ "$pg_rc" -ne 0 ] || export DANGJIAN_TEST_DATABASE_URL="$pg_url"

echo "── backend (pytest) ──"
rc=0
run "$scratch/backend.log" test-backend || rc=$?
result=$(tally "$scratch/backend.log" '(passed|failed|error|no tests ran).* in [0-9.]+s')
if [ "$rc" -eq 0 ]; then status=passed; else status=failed; failed=1; fi
line "$status" "backend · SQLite" "${result:-exit $rc}"
if [ "$pg_rc" -eq 0 ]; then
  line "$status" "backend · PostgreSQL" "same pytest run, on ${pg_url##*@}"
elif [ "$pg_rc" -eq 3 ]; then
  line skipped "backend · PostgreSQL" "$pg_reason"
else
  line failed "backend · PostgreSQL" "$pg_reason"
  failed=1
fi

echo "── frontend (Vitest) ──"
rc=0
run "$scratch/vitest.log" test-frontend || rc=$?
result=$(tally "$scratch/vitest.log" '^[[:space:]]*Tests[[:space:]]')
if [ "$rc" -eq 0 ]; then status=passed; else status=failed; failed=1; fi
line "$status" "frontend · Vitest" "${result:-exit $rc}"

echo "── browser (e2e) ──"
rc=0
run "$scratch/e2e.log" e2e || rc=$?
skipped=$(awk -F '\t' '$1 == "browser" { r = $2 } END { print r }' "$DANGJIAN_TEST_NOTES")
if [ "$rc" -ne 0 ]; then
  failed=1
  line failed "browser · e2e" "exit $rc"
elif [ -n "$skipped" ]; then
  line skipped "browser · e2e" "$skipped"
else
  counts=$(sed -e 's/\x1b\[[0-9;]*m//g' "$scratch/e2e.log" | grep -E '^(# |ℹ )(tests|pass|fail|skipped) [0-9]+$' | sed -E 's/^(# |ℹ )//' | paste -sd, - | sed 's/,/, /g')
  line passed "browser · e2e" "${counts:-ok}"
fi

# The locked packages declare the Node versions they support (frontend/package.json engines).
node_note=""
if command -v node >/dev/null 2>&1; then
  # shellcheck disable=SC2016 # JavaScript, not shell
  node_note=$(cd frontend && node -e '
    const range = require("./package.json").engines.node
    let ok = true
    try { ok = require("semver").satisfies(process.version, range) } catch {}
    if (!ok) console.log(`Node ${process.version} is outside the range the locked packages declare (${range})`)
  ' 2>/dev/null)
fi

echo
echo "── make test summary ──"
printf '%s\n' "${summary[@]}"
[ -z "$node_note" ] || echo "  note: $node_note"
if [ "$failed" -ne 0 ]; then
  echo "make test: FAILED"
  exit 1
fi
echo "make test: ok"
