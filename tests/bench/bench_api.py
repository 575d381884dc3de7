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

import aiohttp
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


async def load(base: str, path: str, token: str, seconds: float) -> tuple[list[float], float]:
    """Each client sends requests back to back until `seconds` have passed.

    The load comes from aiohttp, not httpx: on this 2-core machine httpx's own CPU use capped even
    a no-op route near 540 req/s, so the harness measured itself (aiohttp: ≈ 4 000 req/s).
    """
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(base, connector=connector) as http:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                async with http.get(path, headers=headers) as r:
                    await r.read()
                    latencies.append(time.perf_counter() - start)
                    r.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return latencies, time.perf_counter() - started


# The SQL behind GET /api/v1/members?org_id=<community>&page=1&size=20 (count + first page),
# for the raw-asyncpg comparison: what the API adds on top is the figure we track.
RAW_COUNT = """
SELECT count(*) FROM members JOIN organizations ON organizations.id = members.organization_id
WHERE organizations.path LIKE $1 AND members.status IN ('normal','suspended','probation','lost_contact')
"""
RAW_PAGE = """
SELECT members.*, organizations.name, organizations.path,
       (SELECT max(e.occurred_on) FROM member_events e
        WHERE e.member_id = members.id AND e.type = 'lost_contact')
FROM members JOIN organizations ON organizations.id = members.organization_id
WHERE organizations.path LIKE $1 AND members.status IN ('normal','suspended','probation','lost_contact')
ORDER BY members.name, members.id LIMIT 20 OFFSET 0
"""


async def raw_throughput(dsn: str, path: str, seconds: float) -> float:
    pool = await asyncpg.create_pool(dsn, min_size=CONCURRENCY, max_size=CONCURRENCY)
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            async with pool.acquire() as conn:
                await conn.fetchval(RAW_COUNT, path + "%")
                await conn.fetch(RAW_PAGE, path + "%")
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    await pool.close()
    return done / elapsed


