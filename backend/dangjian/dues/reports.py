"""Collection reports (DUES-10): monthly per subtree, yearly, the published summary; and the
annual assessment (年初核定, DUES-01). The 党费收缴登记册 (LEDG-01) is `ledgers.service.dues`.

The monthly report is one SQL aggregate over the subtree: each member's due that month is a
correlated look-up of the basis (or the year's fixed amount) in force, replaced by an approved
exemption; paid is the month's allocations. It computes what `ledger.month_cells` computes for
one member (a test holds the two to the same figures).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core.calendar import (
    month_end,
    month_index,
    month_label,
    month_start,
    parse_month,
)
from dangjian.core.collation import pinyin
from dangjian.core.errors import Conflict, Forbidden, Unprocessable
from dangjian.dues import ledger, rules
from dangjian.dues.accounts import roster_query
from dangjian.dues.schemas import (
    AssessmentConfirm,
    AssessmentLine,
    AssessmentRead,
    CollectionRow,
    MonthlyCollection,
    PublishedSummary,
    YearlyCollection,
    YearlyCollectionMonth,
)
from dangjian.dues.service import dues_policy
from dangjian.members import roster
from dangjian.models import (
    DuesAssessment,
    DuesBasis,
    DuesExemption,
    DuesMonthPaid,
    DuesPayment,
    Member,
    Organization,
)
from dangjian.models.enums import ExemptionStatus, PaymentKind

ZERO = ledger.ZERO


def _basis_at(day: date) -> Any:
    return (
        select(DuesBasis.monthly_amount)
        .where(DuesBasis.member_id == Member.id, DuesBasis.effective_from <= day)
        .order_by(DuesBasis.effective_from.desc(), DuesBasis.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _first_basis_between(first: date, last: date) -> Any:
    return (
        select(DuesBasis.monthly_amount)
        .where(
            DuesBasis.member_id == Member.id,
            DuesBasis.effective_from >= first,
            DuesBasis.effective_from <= last,
        )
        .order_by(DuesBasis.effective_from, DuesBasis.id)
        .limit(1)
        .scalar_subquery()
    )


def due_expression(month: int, annual_org_ids: set[int]) -> tuple[Any, list[tuple[Any, Any]]]:
    """SQL for a member's due in `month` (NULL: not yet a member, or no basis) — the same rules
    as `ledger.due_in`: DUES-04 admission month, DUES-03 exemptions, DUES-01 basis or year.

    Returns the expression and what to outer-join (target, ON clause) to compute it."""
    day = month_start(month)
    next_day = month_start(month + 1)
    # The row in force: [effective_from, effective_to) holds the month (effective_to is derived
    # on insert, see dues.service._link; ties leave the earlier row an empty range). Joined on
    # the member with the range in the ON clause: one hash join, or index probes for a branch.
    basis = aliased(DuesBasis, name="basis")
    basis_on = and_(
        basis.member_id == Member.id,
        basis.effective_from <= day,
        or_(basis.effective_to.is_(None), basis.effective_to > day),
    )
    exempted = (
        select(
            DuesExemption.member_id,
            func.max(func.coalesce(DuesExemption.monthly_amount, literal(ZERO))).label("amount"),
        )
        .where(
            DuesExemption.status == ExemptionStatus.approved,
            DuesExemption.first_month <= day,
            DuesExemption.last_month >= day,
        )
        .group_by(DuesExemption.member_id)
        .subquery("exempted")
    )
    monthly: Any = basis.monthly_amount
    if annual_org_ids:
        january = month_start(month - month % 12)
        yearly = func.coalesce(_basis_at(january), _first_basis_between(january, day))
        monthly = case((Member.organization_id.in_(annual_org_ids), yearly), else_=monthly)
    due = case(
        (and_(Member.joined_on.is_not(None), Member.joined_on >= next_day), None),
        else_=func.coalesce(exempted.c.amount, monthly),
    )
    return due, [(basis, basis_on), (exempted, exempted.c.member_id == Member.id)]


async def _subtree(
    session: AsyncSession, principal: Principal, org_id: int
) -> tuple[Organization, list[Organization]]:
    org = await visible_organization(session, principal, org_id, Cap.dues_read)
    orgs = list(
        (
            await session.scalars(
                select(Organization).where(
                    subtree(Organization.path, org),
                    principal.readable(Organization.path, Cap.dues_read),
                )
            )
        ).all()
    )
    return org, orgs


async def _report_settings(session: AsyncSession) -> None:
    """PostgreSQL settings for this transaction's report queries: hash a street's members in
    memory (the default 4 MB spills the per-member join to disk), and plan each statement for
    its actual month — after five runs of a prepared statement PostgreSQL may switch to a generic
    plan, which for these range joins is two to three times slower."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL work_mem = '32MB'"))
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


