"""Arrears, reminders and who sees which ledger (DUES-08/10, DISC-01; ROLES.md scope rules)."""

from __future__ import annotations

import itertools

from conftest import Ctx
from dues_support import API, basis, count, member, now, paid, statement, ym
from sqlalchemy import select

from dangjian.core import clock
from dangjian.core.calendar import month_start
from dangjian.models import AuditLog, Member, MemberEvent, Notification, User

_seq = itertools.count(1)


async def _account(ctx: Ctx, m: Member) -> int:
    async with ctx.db.sessionmaker() as s, s.begin():
        user = User(
            username=f"dues{next(_seq)}", display_name=m.name, password_hash="x",
            organization_id=m.organization_id, member_id=m.id,
        )  # fmt: skip
        s.add(user)
        await s.flush()
        return int(user.id)


async def _arrears(ctx: Ctx, target: str = "own", who: str = "zuzhi") -> dict[int, dict]:  # type: ignore[type-arg]
    r = await ctx.get(f"{API}/arrears?org_id={ctx.ids[target]}", who)
    assert r.status_code == 200, r.text
    assert r.json()["as_of"] == ym(now() - 1)
    return {row["member_id"]: row for row in r.json()["rows"]}


async def _policy(ctx: Ctx, values: dict[str, object]) -> None:
    r = await ctx.client.put(
        f"/api/v1/organizations/{ctx.ids['own']}/policy",
        headers=ctx.auth("secretary"),
        json={"values": values},
    )
    assert r.status_code == 200, r.text


async def test_dues08_thresholds_come_from_the_policy(ctx: Ctx) -> None:
    """3 months owed → flagged; 6 consecutive unpaid → a 自行脱党 case; both per policy."""
    two = await member(ctx, since=now() - 2)
    three = await member(ctx, since=now() - 3)
    six = await member(ctx, since=now() - 6)
    broken = await member(ctx, since=now() - 8)  # 8 owed, the run broken by one paid month
    await paid(ctx, "zuzhi", broken.id, [now() - 3], "15.00")
    rows = await _arrears(ctx)
    assert two.id not in rows
    assert rows[three.id]["owed_months"] == 3 and rows[three.id]["owed_amount"] == "45.00"
    assert rows[three.id]["first_owed"] == ym(now() - 3)
    assert rows[three.id]["lapse_case"] is False
    assert rows[six.id]["consecutive_months"] == 6 and rows[six.id]["lapse_case"] is True
    # R: DUES-08 — the longest run still unpaid (months -8..-4), not the one ending last month
    assert rows[broken.id]["owed_months"] == 7 and rows[broken.id]["consecutive_months"] == 5
    assert rows[broken.id]["lapse_case"] is False
    # the most owed first
    order = [r for r in rows if r in {three.id, six.id, broken.id}]
    assert order == [broken.id, six.id, three.id]

    await _policy(ctx, {"dues.reminder_months": 2, "dues.lapse_months": 3})
    rows = await _arrears(ctx)
    assert rows[two.id]["owed_months"] == 2 and rows[two.id]["lapse_case"] is False
    assert rows[three.id]["lapse_case"] is True
    await _policy(ctx, {"dues.reminder_months": 7, "dues.lapse_months": 12})
    rows = await _arrears(ctx)
    assert set(rows) & {two.id, three.id, six.id, broken.id} == {broken.id}
    assert rows[broken.id]["lapse_case"] is False
    # the current month unpaid is not yet arrears; paying last month leaves the older run
    await paid(ctx, "zuzhi", broken.id, [now() - 1], "15.00")
    await _policy(ctx, {"dues.reminder_months": 3, "dues.lapse_months": 6})
    rows = await _arrears(ctx)
    assert rows[broken.id]["owed_months"] == 6 and rows[broken.id]["consecutive_months"] == 5


