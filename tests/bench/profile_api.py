"""Profile one API request in-process: where the CPU of a request goes, without the network.

Usage (after `BENCH_KEEP=1 make bench`, against the kept scratch database and its var dir):

    DANGJIAN_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/dj_bench \\
    DANGJIAN_VAR_DIR=/tmp/dj-bench-XXXX DANGJIAN_ENVIRONMENT=test \\
    .venv/bin/python tests/bench/profile_api.py secretary '/api/v1/members?org_id=2&page=1&size=20'

It signs in as the user, warms up, then runs PROFILE_REQUESTS (default 300) requests one after
another through httpx's ASGI transport under cProfile and prints the top PROFILE_TOP functions
by own time (tottime), the requests per second of the profiled loop and the process CPU time per
request — the figure to compare on a busy machine, where wall-clock rates swing with the load
(PROFILE_TOP=0: no profiler, only the rate and the CPU time).
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import os
import pstats
import sys
import time

import httpx

from dangjian.main import create_app

PASSWORD = os.environ.get("DANGJIAN_DEMO_PASSWORD", "Dangjian#2026")
REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "300"))
TOP = int(os.environ.get("PROFILE_TOP", "15"))


async def main(user: str, path: str) -> None:
    app = create_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        r = await client.post("/api/v1/auth/login", data={"username": user, "password": PASSWORD})
        r.raise_for_status()
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        for _ in range(20):
            (await client.get(path, headers=headers)).raise_for_status()
        profiler = cProfile.Profile()
        started, cpu = time.perf_counter(), time.process_time()
        if TOP:
            profiler.enable()
        for _ in range(REQUESTS):
            (await client.get(path, headers=headers)).raise_for_status()
        profiler.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    await app.state.db.dispose()
    if TOP:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(
            os.environ.get("PROFILE_SORT", "tottime")
        ).print_stats(TOP)
        print(out.getvalue())
    print(
        f"{REQUESTS} sequential requests in {elapsed:.2f} s ({REQUESTS / elapsed:.0f} req/s), "
        f"{cpu / REQUESTS * 1000:.2f} ms of this process's CPU per request"
        + (" (with profiling)" if TOP else "")
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
