"""Routes marked `read_only` (core/routing.py) run their statements without a transaction, other
routes inside one; a write made on a read-only route anyway (the session touch) still persists."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import Ctx
from fastapi.routing import iter_route_contexts
from jose import jwt
from sqlalchemy import event, select, update

from dangjian.core.routing import TransactionalRoute
from dangjian.models import AuthSession

READ_ONLY = {
    ("GET", "/api/v1/members"),
    ("GET", "/api/v1/organizations/tree"),
    ("GET", "/api/v1/organizations"),
    ("GET", "/api/v1/dashboard"),
    ("GET", "/api/v1/auth/me"),
    ("GET", "/api/v1/me/todos"),
}


@contextmanager
def isolation_levels(ctx: Ctx) -> Iterator[list[str | None]]:
    """The isolation level each statement ran under (AUTOCOMMIT: no transaction)."""
    seen: list[str | None] = []

    def record(conn: Any, *_: Any) -> None:
        seen.append(conn.get_execution_options().get("isolation_level"))

    engine = ctx.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_only_the_listed_routes_are_read_only(ctx: Ctx) -> None:
    marked = {
        (method, rc.path)
        for rc in iter_route_contexts(ctx.app.routes)
        if isinstance(rc.original_route, TransactionalRoute) and rc.original_route.read_only
        for method in rc.methods or ()
        if method != "HEAD"
    }
    assert marked == READ_ONLY


async def test_a_read_only_route_runs_without_a_transaction_and_others_inside_one(
    ctx: Ctx,
) -> None:
    await age_session(ctx, "secretary")  # the session touch commits mid-request: still none
    with isolation_levels(ctx) as seen:
        r = await ctx.get("/api/v1/members", "secretary")
    assert r.status_code == 200 and r.json()["total"] > 0
    assert len(seen) >= 3 and set(seen) == {"AUTOCOMMIT"}
    with isolation_levels(ctx) as seen:
        r = await ctx.get(f"/api/v1/members/{r.json()['items'][0]['id']}", "secretary")
    assert r.status_code == 200 and seen and "AUTOCOMMIT" not in seen


async def age_session(ctx: Ctx, principal: str) -> tuple[str, datetime]:
    """Last seen five minutes ago: the next request touches the session."""
    sid = jwt.get_unverified_claims(ctx.tokens[principal])["sid"]
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(
            update(AuthSession).where(AuthSession.id == sid).values(last_seen_at=long_ago)
        )
    return sid, long_ago


async def test_the_session_touch_on_a_read_only_route_is_kept(ctx: Ctx) -> None:
    sid, long_ago = await age_session(ctx, "secretary")
    assert (await ctx.get("/api/v1/organizations/tree", "secretary")).status_code == 200
    async with ctx.db.sessionmaker() as s:
        seen = await s.scalar(select(AuthSession.last_seen_at).where(AuthSession.id == sid))
    assert seen is not None and seen > long_ago + timedelta(minutes=4)
