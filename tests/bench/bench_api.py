"""Benchmark the foundation endpoints on PostgreSQL with BENCH_MEMBERS generated members.

Prints, per endpoint, the median and p99 latency and the throughput at BENCH_CONCURRENCY clients.
Not part of `make test`: figures depend on the machine, so they are reported, never asserted.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import asyncpg
import httpx

BASE_DSN = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
DB = "dj_bench"
PASSWORD = "Dangjian#2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def admin(*statements: str) -> None:
    conn = await asyncpg.connect(BASE_DSN)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def load(
    client: httpx.AsyncClient, url: str, token: str, seconds: float
) -> tuple[list[float], float]:
    """Each client sends requests back to back until `seconds` have passed."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            r = await client.get(url, headers={"Authorization": f"Bearer {token}"})
            latencies.append(time.perf_counter() - start)
            r.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies, time.perf_counter() - started


async def main() -> int:
    await admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)', f'CREATE DATABASE "{DB}"')
    url = BASE_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{DB}"
    var = tempfile.mkdtemp(prefix="dj-bench-")
    env = {
        **os.environ,
        "DANGJIAN_DATABASE_URL": url,
        "DANGJIAN_VAR_DIR": var,
        "DANGJIAN_DEMO_PASSWORD": PASSWORD,
        "DANGJIAN_ENVIRONMENT": "test",
    }
    cli = [sys.executable, "-m", "dangjian.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    t0 = time.perf_counter()
    subprocess.run(
        [*cli, "seed-demo", "--members", str(MEMBERS)], env=env, check=True, capture_output=True
    )
    print(f"seed-demo --members {MEMBERS}: {time.perf_counter() - t0:.1f} s")
    port = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(
            base_url=base, timeout=30, limits=httpx.Limits(max_connections=CONCURRENCY)
        ) as client:
            for _ in range(100):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    await asyncio.sleep(0.2)
            print(f"{CONCURRENCY} concurrent clients, {SECONDS:.0f} s per endpoint, 1 API process")
            print(f"{'endpoint':<44}{'median ms':>10}{'p99 ms':>10}{'req/s':>10}")
            for user, path in [
                ("secretary", "/api/v1/auth/me"),
                ("secretary", "/api/v1/organizations/tree"),
                ("street", "/api/v1/organizations/tree"),
                ("street", "/api/v1/dashboard"),
                ("secretary", "/api/v1/organizations?page=1&size=20"),
            ]:
                r = await client.post(
                    "/api/v1/auth/login", data={"username": user, "password": PASSWORD}
                )
                token = r.json()["access_token"]
                await load(client, path, token, 2)  # warm-up
                latencies, elapsed = await load(client, path, token, SECONDS)
                latencies.sort()
                p99 = latencies[int(len(latencies) * 0.99) - 1]
                print(
                    f"{user + ' ' + path:<44}{statistics.median(latencies) * 1000:>10.1f}"
                    f"{p99 * 1000:>10.1f}{len(latencies) / elapsed:>10.0f}"
                )
    finally:
        server.terminate()
        server.wait(timeout=10)
        await admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
