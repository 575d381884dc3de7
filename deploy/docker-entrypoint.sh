#!/usr/bin/env bash
# Container entry point: `serve` (default) migrates the database, creates the keys in the var
# directory once, then starts uvicorn with $WEB_CONCURRENCY worker processes. Any other command
# runs the `dangjian` CLI (e.g. `audit verify`, `create-user`).
set -euo pipefail

if [ "${1:-serve}" != "serve" ]; then
  exec dangjian "$@"
fi

: "${DANGJIAN_DATABASE_URL:?DANGJIAN_DATABASE_URL must be set (postgresql+asyncpg://...)}"
dangjian migrate
# The keys that are not given in the environment are generated into the var directory here, by
# one process, before the workers start (so that no worker can read a half-written key file).
python - <<'PY'
from dangjian.core.config import get_settings

settings = get_settings()
settings.signing_key()
settings.personal_data_key()
settings.audit_signing_key()
PY
exec dangjian serve --host 0.0.0.0 --port "${PORT:-8000}" --workers "${WEB_CONCURRENCY:-2}"
