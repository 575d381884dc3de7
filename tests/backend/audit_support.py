"""Tampering with the audit table in tests.

The table is append-only (migration a11c0de5e004): triggers refuse UPDATE and DELETE. A test that
simulates an attacker with direct database access works around them the way such an attacker
would: on PostgreSQL as a superuser with `SET LOCAL session_replication_role = replica` (ordinary
triggers do not fire; the tests connect as `postgres`), on SQLite by dropping the triggers for the
transaction and creating them again at its end (each test has its own copy of the database).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from conftest import Ctx
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
