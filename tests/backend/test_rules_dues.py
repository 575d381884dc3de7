"""Rule fidelity of dues arrears and back payments (DUES-06, DUES-08, DISC-01): paying later
months never resets the run of older unpaid months and warns the collector; a back payment
reaching more than 6 months back needs a recorded reason."""

from __future__ import annotations

from conftest import Ctx
from dues_support import API, member, now, pay, ym
from sqlalchemy import select

from dangjian.models import AuditLog, DuesPayment


async def _arrears_row(ctx: Ctx, member_id: int) -> dict[str, object]:
    r = await ctx.get(f"{API}/arrears?org_id={ctx.ids['own']}", "zuzhi")
    assert r.status_code == 200, r.text
    return next(row for row in r.json()["rows"] if row["member_id"] == member_id)


async def test_dues08_paying_later_months_keeps_the_older_unpaid_run_and_warns(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 12)  # 15.00 a month, twelve past months unpaid
    row = await _arrears_row(ctx, m.id)
    assert row["consecutive_months"] == 12 and row["lapse_case"] is True

    r = await pay(ctx, "zuzhi", m.id, [now() - 3, now() - 2, now() - 1], "45.00")
    assert r.status_code == 201, r.text
    answer = r.json()
    # R: DUES-08 — the collector is told the nine older months are still unpaid
    assert answer["older_unpaid"] == [ym(i) for i in range(now() - 12, now() - 3)]
    assert answer["warning"] and "9 个月未交足" in answer["warning"]

    # R: DUES-08/DISC-01 — the nine older months are still a run of nine: a lapse case
    row = await _arrears_row(ctx, m.id)
    assert row["owed_months"] == 9 and row["owed_amount"] == "135.00"
    assert row["consecutive_months"] == 9 and row["lapse_case"] is True
    assert row["first_owed"] == ym(now() - 12)


async def test_dues08_paying_the_oldest_months_first_carries_no_warning(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 2)
    r = await pay(ctx, "zuzhi", m.id, [now() - 2], "15.00")
    assert r.status_code == 201, r.text
    assert r.json()["older_unpaid"] == [] and r.json()["warning"] is None


async def test_dues08_a_paid_month_splits_the_run(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 8)
    r = await pay(ctx, "zuzhi", m.id, [now() - 4], "15.00")
    assert r.status_code == 201, r.text
    row = await _arrears_row(ctx, m.id)
    # months now-8..now-5 (4) and now-3..now-1 (3) unpaid: the longest run is 4
    assert row["owed_months"] == 7 and row["consecutive_months"] == 4
    assert row["lapse_case"] is False


async def test_dues06_back_payment_beyond_six_months_needs_a_reason(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 9)
    months = [now() - 9, now() - 8]
    refused = await pay(ctx, "zuzhi", m.id, months, "30.00")
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "dues_back_payment_reason"
    assert "补交原因" in refused.json()["detail"]
    blank = await pay(ctx, "zuzhi", m.id, months, "30.00", reason="   ")
    assert blank.status_code == 422 and blank.json()["code"] == "dues_back_payment_reason"

    ok = await pay(ctx, "zuzhi", m.id, months, "30.00", reason="长期在外地务工", note="本人交纳")
    assert ok.status_code == 201, ok.text
    paid = ok.json()
    assert paid["back_payment"] is True
    assert paid["note"] == "补交原因：长期在外地务工；本人交纳"
    async with ctx.db.sessionmaker() as s:
        row = await s.get(DuesPayment, paid["id"])
        assert row is not None and row.back_payment is True
        assert row.note is not None and "长期在外地务工" in row.note
        entry = await s.scalar(
            select(AuditLog).where(
                AuditLog.action == "dues.payment", AuditLog.entity_id == str(paid["id"])
            )
        )
        assert entry is not None and entry.after["reason"] == "长期在外地务工"
        assert entry.after["back_payment"] is True


async def test_dues06_six_months_back_needs_no_reason(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 6)
    r = await pay(ctx, "zuzhi", m.id, [now() - 6], "15.00")
    assert r.status_code == 201, r.text
    assert r.json()["back_payment"] is False and r.json()["note"] is None


CALC = f"{API}/calculate"


