"""Dues end to end over the API: basis → ledger → quarterly payment with a receipt → idempotent
retry → reversal → arrears → reminder → exemption workflow → reports (DUES-01..10)."""

from __future__ import annotations

from datetime import date

from conftest import Ctx, fresh_member

from dangjian.core import clock
from dangjian.core.calendar import month_index, month_label

API = "/api/v1/dues"


def ym(index: int) -> str:
    return month_label(index)


async def basis(ctx: Ctx, member_id: int, month: str, amount: str = "3000.00") -> None:
    r = await ctx.post(
        f"/api/v1/members/{member_id}/dues-bases", "zuzhi",
        json={"category": "salaried", "basis": amount, "effective_month": month},
    )  # fmt: skip
    assert r.status_code == 201, r.text


async def test_the_dues_year_of_one_member(ctx: Ctx) -> None:
    today = clock.today()
    now = month_index(today.year, today.month)
    m = await fresh_member(ctx, ctx.ids["child"], joined_on=date(2001, 7, 1))
    await basis(ctx, m.id, ym(now - 8))  # 15.00 a month for eight past months
    arrears = (await ctx.get(f"{API}/arrears?org_id={ctx.ids['own']}", "zuzhi")).json()
    row = next(r for r in arrears["rows"] if r["member_id"] == m.id)
    assert row["owed_months"] == 8 and row["owed_amount"] == "120.00"
    assert row["consecutive_months"] == 8 and row["lapse_case"] is True

    months = [ym(now - 8), ym(now - 7), ym(now - 6)]
    body = {"member_id": m.id, "months": months, "amount": "45.00", "method": "cash"}
    # R: DUES-06 — reaching 8 months back needs a reason
    refused = await ctx.post(f"{API}/payments", "zuzhi", json=body)
    assert refused.status_code == 422 and refused.json()["code"] == "dues_back_payment_reason"
    body["reason"] = "外出务工，返回后补交"
    key = {**ctx.auth("zuzhi"), "Idempotency-Key": "pay-1"}
    first = await ctx.client.post(f"{API}/payments", json=body, headers=key)
    assert first.status_code == 201, first.text
    paid = first.json()
    assert paid["receipt_no"].endswith("-000001") and paid["back_payment"] is True
    again = await ctx.client.post(f"{API}/payments", json=body, headers=key)
    assert again.status_code == 201 and again.json() == paid
    other = await ctx.client.post(f"{API}/payments", json={**body, "amount": "30.00"}, headers=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_mismatch"
    twice = await ctx.post(f"{API}/payments", "zuzhi", json=body)
    assert twice.status_code == 409, twice.text

    stmt = (await ctx.get(f"{API}/members/{m.id}/statement?year={today.year}", "zuzhi")).json()
    assert stmt["owed_months"] == 5 and stmt["owed_amount"] == "75.00"
    grid = (
        await ctx.get(f"{API}/ledger?org_id={ctx.ids['child']}&year={today.year}&size=100", "zuzhi")
    ).json()
    assert any(r["member_id"] == m.id for r in grid["rows"])

    rev = await ctx.post(f"{API}/payments/{paid['id']}/reverse", "zuzhi", json={"reason": "录错人"})
    assert rev.status_code == 201, rev.text
    assert rev.json()["amount"] == "-45.00"
    stmt = (await ctx.get(f"{API}/members/{m.id}/statement?year={today.year}", "zuzhi")).json()
    assert stmt["owed_months"] == 8

    remind = await ctx.post(
        f"{API}/arrears/remind?org_id={ctx.ids['own']}", "zuzhi", json={"member_ids": [m.id]}
    )
    assert remind.status_code == 200, remind.text
    assert remind.json()["without_account"] == [m.name]

    ex = await ctx.post(
        f"{API}/exemptions", "zuzhi",
        json={"member_id": m.id, "kind": "exempt", "first_month": ym(now - 2),
              "last_month": ym(now + 3), "reason": "重病住院"},
    )  # fmt: skip
    assert ex.status_code == 201, ex.text
    d = await ctx.post(
        f"{API}/exemptions/{ex.json()['id']}/decide", "secretary", json={"approve": True}
    )
    assert d.status_code == 200, d.text
    a = await ctx.post(
        f"{API}/exemptions/{ex.json()['id']}/approve", "street", json={"approve": True}
    )
    assert a.status_code == 200, a.text
    stmt = (await ctx.get(f"{API}/members/{m.id}/statement?year={today.year}", "zuzhi")).json()
    assert stmt["owed_months"] == 6

    for path in (
        f"/reports/monthly?org_id={ctx.ids['own']}",
        f"/reports/yearly?org_id={ctx.ids['own']}",
        f"/reports/published?org_id={ctx.ids['own']}",
        f"/assessment?org_id={ctx.ids['own']}",
        f"/payments?org_id={ctx.ids['own']}",
        f"/exemptions?org_id={ctx.ids['own']}",
    ):
        r = await ctx.get(API + path, "zuzhi")
        assert r.status_code == 200, (path, r.text)
    x = await ctx.get(f"/api/v1/ledgers/dues?org_id={ctx.ids['child']}", "zuzhi")
    assert x.status_code == 200, x.text
