"""Dues bases per member, dated and never rewritten (DUES-01)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core.calendar import index_of, month_start, parse_month
from dangjian.core.errors import Forbidden, NotFound, Unprocessable
from dangjian.dues import rules
from dangjian.dues.ledger import basis_in_force
from dangjian.dues.schemas import DuesBasisCreate, DuesBasisList, DuesBasisRead, DuesPolicyRead
from dangjian.models import DuesBasis, Member, Organization
from dangjian.organizations.rules import add_years
from dangjian.policies.params import PARAMS
from dangjian.policies.service import resolve, resolve_many

DUES_KEYS = (
    "dues.mode",
    "dues.deductions",
    "dues.farmer_range",
    "dues.reminder_months",
    "dues.lapse_months",
)

# How far ahead a basis may be entered (a known raise next month, not next decade).
MONTHS_AHEAD = 12


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


async def dues_member(
    session: AsyncSession, principal: Principal, member_id: int
) -> tuple[Member, str]:
    """The member for callers who may read dues there, or the member themself (404 otherwise)."""
    if principal.member is not None and principal.member.id == member_id:
        org = await session.get(Organization, principal.member.organization_id)
        assert org is not None
        return principal.member, org.path
    row = (
        await session.execute(
            select(Member, Organization.path)
            .join(Organization, Organization.id == Member.organization_id)
            .where(
                Member.id == member_id,
                principal.readable(Organization.path, Cap.dues_read),
            )
        )
    ).first()
    if row is None:
        raise NotFound()
    return row[0], row[1]


def _read(b: DuesBasis, show_basis: bool) -> DuesBasisRead:
    bracket = (
        rules.bracket_for(b.category, b.basis).label
        if b.basis is not None and b.rate is not None
        else "固定金额"
    )
    return DuesBasisRead(
        id=b.id,
        category=b.category,
        category_label=rules.DUES_CATEGORY_LABELS[b.category],
        basis=_money(b.basis) if show_basis else None,
        fixed_amount=_money(b.fixed_amount),
        rate=_money(b.rate.normalize()) if b.rate is not None else None,
        monthly_amount=format(b.monthly_amount, "f"),
        bracket=bracket,
        effective_from=b.effective_from,
        note=b.note,
        recorded_by=b.recorded_by,
        created_at=b.created_at,
    )


async def dues_policy(session: AsyncSession, org: Organization, on: date) -> DuesPolicyRead:
    """The dues parameters in force for an organisation (policies: DUES-01/02/08)."""
    return (await dues_policies(session, [org], on))[org.id]


async def dues_policies(
    session: AsyncSession, orgs: Iterable[Organization], on: date
) -> dict[int, DuesPolicyRead]:
    """`dues_policy` for many organisations at once (organisation id → policy) — one query."""
    resolved = await resolve_many(session, orgs, on, list(DUES_KEYS))
    return {
        org_id: _policy_read({k: r.value for k, r in by_key.items()})
        for org_id, by_key in resolved.items()
    }


def _policy_read(values: dict[str, Any]) -> DuesPolicyRead:
    mode = PARAMS["dues.mode"]
    deductions = PARAMS["dues.deductions"].options or {}
    low, high = values["dues.farmer_range"]
    return DuesPolicyRead(
        mode=values["dues.mode"],
        mode_label=(mode.options or {}).get(values["dues.mode"], values["dues.mode"]),
        deductions=[deductions[d] for d in values["dues.deductions"] if d in deductions],
        deduction_keys=[d for d in values["dues.deductions"] if d in deductions],
        farmer_min=low,
        farmer_max=high,
        reminder_months=values["dues.reminder_months"],
        lapse_months=values["dues.lapse_months"],
    )


DEDUCTION_LABELS: dict[str, str] = dict(PARAMS["dues.deductions"].options or {})


async def counted_deductions(
    session: AsyncSession, principal: Principal, org_id: int | None, on: date
) -> dict[str, str]:
    """R: DUES-01 — the deductions (key → label) counted toward "after tax" under the policy of
    `org_id` (visible to the caller), or the platform default without an organisation."""
    param = PARAMS["dues.deductions"]
    labels = DEDUCTION_LABELS
    if org_id is None:
        keys = param.default
    else:
        member = principal.member
        if member is not None and member.organization_id == org_id:
            # A member may calculate by the policy of their own organisation (the calculator is
            # for every user; the same policy is shown on their own 党费 tab).
            org = await session.get(Organization, org_id)
            if org is None:
                raise NotFound()
        else:
            org = await visible_organization(session, principal, org_id, Cap.dues_read)
        keys = (await resolve(session, org, on, ["dues.deductions"]))["dues.deductions"].value
    return {k: labels[k] for k in keys if k in labels}


def rules_policy(policy: DuesPolicyRead) -> rules.DuesPolicy:
    return rules.DuesPolicy(
        farmer_min=Decimal(policy.farmer_min), farmer_max=Decimal(policy.farmer_max)
    )


async def list_bases(
    session: AsyncSession, principal: Principal, member_id: int, today: date
) -> DuesBasisList:
    member, path = await dues_member(session, principal, member_id)
    own = principal.member is not None and principal.member.id == member.id
    # Income is personal data: the full-data capability (ROLES.md) or the member themself.
    show = own or principal.can(Cap.roster_full, path)
    bases = list(
        await session.scalars(
            select(DuesBasis)
            .where(DuesBasis.member_id == member.id)
            .order_by(DuesBasis.effective_from.desc(), DuesBasis.id.desc())
        )
    )
    current = basis_in_force(bases, index_of(today))
    org = await session.get(Organization, member.organization_id)
    assert org is not None
    return DuesBasisList(
        member_id=member.id,
        member_name=member.name,
        current=_read(current, show) if current else None,
        history=[_read(b, show) for b in bases],
        basis_visible=show,
        can_edit=principal.can(Cap.dues_manage, path),
        policy=await dues_policy(session, org, today),
    )


async def _link(session: AsyncSession, member_id: int, row: DuesBasis) -> None:
    """Keep `effective_to` (the derived end of each row's range): the new row ends where the
    next later-dated row starts; the row in force at its start now ends there."""
    bases = list(
        await session.scalars(
            select(DuesBasis)
            .where(DuesBasis.member_id == member_id)
            .order_by(DuesBasis.effective_from, DuesBasis.id)
            .with_for_update()
        )
    )
    before = [b for b in bases if b.effective_from <= row.effective_from]
    after = [b for b in bases if b.effective_from > row.effective_from]
    row.effective_to = after[0].effective_from if after else None
    if before:
        before[-1].effective_to = row.effective_from


async def add_basis(
    session: AsyncSession,
    principal: Principal,
    member_id: int,
    body: DuesBasisCreate,
    today: date,
) -> DuesBasisList:
    member, path = await dues_member(session, principal, member_id)
    if not principal.can(Cap.dues_manage, path):
        raise Forbidden()
    start = month_start(parse_month(body.effective_month))
    if start > add_years(today.replace(day=1), 1):
        raise Unprocessable(f"起算月份不能晚于 {MONTHS_AHEAD} 个月以后", code="dues_month")
    if member.joined_on is not None and start < member.joined_on.replace(day=1):
        # R: DUES-04 — dues start with the admission by the branch assembly
        raise Unprocessable("起算月份不能早于入党（支部大会接收）的月份", code="dues_month")
    basis = None if body.basis is None else Decimal(body.basis)
    fixed = None if body.fixed_amount is None else Decimal(body.fixed_amount)
    try:
        org = await session.get(Organization, member.organization_id)
        assert org is not None
        policy = rules_policy(await dues_policy(session, org, today))
        amount = rules.monthly_dues(body.category, basis, fixed_amount=fixed, policy=policy)
    except ValueError as exc:
        raise Unprocessable(str(exc), code="dues_input") from None
    row = DuesBasis(
        member_id=member.id,
        category=body.category,
        basis=basis,
        fixed_amount=fixed,
        rate=amount.rate,
        monthly_amount=amount.monthly_amount,
        effective_from=start,
        note=body.note,
        recorded_by=principal.label,
    )
    await _link(session, member.id, row)
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="dues.basis",
        entity="member",
        entity_id=member.id,
        organization_path=path,
        after={
            "category": body.category.value,
            "basis": body.basis,
            "fixed_amount": body.fixed_amount,
            "monthly_amount": format(amount.monthly_amount, "f"),
            "effective_from": start.isoformat(),
        },
    )
    return await list_bases(session, principal, member.id, today)