async def test_dues08_a_lapse_case_is_listed_never_acted_on(ctx: Ctx) -> None:
    """DISC-01: the platform finds the case; the branch assembly decides — nothing changes."""
    m = await member(ctx, since=now() - 9)
    async with ctx.db.sessionmaker() as s:
        before = (await s.get(Member, m.id)).status  # type: ignore[union-attr]
    events = await count(ctx, MemberEvent)
    rows = await _arrears(ctx)
    assert rows[m.id]["lapse_case"] is True and rows[m.id]["consecutive_months"] == 9
    async with ctx.db.sessionmaker() as s:
        assert (await s.get(Member, m.id)).status == before  # type: ignore[union-attr]
    assert await count(ctx, MemberEvent) == events
    # still on the roster and in the ledger
    grid = await ctx.get(f"{API}/ledger?org_id={ctx.ids['child']}&size=100", "zuzhi")
    assert any(r["member_id"] == m.id for r in grid.json()["rows"])


async def test_dues08_remind_sends_one_inbox_message_with_months_and_amount(ctx: Ctx) -> None:
    with_account = await member(ctx, since=now() - 4)
    user_id = await _account(ctx, with_account)
    without = await member(ctx, since=now() - 5)
    not_owing = await member(ctx, since=now() - 1)
    outsider = await member(ctx, "sibling", since=now() - 5, who="secretary2")
    body = {"member_ids": [with_account.id, without.id, not_owing.id, outsider.id]}
    r = await ctx.post(f"{API}/arrears/remind?org_id={ctx.ids['own']}", "zuzhi", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["sent"] == 1
    assert r.json()["without_account"] == [without.name]
    # a member outside the caller's scope is not named (no existence leaks)
    assert r.json()["not_owing"] == [not_owing.name]
    async with ctx.db.sessionmaker() as s:
        notes = (await s.scalars(select(Notification).where(Notification.user_id == user_id))).all()
        assert await s.scalar(select(AuditLog).where(AuditLog.action == "dues.remind"))
    assert len(notes) == 1
    note = notes[0]
    assert note.kind == "dues_arrears" and note.link == "/my/dues"
    assert ym(now() - 4) in note.body and "4 个月" in note.body and "60.00 元" in note.body
    assert await count(ctx, Notification, Notification.kind == "dues_arrears") == 1
    rows = await _arrears(ctx)
    assert rows[with_account.id]["has_account"] is True
    assert rows[with_account.id]["last_reminded_at"] is not None
    assert rows[without.id]["has_account"] is False and rows[without.id]["last_reminded_at"] is None
    # who may remind: those who collect dues (组织委员), not the 纪检委员 who only reads
    denied = await ctx.post(f"{API}/arrears/remind?org_id={ctx.ids['own']}", "jijian", json=body)
    assert denied.status_code == 403
    assert await count(ctx, Notification, Notification.kind == "dues_arrears") == 1


async def test_scope_the_group_leader_sees_their_group_only(ctx: Ctx) -> None:
    """ROLES.md: the 党小组长 collects for their group; every view is scoped in SQL."""
    year = clock.today().year
    in_group = await member(ctx, "group", since=now() - 4)
    in_branch = await member(ctx, "child", since=now() - 4)
    group = ctx.ids["group"]
    grid = await ctx.get(f"{API}/ledger?org_id={group}&year={year}&size=100", "xiaozu")
    assert grid.status_code == 200
    rows = grid.json()["rows"]
    assert {r["organization_id"] for r in rows} == {group}
    assert in_group.id in {r["member_id"] for r in rows}
    assert grid.json()["can_collect"] is True
    assert (await ctx.get(f"{API}/ledger?org_id={ctx.ids['child']}", "xiaozu")).status_code == 404
    rows = await _arrears(ctx, "group", "xiaozu")
    assert set(rows) == {in_group.id}
    assert (await ctx.get(f"{API}/arrears?org_id={ctx.ids['own']}", "xiaozu")).status_code == 404
    report = await ctx.get(f"{API}/reports/monthly?org_id={group}&month={ym(now() - 1)}", "xiaozu")
    assert report.status_code == 200
    assert report.json()["total"]["amount_due"] == "15.00"  # the group member's month only
    assert report.json()["total"]["members"] == 1
    assert (
        await ctx.get(f"{API}/reports/yearly?org_id={ctx.ids['child']}", "xiaozu")
    ).status_code == 404
    # a member outside the group: 404, as if missing
    outside = await ctx.get(f"{API}/members/{in_branch.id}/statement", "xiaozu")
    assert outside.status_code == 404
    assert (await statement(ctx, in_group.id, year, "xiaozu"))["owed_months"] == 4
    # the group leader collects for the group, not for the branch
    r = await ctx.post(
        f"{API}/payments", "xiaozu",
        json={"member_id": in_branch.id, "months": [ym(now())], "amount": "15.00", "method": "cash"},
    )  # fmt: skip
    assert r.status_code == 404
    # the branch's staff see both
    rows = await _arrears(ctx, "child")
    assert {in_group.id, in_branch.id} <= set(rows)


async def test_scope_another_community_gets_404(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 4)
    for url in (
        f"{API}/members/{m.id}/statement",
        f"{API}/ledger?org_id={ctx.ids['own']}",
        f"{API}/arrears?org_id={ctx.ids['own']}",
        f"{API}/reports/monthly?org_id={ctx.ids['own']}",
        f"/api/v1/ledgers/dues?org_id={ctx.ids['own']}",
    ):
        assert (await ctx.get(url, "secretary2")).status_code == 404, url
    # and its own community's ledger does not list our member
    grid = await ctx.get(f"{API}/ledger?org_id={ctx.ids['sibling']}&size=100", "secretary2")
    assert grid.status_code == 200
    assert m.id not in {r["member_id"] for r in grid.json()["rows"]}


async def test_dues10_the_member_reads_their_own_ledger(ctx: Ctx) -> None:
    async with ctx.db.sessionmaker() as s:
        own_id = await s.scalar(select(User.member_id).where(User.username == "member"))
    assert own_id is not None
    await basis(ctx, own_id, now() - 2)
    await paid(ctx, "xiaozu", own_id, [now() - 2], "15.00")
    mine = await statement(ctx, own_id, month_start(now() - 2).year, "member")
    assert mine["owed_months"] == 1 and mine["owed_amount"] == "15.00"
    assert mine["monthly_amount"] == "15.00" and mine["category_label"]
    assert [p["amount"] for p in mine["payments"]] == ["15.00"]
    other = await member(ctx, "group", since=now() - 1)
    r = await ctx.get(f"{API}/members/{other.id}/statement", "member")
    assert r.status_code == 404
    # the grid is for staff: a member without a post sees no organisation's ledger
    assert (await ctx.get(f"{API}/ledger?org_id={ctx.ids['group']}", "member")).status_code == 404


async def test_dues10_grid_rows_and_columns_add_up(ctx: Ctx) -> None:
    year = month_start(now() - 2).year
    org = await ctx.post(
        "/api/v1/organizations", "zuzhi",
        json={"parent_id": ctx.ids["child"], "name": "核对小组", "kind": "group"},
    )  # fmt: skip
    assert org.status_code == 201, org.text
    ctx.ids["tally"] = org.json()["id"]
    a = await member(ctx, "tally", since=now() - 2)
    b = await member(ctx, "tally", since=now() - 2, amount="4000.00")  # 40.00 a month
    await paid(ctx, "zuzhi", a.id, [now() - 2, now() - 1], "30.00")
    grid = await ctx.get(f"{API}/ledger?org_id={org.json()['id']}&year={year}", "zuzhi")
    assert grid.status_code == 200, grid.text
    g = grid.json()
    assert g["total"] == 2 and g["current_month"] == ym(now()) and g["mode"] == "monthly_basis"
    by_id = {r["member_id"]: r for r in g["rows"]}
    assert by_id[b.id]["monthly_amount"] == "40.00"
    col = next(t for t in g["totals"] if t["month"] == ym(now() - 2))
    assert col == {"month": ym(now() - 2), "due": "55.00", "paid": "15.00", "balance": "40.00"}
    for r in g["rows"]:
        assert sum(float(c["due"] or 0) for c in r["months"]) == float(r["due_total"])
        assert sum(float(c["paid"]) for c in r["months"]) == float(r["paid_total"])
    assert float(g["due_total"]) == sum(float(r["due_total"]) for r in g["rows"])
    assert float(g["balance_total"]) == sum(float(r["balance_total"]) for r in g["rows"])
