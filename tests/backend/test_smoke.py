"""Health endpoints and the demo data as the secretary sees it."""

from __future__ import annotations

from conftest import Ctx


async def test_healthz_and_readyz(ctx: Ctx) -> None:
    assert (await ctx.client.get("/healthz")).json() == {"status": "ok"}
    assert (await ctx.client.get("/readyz")).json() == {"status": "ready"}


async def test_secretary_reads_the_tree_of_own_community(ctx: Ctx) -> None:
    r = await ctx.get("/api/v1/organizations/tree", "secretary")
    assert r.status_code == 200
    roots = r.json()
    assert [n["name"] for n in roots] == ["东风社区党委"]
    assert roots[0]["member_count"] > 100
    names = {c["name"] for c in roots[0]["children"]}
    assert "东风社区第一党总支" in names and "向阳社区党支部" not in names
