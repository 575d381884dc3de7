"""Recording dues payments over the API (DUES-05/06/07/09/10): receipts numbered without gaps,
the amount checked against the ledger, back payments and advances flagged, voluntary payments
to remit, reversal by counter-entry, the audit trail and Idempotency-Key — on both databases."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from conftest import Ctx
from dues_support import (
    API,
    audit_actions,
    basis,
    cell,
    count,
    member,
    now,
    paid,
    pay,
    statement,
    ym,
)
from sqlalchemy import select

from dangjian.core import clock
from dangjian.core.calendar import month_start
from dangjian.models import (
    DuesExemption,
    DuesPayment,
    DuesPaymentMonth,
    DuesReceiptCounter,
    Organization,
)
from dangjian.models.enums import ExemptionKind, ExemptionStatus


async def _org_id(ctx: Ctx, name: str) -> int:
    async with ctx.db.sessionmaker() as s:
        org_id = await s.scalar(select(Organization.id).where(Organization.name == name))
    assert org_id is not None
    return int(org_id)


async def _last_seq(ctx: Ctx, org_id: int, year: int) -> int | None:
    async with ctx.db.sessionmaker() as s:
        row = await s.get(DuesReceiptCounter, (org_id, year))
        return None if row is None else row.last_seq


async def test_dues10_receipts_run_per_organisation_and_year_without_gaps(ctx: Ctx) -> None:
    year = clock.today().year
    a = await member(ctx, since=now() - 2)
    b = await member(ctx, since=now() - 2)
    in_group = await member(ctx, "group", since=now() - 2)
    first = await paid(ctx, "zuzhi", a.id, [now()], "15.00")
    assert first["receipt_no"] == f"{year}-000001"
    # refused payments consume no number: a wrong amount, a month already paid
    wrong = await pay(ctx, "zuzhi", b.id, [now()], "14.00")
    assert wrong.status_code == 422 and wrong.json()["code"] == "dues_amount"
    again = await pay(ctx, "zuzhi", a.id, [now()], "15.00")
    assert again.status_code == 409
    second = await paid(ctx, "zuzhi", b.id, [now()], "15.00")
    assert second["receipt_no"] == f"{year}-000002"
    # another organisation (the member's Party group) keeps its own numbers
    other = await paid(ctx, "xiaozu", in_group.id, [now()], "15.00")
    assert other["receipt_no"] == f"{year}-000001"
    assert other["organization_id"] == ctx.ids["group"]
    # a payment received last December is numbered in last year's series
    dec = date(year - 1, 12, 20)
    old = await member(ctx, since=now() - 14)
    r = await pay(ctx, "zuzhi", old.id, [now() - 13], "15.00", paid_on=dec.isoformat())
    assert r.status_code == 201, r.text
    assert r.json()["receipt_no"] == f"{year - 1}-000001"
    third = await paid(ctx, "zuzhi", old.id, [now()], "15.00")
    assert third["receipt_no"] == f"{year}-000003"
    assert await _last_seq(ctx, ctx.ids["child"], year) == 3
    assert await _last_seq(ctx, ctx.ids["child"], year - 1) == 1


async def test_dues06_the_amount_is_the_balance_of_the_chosen_months(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 3)
    r = await pay(ctx, "zuzhi", m.id, [now() - 3, now() - 2, now() - 1], "40.00")
    assert r.status_code == 422
    assert r.json()["code"] == "dues_amount" and "45.00" in r.json()["detail"]
    # quarterly with the branch's consent (DUES-06): three months in one payment
    q = await paid(ctx, "zuzhi", m.id, [now() - 3, now() - 2, now() - 1], "45.00")
    assert q["amount"] == "45.00"
    assert [x["amount"] for x in q["months"]] == ["15.00"] * 3
    assert [x["month"] for x in q["months"]] == [ym(now() - 3), ym(now() - 2), ym(now() - 1)]
    # paid ahead, then a raise from that month: only the difference is still to pay
    ahead = await paid(ctx, "zuzhi", m.id, [now() + 1], "15.00")
    assert ahead["advance"] is True
    await basis(ctx, m.id, now() + 1, "4000.00")  # 40.00 a month from next month
    short = await pay(ctx, "zuzhi", m.id, [now() + 1], "40.00")
    assert short.status_code == 422 and "25.00" in short.json()["detail"]
    rest = await paid(ctx, "zuzhi", m.id, [now() + 1], "25.00")
    assert rest["months"] == [{"month": ym(now() + 1), "amount": "25.00"}]
    assert cell(await statement(ctx, m.id, month_start(now() + 1).year), now() + 1)["state"] == (
        "paid"
    )
    dup = await pay(ctx, "zuzhi", m.id, [now(), now()], "30.00")
    assert dup.status_code == 422


async def test_dues09_months_that_cannot_be_paid_are_refused(ctx: Ctx) -> None:
    """Already paid, before admission (DUES-04), without a basis, exempt (DUES-03): 409."""
    joined = month_start(now() - 1) + timedelta(days=9)
    m = await member(ctx, joined_on=joined)
    await basis(ctx, m.id, now() - 1)
    await paid(ctx, "zuzhi", m.id, [now()], "15.00")
    again = await pay(ctx, "zuzhi", m.id, [now()], "15.00")
    assert again.status_code == 409 and again.json()["code"] == "dues_month_closed"
    assert "已交清" in again.json()["detail"]
    before = await pay(ctx, "zuzhi", m.id, [now() - 2, now() - 1], "30.00")
    assert before.status_code == 409 and "未入党" in before.json()["detail"]
    assert ym(now() - 2) in before.json()["detail"]
    bare = await member(ctx)
    nobasis = await pay(ctx, "zuzhi", bare.id, [now()], "15.00")
    assert nobasis.status_code == 409 and "未登记基数" in nobasis.json()["detail"]
    exempt = await member(ctx, since=now() - 3)
    async with ctx.db.sessionmaker() as s, s.begin():
        s.add(
            DuesExemption(
                member_id=exempt.id, kind=ExemptionKind.exempt, first_month=month_start(now() - 1),
                last_month=month_start(now() + 1), reason="重病", status=ExemptionStatus.approved,
                applied_by="测试",
            )
        )  # fmt: skip
    refused = await pay(ctx, "zuzhi", exempt.id, [now() - 2, now() - 1], "15.00")
    assert refused.status_code == 409 and "免交" in refused.json()["detail"]
    ok = await paid(ctx, "zuzhi", exempt.id, [now() - 2], "15.00")
    assert ok["months"][0]["month"] == ym(now() - 2)
    assert await count(ctx, DuesPayment) == 2


async def test_dues_payment_input_is_checked(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 1)
    wechat = await pay(ctx, "zuzhi", m.id, [now()], "15.00", method="wechat")
    assert wechat.status_code == 422 and "流水号" in wechat.json()["detail"]
    alipay = await pay(ctx, "zuzhi", m.id, [now()], "15.00", method="alipay", reference=None)
    assert alipay.status_code == 422
    future = (clock.today() + timedelta(days=1)).isoformat()
    later = await pay(ctx, "zuzhi", m.id, [now()], "15.00", paid_on=future)
    assert later.status_code == 422 and "不能晚于今天" in later.json()["detail"]
    too_far = await pay(ctx, "zuzhi", m.id, [now() + 13], "15.00")
    assert too_far.status_code == 422 and "预交" in too_far.json()["detail"]
    none = await pay(ctx, "zuzhi", m.id, [], "15.00")
    assert none.status_code == 422
    assert await count(ctx, DuesPayment) == 0
    ok = await paid(ctx, "zuzhi", m.id, [now()], "15.00")
    assert ok["method"] == "cash" and ok["payer_name"] is None
    proxy = await pay(
        ctx, "zuzhi", m.id, [now() + 1], "15.00", method="wechat", reference="WX42",
        payer_name="李梅（配偶）",
    )  # fmt: skip
    assert proxy.status_code == 201, proxy.text
    assert proxy.json()["payer_name"] == "李梅（配偶）" and proxy.json()["reference"] == "WX42"


async def test_dues06_back_payments_older_than_six_months_and_advances_are_flagged(
    ctx: Ctx,
) -> None:
    m = await member(ctx, since=now() - 10)
    six = await paid(ctx, "zuzhi", m.id, [now() - 6], "15.00")
    assert six["back_payment"] is False and six["advance"] is False
    seven = await paid(ctx, "zuzhi", m.id, [now() - 7, now() - 8], "30.00")
    assert seven["back_payment"] is True
    current = await paid(ctx, "zuzhi", m.id, [now()], "15.00")
    assert current["back_payment"] is False and current["advance"] is False
    ahead = await paid(ctx, "zuzhi", m.id, [now() + 1, now() + 2], "30.00")
    assert ahead["advance"] is True and ahead["back_payment"] is False
    # the back-payment flag is what the audit keeps too
    async with ctx.db.sessionmaker() as s:
        row = await s.get(DuesPayment, seven["id"])
        assert row is not None and row.back_payment is True


async def test_dues07_voluntary_payments_of_1000_or_more_are_remitted_once(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 1)
    body = {"member_id": m.id, "kind": "voluntary", "amount": "1000.00", "method": "bank"}
    big = await ctx.post(f"{API}/payments", "zuzhi", json=body)
    assert big.status_code == 201, big.text
    assert big.json()["remit_required"] is True and big.json()["months"] == []
    small = await ctx.post(f"{API}/payments", "zuzhi", json={**body, "amount": "999.99"})
    assert small.status_code == 201 and small.json()["remit_required"] is False
    with_months = await ctx.post(
        f"{API}/payments", "zuzhi", json={**body, "months": [ym(now())], "amount": "15.00"}
    )
    assert with_months.status_code == 422
    pending = await ctx.get(f"{API}/payments?remit=pending&member_id={m.id}", "zuzhi")
    assert [p["id"] for p in pending.json()["items"]] == [big.json()["id"]]
    url = f"{API}/payments/{big.json()['id']}/remittance"
    too_early = (clock.today() - timedelta(days=1)).isoformat()
    early = await ctx.post(url, "zuzhi", json={"remitted_on": too_early, "reference": "ZY1"})
    assert early.status_code == 422
    today = clock.today().isoformat()
    done = await ctx.post(url, "zuzhi", json={"remitted_on": today, "reference": "ZY-2026-01"})
    assert done.status_code == 200, done.text
    assert done.json()["remitted_on"] == today
    assert done.json()["remittance_reference"] == "ZY-2026-01"
    twice = await ctx.post(url, "zuzhi", json={"remitted_on": today, "reference": "ZY-2"})
    assert twice.status_code == 409
    pending = await ctx.get(f"{API}/payments?remit=pending&member_id={m.id}", "zuzhi")
    assert pending.json()["items"] == []
    remitted = await ctx.get(f"{API}/payments?remit=remitted&member_id={m.id}", "zuzhi")
    assert [p["id"] for p in remitted.json()["items"]] == [big.json()["id"]]
    # a payment below the threshold has nothing to remit; a remitted one cannot be reversed
    no = await ctx.post(
        f"{API}/payments/{small.json()['id']}/remittance", "zuzhi",
        json={"remitted_on": today, "reference": "ZY-3"},
    )  # fmt: skip
    assert no.status_code == 409
    rev = await ctx.post(
        f"{API}/payments/{big.json()['id']}/reverse", "zuzhi", json={"reason": "误录"}
    )
    assert rev.status_code == 409
    assert await audit_actions(ctx, "dues_payment", big.json()["id"]) == [
        "dues.payment",
        "dues.remit",
    ]


async def test_dues07_a_reversed_voluntary_payment_is_no_longer_to_remit(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 1)
    body = {"member_id": m.id, "kind": "voluntary", "amount": "2000.00", "method": "bank"}
    big = (await ctx.post(f"{API}/payments", "zuzhi", json=body)).json()
    rev = await ctx.post(f"{API}/payments/{big['id']}/reverse", "zuzhi", json={"reason": "重复"})
    assert rev.status_code == 201
    pending = await ctx.get(f"{API}/payments?remit=pending&member_id={m.id}", "zuzhi")
    assert pending.json()["items"] == []
    late = await ctx.post(
        f"{API}/payments/{big['id']}/remittance", "zuzhi",
        json={"remitted_on": clock.today().isoformat(), "reference": "ZY"},
    )  # fmt: skip
    assert late.status_code == 409


async def test_dues10_a_reversal_is_a_counter_entry_and_frees_the_months(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 3)
    year = month_start(now() - 3).year
    months = [now() - 3, now() - 2, now() - 1]
    original = await paid(ctx, "zuzhi", m.id, months, "45.00")
    short = await ctx.post(f"{API}/payments/{original['id']}/reverse", "zuzhi", json={"reason": ""})
    assert short.status_code == 422  # a reason is required
    r = await ctx.post(
        f"{API}/payments/{original['id']}/reverse", "zuzhi", json={"reason": "记错了党员"}
    )
    assert r.status_code == 201, r.text
    counter = r.json()
    assert counter["kind"] == "reversal" and counter["amount"] == "-45.00"
    assert counter["reverses_id"] == original["id"] and counter["receipt_no"] is None
    assert [x["amount"] for x in counter["months"]] == ["-15.00"] * 3
    assert counter["note"] == "记错了党员"
    again = await ctx.get(f"{API}/payments/{original['id']}", "zuzhi")
    assert again.json()["reversed_by_id"] == counter["id"]
    assert again.json()["amount"] == "45.00"  # the original stays as it was
    stmt = await statement(ctx, m.id, year)
    assert cell(stmt, now() - 2)["state"] == "unpaid" and cell(stmt, now() - 2)["paid"] == "0.00"
    twice = await ctx.post(
        f"{API}/payments/{original['id']}/reverse", "zuzhi", json={"reason": "再次冲正"}
    )
    assert twice.status_code == 409
    of_reversal = await ctx.post(
        f"{API}/payments/{counter['id']}/reverse", "zuzhi", json={"reason": "撤销冲正"}
    )
    assert of_reversal.status_code == 409
    # the months are free again: paid anew with a new receipt
    repaid = await paid(ctx, "zuzhi", m.id, months, "45.00")
    assert repaid["receipt_no"] != original["receipt_no"]
    # nothing was deleted: the original, its reversal and the new payment
    assert await count(ctx, DuesPayment, DuesPayment.member_id == m.id) == 3
    assert await count(ctx, DuesPaymentMonth, DuesPaymentMonth.member_id == m.id) == 9
    listed = await ctx.get(f"{API}/payments?member_id={m.id}&kind=reversal", "zuzhi")
    assert [p["id"] for p in listed.json()["items"]] == [counter["id"]]
    assert await audit_actions(ctx, "dues_payment", original["id"]) == [
        "dues.payment",
        "dues.reverse",
    ]
    assert await audit_actions(ctx, "dues_payment", repaid["id"]) == ["dues.payment"]


async def test_idempotency_key_answers_a_retry_once_and_refuses_another_body(ctx: Ctx) -> None:
    m = await member(ctx, since=now() - 2)
    first = await pay(ctx, "zuzhi", m.id, [now() - 2], "15.00", key="k-1")
    assert first.status_code == 201
    retry = await pay(ctx, "zuzhi", m.id, [now() - 2], "15.00", key="k-1")
    assert retry.status_code == 201 and retry.json() == first.json()
    other = await pay(ctx, "zuzhi", m.id, [now() - 1], "15.00", key="k-1")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_mismatch"
    # keys belong to the caller: the same key from another account is another request
    clerk = await pay(ctx, "clerk", m.id, [now() - 1], "15.00", key="k-1")
    assert clerk.status_code == 201 and clerk.json()["id"] != first.json()["id"]
    assert await count(ctx, DuesPayment) == 2
    assert await audit_actions(ctx, "dues_payment", first.json()["id"]) == ["dues.payment"]


async def test_idempotency_twenty_concurrent_retries_record_one_payment(ctx: Ctx) -> None:
    """Twenty identical requests at once (a client retrying on a bad network): all answer 201
    with the same payment; one row, one receipt number consumed — on SQLite and PostgreSQL."""
    year = clock.today().year
    m = await member(ctx, since=now() - 2)
    answers = await asyncio.gather(
        *(pay(ctx, "zuzhi", m.id, [now() - 1, now()], "30.00", key="same") for _ in range(20))
    )
    assert [r.status_code for r in answers] == [201] * 20, [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    assert {r.json()["receipt_no"] for r in answers} == {f"{year}-000001"}
    assert await count(ctx, DuesPayment) == 1
    assert await count(ctx, DuesPaymentMonth) == 2
    assert await _last_seq(ctx, ctx.ids["child"], year) == 1
    nxt = await paid(ctx, "zuzhi", m.id, [now() + 1], "15.00")
    assert nxt["receipt_no"] == f"{year}-000002"


async def test_dues09_concurrent_payments_of_the_same_month_only_one_is_recorded(ctx: Ctx) -> None:
    """Two collectors recording the same month at once (no key): one payment, the others 409,
    and the receipt numbers still run without gaps."""
    year = clock.today().year
    m = await member(ctx, since=now() - 1)
    answers = await asyncio.gather(
        *(pay(ctx, who, m.id, [now()], "15.00") for who in ["zuzhi", "clerk", "secretary"] * 2)
    )
    codes = sorted(r.status_code for r in answers)
    assert codes == [201, 409, 409, 409, 409, 409], [r.text for r in answers]
    assert await count(ctx, DuesPayment) == 1
    assert await _last_seq(ctx, ctx.ids["child"], year) == 1


async def test_dues05_a_floating_member_may_pay_at_the_flow_in_organisation(ctx: Ctx) -> None:
    flow_in = await _org_id(ctx, "流动党员党支部")
    year = clock.today().year
    floating = await member(ctx, since=now() - 1, categories=["floating_in"])
    r = await pay(ctx, "zuzhi", floating.id, [now()], "15.00", organization_id=flow_in)
    assert r.status_code == 201, r.text
    assert r.json()["organization_id"] == flow_in
    assert r.json()["organization_name"] == "流动党员党支部"
    assert r.json()["receipt_no"] == f"{year}-000001"
    assert await _last_seq(ctx, flow_in, year) == 1
    assert await _last_seq(ctx, ctx.ids["child"], year) is None
    # the member's own branch sees the month paid
    assert cell(await statement(ctx, floating.id, year), now())["state"] == "paid"
    # a member without the 流动党员活动证 pays at their own organisation only
    settled = await member(ctx, since=now() - 1)
    refused = await pay(ctx, "zuzhi", settled.id, [now()], "15.00", organization_id=flow_in)
    assert refused.status_code == 422 and refused.json()["code"] == "dues_where"
    # an organisation the caller does not manage is not there at all
    elsewhere = await pay(
        ctx, "zuzhi", floating.id, [now() - 1], "15.00", organization_id=ctx.ids["sibling"]
    )
    assert elsewhere.status_code == 404
    # the 副书记 reads the dues of both organisations but collects in neither
    deputy = await pay(ctx, "deputy", floating.id, [now() - 1], "15.00", organization_id=flow_in)
    assert deputy.status_code == 403
    assert await count(ctx, DuesPayment) == 1


async def test_dues_the_member_reads_their_own_payments_but_records_none(ctx: Ctx) -> None:
    async with ctx.db.sessionmaker() as s:
        from dangjian.models import User

        own_id = await s.scalar(select(User.member_id).where(User.username == "member"))
    assert own_id is not None
    await basis(ctx, own_id, now() - 1)
    p = await paid(ctx, "xiaozu", own_id, [now()], "15.00")
    mine = await ctx.get(f"{API}/payments/{p['id']}", "member")
    assert mine.status_code == 200 and mine.json()["receipt_no"] == p["receipt_no"]
    listed = await ctx.get(f"{API}/payments", "member")
    assert [x["id"] for x in listed.json()["items"]] == [p["id"]]
    self_pay = await pay(ctx, "member", own_id, [now() + 1], "15.00")
    assert self_pay.status_code == 403
    stranger = await member(ctx, since=now() - 1)
    other = await paid(ctx, "zuzhi", stranger.id, [now()], "15.00")
    assert (await ctx.get(f"{API}/payments/{other['id']}", "member")).status_code == 404
    assert (await ctx.get(f"{API}/payments/{other['id']}", "secretary2")).status_code == 404


async def test_dues10_concurrent_reversals_and_remittances_happen_once(ctx: Ctx) -> None:
    """A double click on 冲正 or 登记上缴: one succeeds, the others answer 409 (never 500)."""
    m = await member(ctx, since=now() - 1)
    p = await paid(ctx, "zuzhi", m.id, [now()], "15.00")
    url = f"{API}/payments/{p['id']}/reverse"
    answers = await asyncio.gather(
        *(ctx.post(url, who, json={"reason": "重复登记"}) for who in ["zuzhi", "clerk"] * 3)
    )
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409, 409, 409], [
        r.text for r in answers
    ]
    assert await count(ctx, DuesPayment, DuesPayment.reverses_id == p["id"]) == 1
    body = {"member_id": m.id, "kind": "voluntary", "amount": "1200.00", "method": "bank"}
    big = (await ctx.post(f"{API}/payments", "zuzhi", json=body)).json()
    url = f"{API}/payments/{big['id']}/remittance"
    today = clock.today().isoformat()
    answers = await asyncio.gather(
        *(
            ctx.post(url, who, json={"remitted_on": today, "reference": f"ZY-{i}"})
            for i, who in enumerate(["zuzhi", "clerk"] * 3)
        )
    )
    assert sorted(r.status_code for r in answers) == [200, 409, 409, 409, 409, 409], [
        r.text for r in answers
    ]
    winner = next(r.json() for r in answers if r.status_code == 200)
    stored = (await ctx.get(f"{API}/payments/{big['id']}", "zuzhi")).json()
    assert stored["remittance_reference"] == winner["remittance_reference"]
    assert await audit_actions(ctx, "dues_payment", big["id"]) == ["dues.payment", "dues.remit"]
