"""Demo dues records for `dangjian seed-demo` (not for the test template): bases, a year and a
bit of payments with receipts, a few members in arrears, a voluntary payment awaiting
remittance, an approved exemption and one awaiting the branch's decision.

Only some organisations get them (第二党支部, 第三党小组, 离退休党员党支部, 流动党员党支部), so the
first Party branch — where the demo `member` and `xiaozu` accounts are — starts clean for trying
the ledger out by hand.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.core import clock
from dangjian.core.calendar import index_of, month_start
from dangjian.core.db import utcnow
from dangjian.dues import ledger, rules
from dangjian.dues.payments import allocate
from dangjian.models import (
    DuesBasis,
    DuesExemption,
    DuesPayment,
    DuesReceiptCounter,
    Member,
    Organization,
)
from dangjian.models.enums import (
    DuesCategory,
    ExemptionKind,
    ExemptionStatus,
    PaymentKind,
    PaymentMethod,
)

ORGANISATIONS = ("第二党支部（和平里网格）", "第三党小组", "离退休党员党支部", "流动党员党支部")
COLLECTOR = "东风社区组织委员"
HISTORY_MONTHS = 14


def _category(rng: random.Random, retired: bool) -> tuple[DuesCategory, Decimal | None]:
    if retired:
        return DuesCategory.retired, Decimal(rng.randrange(2800, 7600, 50))
    roll = rng.random()
    if roll < 0.05:
        return DuesCategory.unemployed, None
    if roll < 0.08:
        return DuesCategory.low_income, None
    return DuesCategory.salaried, Decimal(rng.randrange(2400, 14000, 50))


async def seed_dues(session: AsyncSession, seed: int = 2026) -> int:
    """Returns the number of payments written."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    today = clock.today()
    current = index_of(today)
    start = current - HISTORY_MONTHS
    members = (
        await session.execute(
            select(Member)
            .join(Organization, Organization.id == Member.organization_id)
            .where(Organization.name.in_(ORGANISATIONS))
            .order_by(Member.id)
        )
    ).scalars()
    seq: dict[tuple[int, int], int] = defaultdict(int)
    payments = 0
    voluntary = exempted = proposed = False
    for member in members:
        retired = "retired" in (member.categories or [])
        category, basis = _category(rng, retired)
        first = max(start, index_of(member.joined_on or today))
        amount = rules.monthly_dues(category, basis).monthly_amount
        row = DuesBasis(
            member_id=member.id,
            category=category,
            basis=basis,
            rate=rules.monthly_dues(category, basis).rate,
            monthly_amount=amount,
            effective_from=month_start(first),
            recorded_by=COLLECTOR,
            note="演示数据",
        )
        bases = [row]
        if basis is not None and rng.random() < 0.15 and first < current - 4:
            raised = basis + Decimal(rng.randrange(300, 1500, 50))
            row.effective_to = month_start(current - 4)
            bases.append(
                DuesBasis(
                    member_id=member.id,
                    category=category,
                    basis=raised,
                    rate=rules.monthly_dues(category, raised).rate,
                    monthly_amount=rules.monthly_dues(category, raised).monthly_amount,
                    effective_from=month_start(current - 4),
                    recorded_by=COLLECTOR,
                    note="演示数据：调资",
                )
            )
        session.add_all(bases)
        await session.flush()
        facts = ledger.MemberFacts(joined_on=member.joined_on, bases=bases)

        roll = rng.random()
        if roll < 0.04:
            paid_through = first - 1  # never paid: a 自行脱党 case for the branch (DUES-08)
        elif roll < 0.14:
            paid_through = current - rng.choice((4, 5))  # in arrears: reminder (DUES-08)
        elif roll < 0.3:
            paid_through = current
        else:
            paid_through = current - 1
        month = first
        while month <= paid_through:
            size = 3 if rng.random() < 0.4 else 1  # quarterly with the branch's consent
            chunk = list(range(month, min(month + size, paid_through + 1)))
            dues = [ledger.due_in(facts, m)[0] or ledger.ZERO for m in chunk]
            paid_on = min(month_start(chunk[0]) + timedelta(days=rng.randint(3, 20)), today)
            seq[(member.organization_id, paid_on.year)] += 1
            payment = DuesPayment(
                member_id=member.id,
                organization_id=member.organization_id,
                kind=PaymentKind.regular,
                amount=sum(dues, ledger.ZERO),
                method=rng.choice(list(PaymentMethod)),
                collector=COLLECTOR,
                paid_on=paid_on,
                receipt_year=paid_on.year,
                receipt_seq=seq[(member.organization_id, paid_on.year)],
                recorded_by=COLLECTOR,
            )
            if payment.method in (PaymentMethod.wechat, PaymentMethod.alipay):
                payment.reference = f"4200{rng.randrange(10**12, 10**13)}"
            session.add(payment)
            await session.flush()
            await allocate(
                session,
                payment.id,
                member.id,
                [(month_start(m), d) for m, d in zip(chunk, dues, strict=True)],
            )
            payments += 1
            month = chunk[-1] + 1
        if retired and not voluntary and rng.random() < 0.1:
            # R: DUES-07 — one voluntary payment of 1000 yuan, flagged for remittance
            voluntary = True
            seq[(member.organization_id, today.year)] += 1
            session.add(
                DuesPayment(
                    member_id=member.id,
                    organization_id=member.organization_id,
                    kind=PaymentKind.voluntary,
                    amount=Decimal("1000.00"),
                    method=PaymentMethod.bank,
                    reference="演示转账",
                    collector=COLLECTOR,
                    paid_on=today.replace(day=1),
                    receipt_year=today.year,
                    receipt_seq=seq[(member.organization_id, today.year)],
                    remit_required=True,
                    note="自愿多交（演示数据）",
                    recorded_by=COLLECTOR,
                )
            )
            payments += 1
        if category is DuesCategory.low_income and not exempted:
            exempted = True
            session.add(
                DuesExemption(
                    member_id=member.id,
                    kind=ExemptionKind.exempt,
                    first_month=month_start(current - 1),
                    last_month=month_start(current + 4),
                    reason="家庭生活困难，领取最低生活保障金（演示数据）",
                    status=ExemptionStatus.approved,
                    applied_by=COLLECTOR,
                    branch_decided_by="东风社区党委书记（secretary）",
                    branch_decided_at=utcnow(),
                    approved_by="街道党工委工作人员（street）",
                    approved_at=utcnow(),
                )
            )
        elif retired and not proposed and rng.random() < 0.1:
            proposed = True
            session.add(
                DuesExemption(
                    member_id=member.id,
                    kind=ExemptionKind.reduce,
                    monthly_amount=Decimal("5.00"),
                    first_month=month_start(current),
                    last_month=month_start(current + 5),
                    reason="长期患病，医疗支出大（演示数据）",
                    status=ExemptionStatus.proposed,
                    applied_by=COLLECTOR,
                )
            )
    session.add_all(
        DuesReceiptCounter(organization_id=org_id, year=year, last_seq=n)
        for (org_id, year), n in seq.items()
    )
    await session.flush()
    return payments