def roster_sheet(rows: int) -> bytes:
    from datetime import date, timedelta

    from openpyxl import Workbook

    from dangjian.core import idcard
    from dangjian.members.xlsx import HEADERS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员花名册")
    ws.append(HEADERS)
    for n in range(rows):
        # one sequence number per birth date and person: every ID number is distinct
        born = date(1950, 1, 1) + timedelta(days=n // 100)
        number = idcard.make("650102", born, n % 100, n % 2 == 0)  # an area the seed never uses
        values = {
            "姓名": f"导入{n}",
            "公民身份号码": number,
            "人员类别": "正式党员",
            "所在党组织": "离退休党员党支部",
            "入党日期": "2000-07-01",
            "转正日期": "2001-07-01",
            "手机号码": f"137{n:08d}",
        }
        ws.append([values.get(h) for h in HEADERS])
    import io

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


async def roster_figures(client: httpx.AsyncClient, url: str) -> None:
    """Issue 4: roster list vs raw asyncpg, and a 10 000-row import."""
    token = (
        await client.post(
            "/api/v1/auth/login", data={"username": "secretary", "password": PASSWORD}
        )
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    community = (await client.get("/api/v1/organizations/tree", headers=headers)).json()[0]
    path = f"/api/v1/members?org_id={community['id']}&page=1&size=20"
    base = str(client.base_url).rstrip("/")
    await load(base, path, token, 2)
    latencies, elapsed = await load(base, path, token, SECONDS)
    latencies.sort()
    api_rps = len(latencies) / elapsed
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    raw_rps = await raw_throughput(dsn, community["path"], SECONDS)
    print(f"\nroster list (secretary, {path}):")
    print(
        f"  API: median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms, {api_rps:.0f} req/s"
    )
    print(
        f"  same SQL through raw asyncpg: {raw_rps:.0f} req/s; ratio API/raw = {api_rps / raw_rps:.2f}"
    )
    clerk = (
        await client.post("/api/v1/auth/login", data={"username": "clerk", "password": PASSWORD})
    ).json()["access_token"]
    sheet = roster_sheet(10_000)
    started = time.perf_counter()
    r = await client.post(
        "/api/v1/members/import",
        params={"dry_run": "false"},
        headers={"Authorization": f"Bearer {clerk}"},
        files={"file": ("roster.xlsx", sheet, "application/octet-stream")},
        timeout=300,
    )
    seconds = time.perf_counter() - started
    body = r.json()
    print(
        f"import of 10 000 rows: {seconds:.1f} s (applied={body.get('applied')}, "
        f"created={body.get('to_create')}, problems={len(body.get('problems', []))})"
    )


async def dues_figures(client: httpx.AsyncClient, url: str) -> None:
    """Issue 6: the monthly collection report over the whole street (every member with a basis, a
    year of monthly allocations for six in seven of them, some exemptions), one client at a time:
    the median is the report's own time, not queueing."""
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        t0 = time.perf_counter()
        await conn.execute(
            """
            INSERT INTO dues_bases (member_id, category, basis, rate, monthly_amount,
                                    effective_from, recorded_by, created_at)
            SELECT id, 'salaried', 2000 + (id % 9000), 0.01, round((2000 + (id % 9000)) * 0.01, 2),
                   (date_trunc('month', now()) - interval '12 months')::date, 'bench', now()
            FROM members
            """
        )
        await conn.execute(
            """
            INSERT INTO dues_payments (member_id, organization_id, kind, amount, method, collector,
                paid_on, receipt_year, receipt_seq, back_payment, advance, remit_required,
                recorded_by, created_at)
            SELECT id, organization_id, 'regular', 0, 'cash', 'bench', current_date,
                   extract(year from now())::int, 1000000 + id, false, false, false, 'bench', now()
            FROM members WHERE id % 7 <> 0
            """
        )
        await conn.execute(
            """
            INSERT INTO dues_payment_months (payment_id, member_id, month, amount)
            SELECT p.id, p.member_id, m::date, round((2000 + (p.member_id % 9000)) * 0.01, 2)
            FROM dues_payments p CROSS JOIN generate_series(
                date_trunc('month', now()) - interval '11 months', date_trunc('month', now()),
                interval '1 month') AS m
            """
        )
        await conn.execute(
            """
            INSERT INTO dues_exemptions (member_id, kind, first_month, last_month, reason, status,
                                         applied_by, applied_at)
            SELECT id, 'exempt', (date_trunc('month', now()) - interval '2 months')::date,
                   (date_trunc('month', now()) + interval '3 months')::date, 'bench', 'approved',
                   'bench', now()
            FROM members WHERE id % 97 = 0
            """
        )
        # The derived net per member and month that payments.allocate keeps.
        await conn.execute(
            """
            INSERT INTO dues_month_paid (month, member_id, paid)
            SELECT pm.month, pm.member_id, sum(pm.amount)
            FROM dues_payment_months pm JOIN dues_payments p ON p.id = pm.payment_id
            WHERE p.recorded_by = 'bench'
            GROUP BY pm.month, pm.member_id
            ON CONFLICT (month, member_id) DO UPDATE SET paid = dues_month_paid.paid + EXCLUDED.paid
            """
        )
        # What autovacuum does after a bulk load (visibility map for index-only scans, statistics).
        await conn.execute("VACUUM ANALYZE")
        months = await conn.fetchval("SELECT count(*) FROM dues_payment_months")
        print(
            f"\ndues data: {months} paid member-months written in {time.perf_counter() - t0:.1f} s"
        )
    finally:
        await conn.close()
    for user in ("street", "secretary"):
        token = (
            await client.post("/api/v1/auth/login", data={"username": user, "password": PASSWORD})
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        org = (await client.get("/api/v1/organizations/tree", headers=headers)).json()[0]
        path = f"/api/v1/dues/reports/monthly?org_id={org['id']}"
        times = []
        for i in range(23):
            started = time.perf_counter()
            r = await client.get(path, headers=headers, timeout=120)
            if i >= 3:  # the first requests warm the caches
                times.append(time.perf_counter() - started)
            assert r.status_code == 200, r.text
        total = r.json()["total"]
        print(
            f"monthly dues report ({user}, {org['name']}, {total['members']} members due): "
            f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
            f"over {len(times)} sequential requests"
        )


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
            for user, path in (
                []
                if os.environ.get("BENCH_ONLY") == "dues"
                else [
                    ("secretary", "/healthz"),  # no-op route: the ceiling of this harness
                    ("secretary", "/api/v1/auth/me"),
                    ("secretary", "/api/v1/organizations/tree"),
                    ("street", "/api/v1/organizations/tree"),
                    ("street", "/api/v1/dashboard"),
                    ("secretary", "/api/v1/organizations?page=1&size=20"),
                ]
            ):
                r = await client.post(
                    "/api/v1/auth/login", data={"username": user, "password": PASSWORD}
                )
                token = r.json()["access_token"]
                await load(base, path, token, 2)  # warm-up
                latencies, elapsed = await load(base, path, token, SECONDS)
                latencies.sort()
                p99 = latencies[int(len(latencies) * 0.99) - 1]
                print(
                    f"{user + ' ' + path:<44}{statistics.median(latencies) * 1000:>10.1f}"
                    f"{p99 * 1000:>10.1f}{len(latencies) / elapsed:>10.0f}"
                )
            if os.environ.get("BENCH_ONLY") != "dues":
                await roster_figures(client, url)
            await dues_figures(client, url)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if not os.environ.get("BENCH_KEEP"):
            await admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
