#!/usr/bin/env bash
# Make the PostgreSQL half of the backend tests runnable and print the URL to test on (stdout).
# DANGJIAN_TEST_DATABASE_URL, when set, is used as is. Otherwise a server on
# DANGJIAN_TEST_PG_HOST:DANGJIAN_TEST_PG_PORT (default 127.0.0.1:5432, trust auth, user postgres)
# is used; when none answers and this user may (root, or passwordless sudo), the local Debian
# cluster is started with pg_ctlcluster.
#   exit 0  ready, URL printed
#   exit 1  no server and CI=true (the PostgreSQL tests must not be skipped under CI)
#   exit 3  no server, not under CI: the PostgreSQL tests will be skipped
# The one-line reason goes to stderr. Used by scripts/test-all.sh (make test) and .ci/run.
set -uo pipefail

if [ -n "${DANGJIAN_TEST_DATABASE_URL:-}" ]; then
  echo "$DANGJIAN_TEST_DATABASE_URL"
  exit 0
fi
host="${DANGJIAN_TEST_PG_HOST:-127.0.0.1}"
port="${DANGJIAN_TEST_PG_PORT:-5432}"

answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -h "$host" -p "$port" -q 2>/dev/null
  else
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
  fi
}

why="no PostgreSQL server answers at $host:$port"
if ! answers; then
  as_root=(none)
  if [ "$EUID" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  fi
  versions=(/etc/postgresql/*/main)
  if [ "${as_root[*]}" = none ]; then
    why="$why and starting one needs root"
  elif ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d "${versions[0]}" ]; then
    why="$why and no local cluster to start (apt-get install postgresql)"
  else
    version="${versions[0]#/etc/postgresql/}"
    version="${version%/main}"
    echo "starting PostgreSQL $version" >&2
    "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
    for _ in $(seq 1 30); do answers && break; sleep 1; done
  fi
fi

if answers; then
  echo "postgresql+asyncpg://postgres@$host:$port/postgres"
  exit 0
fi
if [ "${CI:-}" = true ]; then
  echo "ERROR: PostgreSQL 测试需要数据库服务 — $why; required when CI=true" >&2
  exit 1
fi
echo "PostgreSQL tests skipped: $why (or set DANGJIAN_TEST_DATABASE_URL)" >&2
exit 3
