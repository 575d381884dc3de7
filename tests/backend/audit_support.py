"""Tampering with the audit table in tests.

The table is append-only (migration a11c0de5e004): triggers refuse UPDATE and DELETE. A test that
simulates an attacker with direct database access works around them the way such an attacker
would: on PostgreSQL as a superuser with `SET LOCAL session_replication_role = replica` (ordinary
triggers do not fire; the tests connect as `postgres`), on SQLite by dropping the triggers for the
transaction and creating them again at its end (each test has its own copy of the database).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from conftest import TEST_AUDIT_KEY, TEST_DATA_KEY, TEST_SECRET, Ctx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


@asynccontextmanager
async def tampering(ctx: Ctx) -> AsyncIterator[AsyncSession]:
    """A transaction in which audit rows can be updated and deleted."""
    async with ctx.db.sessionmaker() as s, s.begin():
        if ctx.kind == "postgresql":
            await s.execute(text("SET LOCAL session_replication_role = replica"))
            yield s
            return
        triggers = (
            await s.execute(
                text(
                    "SELECT name, sql FROM sqlite_master"
                    " WHERE type = 'trigger' AND tbl_name = 'audit_log'"
                )
            )
        ).all()
        for name, _ in triggers:
            await s.execute(text(f'DROP TRIGGER "{name}"'))
        yield s
        for _, sql in triggers:
            await s.execute(text(sql))


def run_cli(ctx: Ctx, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`dangjian audit ARGS` against the test's database, with the test keys."""
    env = {
        **os.environ,
        "DANGJIAN_DATABASE_URL": ctx.url,
        "DANGJIAN_VAR_DIR": str(tmp_path),
        "DANGJIAN_SECRET_KEY": TEST_SECRET,
        "DANGJIAN_DATA_KEY": TEST_DATA_KEY,
        "DANGJIAN_AUDIT_KEY": TEST_AUDIT_KEY,
    }
    return subprocess.run(
        [sys.executable, "-m", "dangjian.cli", "audit", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def make_some_writes(ctx: Ctx, n: int = 3) -> None:
    for i in range(n):
        r = await ctx.patch(
            f"/api/v1/organizations/{ctx.ids['child']}",
            "secretary",
            json={"short_name": f"简称{i}"},
        )
        assert r.status_code == 200