async def test_dues01_policy_deductions_enter_the_calculation(ctx: Ctx) -> None:
    own = ctx.ids["own"]
    body = {"category": "salaried", "basis": "5200.00", "organization_id": own}
    # no deductions counted by default: 5200 is in the 1.5 % bracket
    plain = await ctx.post(CALC, "zuzhi", json=body)
    assert plain.status_code == 200, plain.text
    assert plain.json()["monthly_amount"] == "78.00" and plain.json()["deducted"] == []
    refused = await ctx.post(CALC, "zuzhi", json={**body, "deductions": {"pension": "416.00"}})
    assert refused.status_code == 422 and refused.json()["code"] == "dues_input"
    assert "养老保险" in refused.json()["detail"]

    r = await ctx.client.put(
        f"/api/v1/organizations/{own}/policy",
        headers=ctx.auth("secretary"),
        json={"values": {"dues.deductions": ["pension", "housing_fund"]}},
    )
    assert r.status_code == 200, r.text
    # R: DUES-01/02 — 5200 − 416 − 300 = 4484: the 1 % bracket, applied to the whole of it
    counted = await ctx.post(
        CALC, "zuzhi", json={**body, "deductions": {"pension": "416.00", "housing_fund": "300"}}
    )
    assert counted.status_code == 200, counted.text
    out = counted.json()
    assert out["calculation_basis"] == "4484.00" and out["rate"] == "0.01"
    assert out["monthly_amount"] == "44.84"
    assert sorted(out["deducted"]) == sorted(["个人缴纳的养老保险", "个人缴纳的住房公积金"])
    # an item the policy does not count is refused, not silently ignored
    medical = await ctx.post(CALC, "zuzhi", json={**body, "deductions": {"medical": "100.00"}})
    assert medical.status_code == 422 and "医疗保险" in medical.json()["detail"]
    unknown = await ctx.post(CALC, "zuzhi", json={**body, "deductions": {"bonus": "1.00"}})
    assert unknown.status_code == 422 and unknown.json()["code"] == "dues_input"
    too_much = await ctx.post(CALC, "zuzhi", json={**body, "deductions": {"pension": "6000.00"}})
    assert too_much.status_code == 422 and too_much.json()["code"] == "dues_input"


async def test_dues01_without_deductions_the_calculation_is_unchanged(ctx: Ctx) -> None:
    r = await ctx.post(CALC, "member", json={"category": "salaried", "basis": "3000.00"})
    assert r.status_code == 200, r.text
    assert r.json()["monthly_amount"] == "15.00" and r.json()["calculation_basis"] == "3000.00"
    fixed = await ctx.post(CALC, "member", json={"category": "student"})
    assert fixed.json()["calculation_basis"] is None and fixed.json()["deducted"] == []


async def test_dues01_a_member_calculates_by_their_own_organisations_deductions(ctx: Ctx) -> None:
    # The calculator is for every user: a member without a post may name their own organisation
    # (whose policy they see on their 党费 tab), and no other.
    me = await ctx.get("/api/v1/auth/me", "member")
    assert me.status_code == 200, me.text
    own_org = me.json()["member"]["organization_id"]
    r = await ctx.client.put(
        f"/api/v1/organizations/{own_org}/policy",
        headers=ctx.auth("secretary"),
        json={"values": {"dues.deductions": ["pension", "housing_fund"]}},
    )
    assert r.status_code == 200, r.text
    body = {"category": "salaried", "basis": "5200.00", "organization_id": own_org}
    counted = await ctx.post(CALC, "member", json={**body, "deductions": {"pension": "200"}})
    assert counted.status_code == 200, counted.text
    out = counted.json()
    # R: DUES-01/02 — 5200 − 200 = 5000: the 1 % bracket
    assert out["calculation_basis"] == "5000.00" and out["monthly_amount"] == "50.00"
    assert out["deducted"] == ["个人缴纳的养老保险"]
    other = ctx.ids["sibling"] if own_org != ctx.ids["sibling"] else ctx.ids["outside"]
    hidden = await ctx.post(CALC, "member", json={**body, "organization_id": other})
    assert hidden.status_code == 404


async def test_dues01_the_basis_form_policy_names_the_deduction_keys(ctx: Ctx) -> None:
    own = ctx.ids["own"]
    r = await ctx.client.put(
        f"/api/v1/organizations/{own}/policy",
        headers=ctx.auth("secretary"),
        json={"values": {"dues.deductions": ["pension", "housing_fund"]}},
    )
    assert r.status_code == 200, r.text
    m = await member(ctx, since=now() - 1)
    listed = await ctx.get(f"/api/v1/members/{m.id}/dues-bases", "zuzhi")
    assert listed.status_code == 200, listed.text
    policy = listed.json()["policy"]
    assert policy["deduction_keys"] == ["pension", "housing_fund"]
    assert policy["deductions"] == ["个人缴纳的养老保险", "个人缴纳的住房公积金"]
