"""The audit trail: every write, hash-chained, verifiable (ROLES.md rule of access 5)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from audit_support import make_some_writes, run_cli, tampering
from conftest import Ctx
from sqlalchemy import delete, func, select, text, update

from dangjian.audit.service import verify
from dangjian.models import AuditHead, AuditLog, Organization


async def test_cli_reports_an_intact_chain(ctx: Ctx, tmp_path: Path) -> None:
    await make_some_writes(ctx)
    result = run_cli(ctx, tmp_path, "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "审计链完整" in result.stdout


async def test_cli_finds_a_row_edited_directly_in_the_database(ctx: Ctx, tmp_path: Path) -> None:
    await make_some_writes(ctx)
    async with tampering(ctx) as s:
        seqs = (await s.scalars(select(AuditLog.seq).order_by(AuditLog.seq))).all()
        victim = seqs[len(seqs) // 2]
        await s.execute(
            text("UPDATE audit_log SET actor_label = 'someone else' WHERE seq = :s"), {"s": victim}
        )
    result = run_cli(ctx, tmp_path, "verify")
    assert result.returncode == 1
    assert f"第 {victim} 条记录内容被改动" in result.stdout


async def test_a_deleted_row_and_a_cut_tail_are_found(ctx: Ctx) -> None:
    await make_some_writes(ctx, 4)
    async with tampering(ctx) as s:
        last = await s.scalar(select(func.max(AuditLog.seq)))
        await s.execute(delete(AuditLog).where(AuditLog.seq == last - 2))
    async with ctx.db.sessionmaker() as s:
        result = await verify(s)
    assert not result.ok and result.first_bad_seq == last - 2 and "缺失" in (result.problem or "")

    async with tampering(ctx) as s:
        await s.execute(delete(AuditLog).where(AuditLog.seq >= last - 2))
    async with ctx.db.sessionmaker() as s:
        result = await verify(s)
    assert not result.ok and "链尾不符" in (result.problem or "")


async def test_rewriting_a_row_and_its_hash_still_breaks_the_next_link(ctx: Ctx) -> None:
    await make_some_writes(ctx)
    async with tampering(ctx) as s:
        row = await s.scalar(select(AuditLog).order_by(AuditLog.seq.desc()).offset(1).limit(1))
        assert row is not None
        await s.execute(update(AuditLog).where(AuditLog.id == row.id).values(hash="f" * 64))
    async with ctx.db.sessionmaker() as s:
        result = await verify(s)
    assert not result.ok and result.first_bad_seq == row.seq


async def test_if_the_audit_row_cannot_be_written_the_change_is_refused(ctx: Ctx) -> None:
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(delete(AuditHead))
        count = await s.scalar(select(func.count()).select_from(Organization))
    r = await ctx.post(
        "/api/v1/organizations",
        "secretary",
        json={"parent_id": ctx.ids["own"], "name": "无审计的支部", "kind": "branch"},
    )
    assert r.status_code == 503 and r.json()["code"] == "audit_unavailable"
    async with ctx.db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Organization)) == count


async def test_concurrent_writes_keep_one_unbroken_chain(ctx: Ctx) -> None:
    async def write(i: int) -> int:
        r = await ctx.post(
            "/api/v1/organizations",
            "secretary",
            json={"parent_id": ctx.ids["own"], "name": f"并发支部{i}", "kind": "branch"},
        )
        return r.status_code

    statuses = await asyncio.gather(*(write(i) for i in range(8)))
    assert statuses == [201] * 8
    async with ctx.db.sessionmaker() as s:
        result = await verify(s)
    assert result.ok, result.problem


async def test_the_log_is_read_within_scope(ctx: Ctx) -> None:
    await make_some_writes(ctx, 1)
    await ctx.patch(
        f"/api/v1/organizations/{ctx.ids['sibling']}", "secretary2", json={"short_name": "向阳"}
    )
    mine = (await ctx.get("/api/v1/audit", "secretary", params={"size": 100})).json()["items"]
    assert mine and all(i["organization_path"].startswith("/1/2/") for i in mine)
    street = (await ctx.get("/api/v1/audit", "street", params={"size": 100})).json()["items"]
    assert any(i["organization_path"] == "/1/12/" for i in street)