async def _per_org(
    session: AsyncSession,
    principal: Principal,
    org: Organization,
    annual: set[int],
    month: int,
) -> dict[int, tuple[int, int, Decimal, Decimal, Decimal]]:
    """organisation id → (members due, members paid, due, collected, arrears) for `month`."""
    # The derived net per member and month (kept with the allocations, see payments.allocate).
    paid_q = aliased(DuesMonthPaid, name="paid")
    where = (
        subtree(Organization.path, org),
        principal.readable(Organization.path, Cap.dues_read),
        # R: MEM-06, DUES-10 — the roster as it stood in the month, not as it stands today
        roster.on_roster_during(month_start(month), month_end(month)),
    )
    due, joins = due_expression(month, annual)
    stmt_members = (
        select(
            Member.organization_id.label("org_id"),
            due.label("due"),
            func.coalesce(paid_q.paid, literal(ZERO)).label("paid"),
        )
        .join(Organization, Organization.id == Member.organization_id)
        .outerjoin(paid_q, and_(paid_q.member_id == Member.id, paid_q.month == month_start(month)))
    )
    for target, on in joins:
        stmt_members = stmt_members.outerjoin(target, on)
    per_member = stmt_members.where(*where).cte("per_member")
    if annual:
        # The year's amount is a correlated look-up: materialise so that it runs once per member,
        # not once per aggregate below.
        per_member = per_member.prefix_with("MATERIALIZED")
    owing = case(
        (per_member.c.due > per_member.c.paid, per_member.c.due - per_member.c.paid), else_=0
    )
    stmt = select(
        per_member.c.org_id,
        func.count().filter(per_member.c.due > 0),
        func.count().filter(and_(per_member.c.due > 0, per_member.c.paid >= per_member.c.due)),
        func.coalesce(func.sum(per_member.c.due), 0),
        func.coalesce(func.sum(per_member.c.paid), 0),
        func.coalesce(func.sum(owing), 0),
    ).group_by(per_member.c.org_id)
    return {
        oid: (int(n), int(n_paid), Decimal(d), Decimal(p), Decimal(a))
        for oid, n, n_paid, d, p, a in (await session.execute(stmt)).all()
    }


async def _voluntary(
    session: AsyncSession, principal: Principal, org: Organization, first: date, last: date
) -> dict[int, Decimal]:
    """Voluntary payments received in [first, last] by collecting organisation (not reversed)."""
    reversed_ids = select(DuesPayment.reverses_id).where(DuesPayment.reverses_id.is_not(None))
    rows = await session.execute(
        select(DuesPayment.organization_id, func.sum(DuesPayment.amount))
        .join(Organization, Organization.id == DuesPayment.organization_id)
        .where(
            DuesPayment.kind == PaymentKind.voluntary,
            DuesPayment.id.not_in(reversed_ids),
            DuesPayment.paid_on >= first,
            DuesPayment.paid_on <= last,
            subtree(Organization.path, org),
            principal.readable(Organization.path, Cap.dues_read),
        )
        .group_by(DuesPayment.organization_id)
    )
    return {oid: Decimal(total) for oid, total in rows.all()}


def _child_of(org: Organization, orgs: list[Organization]) -> dict[int, int]:
    """Each organisation of the subtree → the id of the direct child of `org` it lies under
    (or `org` itself), read off the materialised path."""
    out = {}
    for o in orgs:
        rest = o.path[len(org.path) :].strip("/")
        out[o.id] = int(rest.split("/")[0]) if rest else org.id
    return out


def _row(
    org_id: int | None,
    name: str,
    figures: list[tuple[int, int, Decimal, Decimal, Decimal]],
    vol: Decimal,
) -> CollectionRow:
    return CollectionRow(
        organization_id=org_id,
        organization_name=name,
        members=sum(f[0] for f in figures),
        members_paid=sum(f[1] for f in figures),
        amount_due=ledger.money(ledger.sum_money(f[2] for f in figures)),
        collected=ledger.money(ledger.sum_money(f[3] for f in figures)),
        arrears=ledger.money(ledger.sum_money(f[4] for f in figures)),
        voluntary=ledger.money(vol),
    )


