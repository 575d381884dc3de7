#!/usr/bin/env bash
# make bench: API latency and throughput on PostgreSQL with a large seeded dataset.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python tests/bench/bench_api.py "$@"
