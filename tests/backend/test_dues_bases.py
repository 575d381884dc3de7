"""Dues bases per member (DUES-01): dated, never rewritten; income visible only to those with the
full-data capability and the member; the amount computed by the DUES-02 rules."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import Ctx, fresh_member
from sqlalchemy import select

from dangjian.core import clock
from dangjian.models import AuditLog
from dangjian.organizations.rules import add_years


def url(member_id: int) -> str:
    return f"/api/v1/members/{member_id}/dues-bases"


def month(d: date) -> str:
    return f"{d:%Y-%m}"


async def test_dues01_a_new_basis_applies_from_its_month_and_history_is_kept(ctx: Ctx) -> None:
    m = await fresh_member(ctx, ctx.ids["child"], joined_on=date(2000, 7, 1))
    this_month = clock.today().replace(day=1)
    empty = (await ctx.get(url(m.id), "zuzhi")).json()
    assert empty["current"] is None and empty["history"] == [] and empty["can_edit"] is True
    first = await ctx.post(
        url(m.id), "zuzhi",
        json={"category": "salaried", "basis": "3000.00", "effective_month": month(this_month)},
    )  # fmt: skip
    assert first.status_code == 201, first.text
    current = first.json()["current"]
    assert current["monthly_amount"] == "15.00" and current["rate"] == "0.005"
    assert current["basis"] == "3000.00" and current["effective_from"] == this_month.isoformat()
    # a raise from next month: this month keeps 15.00, the history keeps both rows
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    r = await ctx.post(
        url(m.id), "zuzhi",
        json={"category": "salaried", "basis": "3000.01", "effective_month": month(next_month)},
    )  # fmt: skip
    body = r.json()
    assert body["current"]["monthly_amount"] == "15.00"
    assert [h["monthly_amount"] for h in body["history"]] == [
        "30.00",
        "15.00",
    ]  # 1 % of the whole basis
    async with ctx.db.sessionmaker() as s:
        entries = list(await s.scalars(select(AuditLog).where(AuditLog.action == "dues.basis")))
    assert len(entries) == 2 and entries[0].after is not None


async def test_income_is_personal_data(ctx: Ctx) -> None:
    m = await fresh_member(ctx, ctx.ids["group"])
    await ctx.post(
        url(m.id), "clerk",
        json={"category": "retired", "basis": "5200.00", "effective_month": month(clock.today())},
    )  # fmt: skip
    leader = (await ctx.get(url(m.id), "xiaozu")).json()  # collects for the group, sees no income
    assert leader["basis_visible"] is False and leader["current"]["basis"] is None
    assert leader["current"]["monthly_amount"] == "52.00" and leader["can_edit"] is True
    deputy = (await ctx.get(url(m.id), "deputy")).json()
    assert deputy["basis_visible"] is False and deputy["can_edit"] is False
    assert (await ctx.get(url(m.id), "secretary")).json()["current"]["basis"] == "5200.00"
    assert (await ctx.get(url(m.id), "xuanchuan")).status_code == 404
    assert (await ctx.get(url(m.id), "secretary2")).status_code == 404
    own = (await ctx.get("/api/v1/me/member", "member")).json()["id"]
    mine = await ctx.get(url(own), "member")
    assert mine.status_code == 200 and mine.json()["basis_visible"] is True


async def test_bad_bases_are_refused_in_chinese_and_nothing_is_written(ctx: Ctx) -> None:
    m = await fresh_member(ctx, ctx.ids["child"], joined_on=date(2020, 5, 10))
    today = clock.today()
    cases = [
        ({"category": "farmer", "fixed_amount": "2.00"}, "dues_input"),
        ({"category": "salaried"}, "dues_input"),
        ({"category": "student", "basis": "1000.00"}, "dues_input"),
    ]
    for body, code in cases:
        r = await ctx.post(url(m.id), "zuzhi", json={**body, "effective_month": month(today)})
        assert r.status_code == 422 and r.json()["code"] == code, body
    # R: DUES-04 — not before the month the assembly admitted the member
    early = await ctx.post(
        url(m.id), "zuzhi",
        json={"category": "salaried", "basis": "4000.00", "effective_month": "2020-04"},
    )  # fmt: skip
    assert early.status_code == 422 and early.json()["code"] == "dues_month"
    far = await ctx.post(
        url(m.id), "zuzhi",
        json={"category": "salaried", "basis": "4000.00",
              "effective_month": month(add_years(today, 2))},
    )  # fmt: skip
    assert far.status_code == 422 and far.json()["code"] == "dues_month"
    bad = await ctx.post(
        url(m.id),
        "zuzhi",
        json={"category": "salaried", "basis": "4000", "effective_month": "2026-13"},
    )
    assert bad.status_code == 422
    assert (await ctx.get(url(m.id), "zuzhi")).json()["history"] == []