async def monthly(
    session: AsyncSession, principal: Principal, org_id: int, month_text: str, today: date
) -> MonthlyCollection:
    """R: DUES-10 — the month's collection per direct child organisation, with the total."""
    org, orgs = await _subtree(session, principal, org_id)
    await _report_settings(session)
    month = parse_month(month_text)
    annual = await ledger.annual_orgs(session, orgs, month_start(month))
    figures = await _per_org(session, principal, org, annual, month)
    vol = await _voluntary(session, principal, org, month_start(month), month_end(month))
    child = _child_of(org, orgs)
    grouped: dict[int, list[tuple[int, int, Decimal, Decimal, Decimal]]] = defaultdict(list)
    grouped_vol: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for oid, f in figures.items():
        grouped[child[oid]].append(f)
    for oid, v in vol.items():
        grouped_vol[child[oid]] += v
    by_id = {o.id: o for o in orgs}
    rows = [
        _row(
            cid,
            by_id[cid].name if cid != org.id else f"{org.name}（直属）",
            grouped.get(cid, []),
            grouped_vol.get(cid, ZERO),
        )
        for cid in sorted(set(grouped) | set(grouped_vol), key=lambda i: by_id[i].path)
    ]
    total = _row(None, "合计", list(figures.values()), ledger.sum_money(vol.values()))
    return MonthlyCollection(
        organization_id=org.id, month=month_label(month), rows=rows, total=total
    )


async def _year_months(
    session: AsyncSession,
    principal: Principal,
    org: Organization,
    orgs: list[Organization],
    year: int,
) -> list[YearlyCollectionMonth]:
    out = []
    for month in range(month_index(year, 1), month_index(year, 12) + 1):
        annual = await ledger.annual_orgs(session, orgs, month_start(month))
        figures = list((await _per_org(session, principal, org, annual, month)).values())
        vol = await _voluntary(session, principal, org, month_start(month), month_end(month))
        r = _row(None, "", figures, ledger.sum_money(vol.values()))
        out.append(
            YearlyCollectionMonth(
                month=month_label(month),
                members=r.members,
                members_paid=r.members_paid,
                amount_due=r.amount_due,
                collected=r.collected,
                arrears=r.arrears,
                voluntary=r.voluntary,
            )
        )
    return out


async def yearly(
    session: AsyncSession, principal: Principal, org_id: int, year: int
) -> YearlyCollection:
    org, orgs = await _subtree(session, principal, org_id)
    await _report_settings(session)
    months = await _year_months(session, principal, org, orgs, year)
    return YearlyCollection(
        organization_id=org.id,
        year=year,
        months=months,
        amount_due=_total(m.amount_due for m in months),
        collected=_total(m.collected for m in months),
        arrears=_total(m.arrears for m in months),
        voluntary=_total(m.voluntary for m in months),
    )


def _total(values: Any) -> str:
    return ledger.money(ledger.sum_money(Decimal(v) for v in values))


async def published(
    session: AsyncSession, principal: Principal, org_id: int, year: int
) -> PublishedSummary:
    """The year's collection in figures only, for public disclosure (每年公布一次)."""
    org, orgs = await _subtree(session, principal, org_id)
    await _report_settings(session)
    months = await _year_months(session, principal, org, orgs, year)
    due = ledger.sum_money(Decimal(m.amount_due) for m in months)
    collected = ledger.sum_money(Decimal(m.collected) for m in months)
    remitted = await session.scalar(
        select(func.coalesce(func.sum(DuesPayment.amount), 0))
        .join(Organization, Organization.id == DuesPayment.organization_id)
        .where(
            DuesPayment.remit_required.is_(True),
            DuesPayment.remitted_on >= date(year, 1, 1),
            DuesPayment.remitted_on <= date(year, 12, 31),
            subtree(Organization.path, org),
            principal.readable(Organization.path, Cap.dues_read),
        )
    )
    exempted = await session.scalar(
        select(func.count(func.distinct(DuesExemption.member_id)))
        .join(Member, Member.id == DuesExemption.member_id)
        .join(Organization, Organization.id == Member.organization_id)
        .where(
            DuesExemption.status == ExemptionStatus.approved,
            DuesExemption.first_month <= date(year, 12, 1),
            DuesExemption.last_month >= date(year, 1, 1),
            subtree(Organization.path, org),
            principal.readable(Organization.path, Cap.dues_read),
        )
    )
    members = max((m.members for m in months), default=0)
    rate = (collected * 100 / due).quantize(Decimal("0.1")) if due else Decimal("0.0")
    return PublishedSummary(
        organization_id=org.id,
        organization_name=org.name,
        year=year,
        members=members,
        amount_due=ledger.money(due),
        collected=ledger.money(collected),
        collection_rate=format(rate, "f"),
        voluntary=_total(m.voluntary for m in months),
        remitted_to_central=ledger.money(Decimal(remitted or 0)),
        exemptions=int(exempted or 0),
    )


