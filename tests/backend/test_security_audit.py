"""The audit chain against an attacker with database access, and the security events.

The chain is keyed (HMAC-SHA256 under a key outside the database), its head can be anchored
outside, the table refuses UPDATE and DELETE, and security events — sign-in failures, lock-outs,
refresh-token reuse, password and TOTP changes — are readable by the discipline and street
oversight of the accounts concerned (`audit.security`), not by a community secretary.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from audit_support import make_some_writes, run_cli, tampering
from conftest import TEST_AUDIT_KEY, Ctx
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit.service import (
    Anchor,
    _keyed_digest,
    _legacy_digest,
    current_anchor,
    verify,
)
from dangjian.cli import alembic_config
from dangjian.core import clock
from dangjian.models import AuditHead, AuditLog

LOGIN = "/api/v1/auth/login"
SECURITY = "/api/v1/audit/security"


async def rechain(s: AsyncSession, key: bytes | None, legacy_below: int = 1) -> None:
    """What an attacker with write access does after editing rows: recompute every hash in order
    (plain SHA-256 below `legacy_below` or everywhere when `key` is None, else HMAC under `key`)
    and move the head along."""
    prev = "0" * 64
    rows = (await s.scalars(select(AuditLog).order_by(AuditLog.seq))).all()
    for row in rows:
        row.prev_hash = prev
        keyed = key is not None and row.seq >= legacy_below
        row.hash = _keyed_digest(row, key) if keyed and key else _legacy_digest(row)
        prev = row.hash
    await s.flush()
    await s.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev))


async def check(ctx: Ctx, *anchors: Anchor) -> tuple[bool, str]:
    async with ctx.db.sessionmaker() as s:
        result = await verify(s, anchors=anchors)
    return result.ok, result.problem or ""


# ---------------------------------------------------------------- the keyed chain and anchors


async def test_a_cut_tail_with_a_rewound_head_is_found_by_the_anchor(
    ctx: Ctx, tmp_path: Path
) -> None:
    await make_some_writes(ctx, 4)
    anchor_file = tmp_path / "anchor.jsonl"
    written = run_cli(ctx, tmp_path, "anchor", "--output", str(anchor_file))
    assert written.returncode == 0, written.stdout + written.stderr
    anchor = Anchor.parse(anchor_file.read_text(encoding="utf-8").strip())
    async with ctx.db.sessionmaker() as s:
        assert anchor == await current_anchor(s) and anchor.at is not None

    async with tampering(ctx) as s:
        keep = anchor.seq - 2
        kept = await s.scalar(select(AuditLog.hash).where(AuditLog.seq == keep))
        await s.execute(delete(AuditLog).where(AuditLog.seq > keep))
        await s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=keep, hash=kept))

    # Without the anchor the shortened chain is consistent; with it, the cut is found.
    assert await check(ctx) == (True, "")
    ok, problem = await check(ctx, anchor)
    assert not ok and f"第 {anchor.seq} 条记录已不在链中" in problem
    result = run_cli(ctx, tmp_path, "verify", "--anchor", str(anchor_file))
    assert result.returncode == 1
    assert "审计链被破坏" in result.stdout and "已不在链中" in result.stdout


async def test_the_anchor_goes_to_stdout_and_an_intact_chain_matches_it(
    ctx: Ctx, tmp_path: Path
) -> None:
    await make_some_writes(ctx, 2)
    out = run_cli(ctx, tmp_path, "anchor")
    assert out.returncode == 0, out.stderr
    line = out.stdout.strip()
    assert "\n" not in line and set(json.loads(line)) == {"seq", "hash", "at"}
    (tmp_path / "a.jsonl").write_text(line + "\n", encoding="utf-8")
    await make_some_writes(ctx, 1)  # the chain grows past the anchor: still fine
    result = run_cli(ctx, tmp_path, "verify", "--anchor", str(tmp_path / "a.jsonl"))
    assert result.returncode == 0, result.stdout
    assert "与 1 个外部锚点相符" in result.stdout
    (tmp_path / "bad.jsonl").write_text("not json\n", encoding="utf-8")
    result = run_cli(ctx, tmp_path, "verify", "--anchor", str(tmp_path / "bad.jsonl"))
    assert result.returncode == 1 and "无法读取锚点文件" in result.stdout


async def test_recomputing_every_hash_with_plain_sha256_is_found(ctx: Ctx, tmp_path: Path) -> None:
    await make_some_writes(ctx)
    async with tampering(ctx) as s:
        victim = await s.scalar(select(AuditLog).order_by(AuditLog.seq.desc()).limit(1))
        assert victim is not None
        victim.actor_label = "someone else"
        await rechain(s, key=None)
    ok, problem = await check(ctx)
    assert not ok and "第 1 条记录内容被改动" in problem
    result = run_cli(ctx, tmp_path, "verify")
    assert result.returncode == 1 and "审计链被破坏" in result.stdout

    # … and declaring the whole chain legacy (the cut-over moved past the head) is found too.
    async with tampering(ctx) as s:
        head = await s.get(AuditHead, 1)
        assert head is not None
        head.hmac_from = head.seq + 1
    ok, problem = await check(ctx)
    assert not ok and "未受审计密钥保护" in problem


async def test_recomputing_every_hash_with_a_wrong_key_is_found(ctx: Ctx) -> None:
    await make_some_writes(ctx)
    async with tampering(ctx) as s:
        await s.execute(
            update(AuditLog)
            .where(AuditLog.seq == select(func.max(AuditLog.seq)).scalar_subquery())
            .values(ip="10.0.0.1")
        )
        await rechain(s, key=b"guessed-key")
    ok, problem = await check(ctx)
    assert not ok and "第 1 条记录内容被改动" in problem


async def test_legacy_sha256_rows_below_the_cut_over_verify_and_stay_protected(ctx: Ctx) -> None:
    """A database from before the keyed chain: its rows keep their SHA-256 hashes (nothing is
    re-hashed) and `audit_head.hmac_from` says where the keyed rows start."""
    await make_some_writes(ctx, 2)
    async with tampering(ctx) as s:
        cut = (await s.scalar(select(func.max(AuditLog.seq))) or 0) - 1
        await rechain(s, key=TEST_AUDIT_KEY.encode(), legacy_below=cut)
        await s.execute(update(AuditHead).where(AuditHead.id == 1).values(hmac_from=cut))
    assert await check(ctx) == (True, "")
    await make_some_writes(ctx, 1)
    assert await check(ctx) == (True, "")

    # Editing a legacy row and recomputing the legacy part breaks the first keyed row.
    async with tampering(ctx) as s:
        await s.execute(update(AuditLog).where(AuditLog.seq == 1).values(actor_label="改过"))
        rows = (await s.scalars(select(AuditLog).order_by(AuditLog.seq))).all()
        prev = "0" * 64
        for row in rows:
            row.prev_hash = prev
            if row.seq < cut:
                row.hash = _legacy_digest(row)
            prev = row.hash
    ok, problem = await check(ctx)
    assert not ok and f"第 {cut} 条记录内容被改动" in problem


# ---------------------------------------------------------------- append-only


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor_label = 'x' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
        "TRUNCATE audit_log",
    ],
)
async def test_the_app_connection_cannot_update_or_delete_audit_rows(
    ctx: Ctx, statement: str
) -> None:
    if statement.startswith("TRUNCATE") and ctx.kind != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (DELETE is refused instead)")
    await make_some_writes(ctx, 1)
    async with ctx.db.sessionmaker() as s:
        before = await s.scalar(select(func.count()).select_from(AuditLog))
    with pytest.raises(DBAPIError, match="append-only"):
        async with ctx.db.sessionmaker() as s, s.begin():
            await s.execute(text(statement))
    async with ctx.db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(AuditLog)) == before
        assert (await verify(s)).ok


# ---------------------------------------------------------------- security events


async def failed_login(ctx: Ctx, username: str) -> None:
    r = await ctx.client.post(LOGIN, data={"username": username, "password": "Wrong#Pass99"})
    assert r.status_code == 401


def actions(page: dict[str, object]) -> list[tuple[str, str]]:
    items = page["items"]
    assert isinstance(items, list)
    return [(i["action"], i["actor"]) for i in items]


async def test_a_failed_sign_in_is_read_by_the_street_only(
    ctx: Ctx,
) -> None:
    await failed_login(ctx, "secretary")  # 东风社区 (/1/2/)
    await failed_login(ctx, "secretary2")  # 向阳社区 (/1/12/)
    await failed_login(ctx, "nobody-knows-me")  # no account: the street only

    street = (await ctx.get(SECURITY, "street")).json()
    assert {
        ("auth.login_failed", n) for n in ("secretary", "secretary2", "nobody-knows-me")
    } <= set(actions(street))
    row = next(i for i in street["items"] if i["actor"] == "secretary")
    assert row["subject_path"] == "/1/2/" and row["after"]["reason"] == "password"

    # Security events belong to the street (staff and its 纪检委员): a community's 纪检委员 and
    # secretary read the audit log of their community but not security events.
    me = (await ctx.get("/api/v1/auth/me", "jijian")).json()
    assert all("audit.security" not in o["capabilities"] for o in me["organizations"])
    for who in ("jijian", "secretary", "deputy", "admin"):
        r = await ctx.get(SECURITY, who)
        assert r.status_code == 200 and r.json()["items"] == [], who
    mine = (await ctx.get("/api/v1/audit", "secretary", params={"size": 100})).json()
    assert all(i["action"] != "auth.login_failed" for i in mine["items"])

    # Scoped to an organisation: the street reads 东风社区's; the 纪检委员 nothing outside its own.
    own = (await ctx.get(SECURITY, "street", params={"organization_id": ctx.ids["own"]})).json()
    assert {a for _, a in actions(own)} == {"secretary"}
    r = await ctx.get(SECURITY, "jijian", params={"organization_id": ctx.ids["sibling"]})
    assert r.status_code == 404


async def test_a_lock_out_and_a_totp_change_are_security_events(ctx: Ctx) -> None:
    for _ in range(ctx.settings.login_max_failures):
        await failed_login(ctx, "zuzhi")
    r = await ctx.post("/api/v1/auth/totp/setup", "clerk")
    assert r.status_code == 200
    page = (await ctx.get(SECURITY, "street", params={"size": 100})).json()
    locked = [
        i for i in page["items"] if i["actor"] == "zuzhi" and i["action"] == "auth.account_locked"
    ]
    assert len(locked) == 1
    setup = [i for i in page["items"] if i["action"] == "user.totp_setup"]
    assert len(setup) == 1 and "clerk" in setup[0]["actor"] and setup[0]["subject_path"]
    # An ordinary write is not a security event.
    await make_some_writes(ctx, 1)
    page = (await ctx.get(SECURITY, "street", params={"size": 100})).json()
    assert all(i["action"] != "organization.update" for i in page["items"])


async def test_security_events_are_filtered(ctx: Ctx) -> None:
    await failed_login(ctx, "secretary")
    await failed_login(ctx, "deputy")
    assert (await ctx.post("/api/v1/auth/totp/setup", "clerk")).status_code == 200

    async def get(**params: str) -> list[tuple[str, str]]:
        r = await ctx.get(SECURITY, "street", params={**params, "size": "100"})
        assert r.status_code == 200, r.text
        return actions(r.json())

    assert {a for a, _ in await get(action="auth.login_failed")} == {"auth.login_failed"}
    assert await get(person="deput") == [("auth.login_failed", "deputy")]
    assert [a for a, _ in await get(action="user.totp_setup")] == ["user.totp_setup"]
    assert len(await get(ip="127.0.0.1")) >= 2 and await get(ip="10.9.9.9") == []

    today = clock.today()
    assert len(await get(date_from=today.isoformat(), date_to=today.isoformat())) >= 3
    assert await get(date_from=(today + timedelta(days=1)).isoformat()) == []
    assert await get(date_to=(today - timedelta(days=1)).isoformat()) == []
    r = await ctx.get(
        SECURITY,
        "street",
        params={"date_from": today.isoformat(), "date_to": (today - timedelta(days=1)).isoformat()},
    )
    assert r.status_code == 422 and r.json()["code"] == "date_range_invalid"


async def test_the_audit_log_is_filtered_by_action_person_and_date(ctx: Ctx) -> None:
    await make_some_writes(ctx, 2)
    await ctx.patch(
        f"/api/v1/organizations/{ctx.ids['sibling']}", "street", json={"short_name": "向阳"}
    )

    async def total(**params: str) -> int:
        r = await ctx.get("/api/v1/audit", "street", params={**params, "size": "100"})
        assert r.status_code == 200, r.text
        body = r.json()
        for item in body["items"]:
            if "action" in params:
                assert item["action"] == params["action"]
            if "person" in params:
                assert params["person"] in item["actor"]
        return int(body["total"])

    assert await total(action="organization.update") == 3
    assert await total(action="organization.update", person="（secretary）") == 2
    assert await total(action="organization.update", person="（street）") == 1
    assert await total(person="无此人%") == 0
    today = clock.today()
    day = today.isoformat()
    assert await total(action="organization.update", date_from=day, date_to=day) == 3
    assert await total(date_from="2020-01-01", date_to="2020-01-31") == 0
    assert await total(date_from=(today + timedelta(days=1)).isoformat()) == 0


# ---------------------------------------------------------------- carrying over a legacy chain


@pytest.mark.usefixtures("migration_data_key")
async def test_a_legacy_chain_carries_over_through_the_migration(ctx: Ctx, tmp_path: Path) -> None:
    """A database written before the keyed chain: plain SHA-256 everywhere, no subject paths.
    The migration re-hashes nothing; verify asks for a keyed row after the legacy ones (`audit
    seal`, or any write), and the security events get the path of their account back."""
    await failed_login(ctx, "secretary")
    async with tampering(ctx) as s:  # what the old code wrote
        await s.execute(update(AuditLog).values(subject_path=None))
        await rechain(s, key=None)
    cfg = alembic_config(ctx.url)
    await ctx.db.engine.dispose()
    await asyncio.to_thread(command.downgrade, cfg, "cb74cbd61147")
    await asyncio.to_thread(command.upgrade, cfg, "head")

    async with ctx.db.sessionmaker() as s:
        head = await s.get(AuditHead, 1)
        assert head is not None and head.hmac_from == head.seq + 1
        # back-filled: by account id, by user name, by session, by client
        paths = dict(
            (
                await s.execute(
                    select(AuditLog.action, AuditLog.subject_path).where(
                        AuditLog.action.in_(["auth.login_failed", "auth.client_token"])
                    )
                )
            ).all()
        )
        assert paths["auth.login_failed"] == "/1/2/" and paths["auth.client_token"]
    ok, problem = await check(ctx)
    assert not ok and "dangjian audit seal" in problem
    sealed = run_cli(ctx, tmp_path, "seal")
    assert sealed.returncode == 0, sealed.stdout + sealed.stderr
    assert await check(ctx) == (True, "")
    result = run_cli(ctx, tmp_path, "verify")
    assert result.returncode == 0 and "审计链完整" in result.stdout

    street = (await ctx.get(SECURITY, "street")).json()
    assert ("auth.login_failed", "secretary") in actions(street)
    # The legacy rows are covered by the key: editing one is found.
    async with tampering(ctx) as s:
        await s.execute(update(AuditLog).where(AuditLog.seq == 2).values(actor_label="改过"))
    ok, problem = await check(ctx)
    assert not ok and "第 2 条记录内容被改动" in problem