# ---------------------------------------------------------------- annual assessment (年初核定)


async def assessment(
    session: AsyncSession, principal: Principal, org_id: int, year: int, today: date
) -> AssessmentRead:
    """R: DUES-01 (annual-fixed mode) — the reviewable list: each member's monthly amount for the
    year (the basis in force in January, or the first basis recorded during the year), and the
    bases recorded during the year that wait for next year's assessment."""
    org = await visible_organization(session, principal, org_id, Cap.dues_read)
    policy = await dues_policy(session, org, date(year, 1, 1))
    rows = (
        await session.execute(
            roster_query(org, principal, year).order_by(
                Organization.path, pinyin(Member.name), Member.id
            )
        )
    ).all()
    january = month_index(year, 1)
    facts = await ledger.load_facts(
        session, [(r.id, r.joined_on, True) for r in rows], january, january
    )
    lines, total, without = [], ZERO, 0
    for r in rows:
        f = facts[r.id]
        basis = ledger.year_basis(f.bases, month_index(year, 12))
        later = [
            b
            for b in f.bases
            if basis is not None
            and b.effective_from > basis.effective_from
            and b.effective_from.year == year
        ]
        if basis is None:
            without += 1
        else:
            total += basis.monthly_amount
        lines.append(
            AssessmentLine(
                member_id=r.id,
                name=r.name,
                organization_name=r.org_name,
                category_label=rules.DUES_CATEGORY_LABELS[basis.category] if basis else None,
                monthly_amount=None if basis is None else ledger.money(basis.monthly_amount),
                pending_change=ledger.money(later[-1].monthly_amount) if later else None,
            )
        )
    done = await session.scalar(
        select(DuesAssessment).where(
            DuesAssessment.organization_id == org.id, DuesAssessment.year == year
        )
    )
    return AssessmentRead(
        organization_id=org.id,
        year=year,
        mode=policy.mode,
        mode_label=policy.mode_label,
        lines=lines,
        members=len(lines) - without,
        without_basis=without,
        monthly_total=ledger.money(total),
        confirmed_by=done.confirmed_by if done else None,
        confirmed_at=done.confirmed_at if done else None,
        can_confirm=done is None
        and policy.mode == ledger.ANNUAL
        and principal.can(Cap.dues_manage, org.path),
    )


async def confirm_assessment(
    session: AsyncSession, principal: Principal, body: AssessmentConfirm, today: date
) -> AssessmentRead:
    org = await visible_organization(session, principal, body.organization_id, Cap.dues_read)
    if not principal.can(Cap.dues_manage, org.path):
        raise Forbidden()
    current = await assessment(session, principal, org.id, body.year, today)
    if current.mode != ledger.ANNUAL:
        raise Unprocessable("本组织党费按月计算，无需年初核定", code="dues_assessment")
    if current.confirmed_at is not None:
        raise Conflict(f"{body.year} 年已核定", code="dues_assessment")
    session.add(
        DuesAssessment(
            organization_id=org.id,
            year=body.year,
            members=current.members,
            monthly_total=Decimal(current.monthly_total),
            confirmed_by=principal.label,
        )
    )
    try:
        await session.flush()
    except IntegrityError:
        # confirmed meanwhile by a concurrent request: (organisation, year) is unique
        raise Conflict(f"{body.year} 年已核定", code="dues_assessment") from None
    await audit.record(
        session,
        actor=principal,
        action="dues.assessment",
        entity="organization",
        entity_id=org.id,
        organization_path=org.path,
        after={
            "year": body.year,
            "members": current.members,
            "monthly_total": current.monthly_total,
        },
    )
    return await assessment(session, principal, org.id, body.year, today)
