"""Reductions and exemptions (DUES-03): an application with reason and period, the branch's
decision, the next-higher committee's approval; only then does the ledger change, for those
months only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core.calendar import index_of, month_label, month_start, parse_month
from dangjian.core.db import utcnow
from dangjian.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from dangjian.dues import ledger
from dangjian.dues.enums import EXEMPTION_KIND_LABELS, EXEMPTION_STATUS_LABELS
from dangjian.dues.schemas import ExemptionCreate, ExemptionDecision, ExemptionRead
from dangjian.dues.service import dues_member
from dangjian.models import DuesExemption, Member, Organization
from dangjian.models.enums import ExemptionKind, ExemptionStatus, OrgKind

# An exemption covers at most this many months; a longer hardship is applied for again.
MAX_MONTHS = 24


async def deciding_branch(session: AsyncSession, org: Organization) -> Organization:
    """The branch that decides for a member: the member's organisation, or for a Party group
    (党小组 — not an organisation that decides) the organisation above it."""
    if org.kind is OrgKind.group and org.parent_id is not None:
        parent = await session.get(Organization, org.parent_id)
        if parent is not None:
            return parent
    return org


def actor_key(principal: Principal) -> str:
    """Who acted, by account rather than by name (a display name can change)."""
    return f"{principal.actor_kind}:{principal.actor_id}"


def can_approve(principal: Principal, branch: Organization) -> bool:
    """R: DUES-03 — approval by the next-higher committee: a grant strictly above the branch."""
    return principal.can_below(Cap.dues_exempt_approve, branch.path)


async def _read(
    session: AsyncSession, principal: Principal, e: DuesExemption, member: Member, org: Organization
) -> ExemptionRead:
    branch = await deciding_branch(session, org)
    return ExemptionRead(
        id=e.id,
        member_id=member.id,
        member_name=member.name,
        organization_name=org.name,
        kind=e.kind,
        kind_label=EXEMPTION_KIND_LABELS[e.kind],
        monthly_amount=None if e.monthly_amount is None else ledger.money(e.monthly_amount),
        first_month=month_label(index_of(e.first_month)),
        last_month=month_label(index_of(e.last_month)),
        reason=e.reason,
        status=e.status,
        status_label=EXEMPTION_STATUS_LABELS[e.status],
        applied_by=e.applied_by,
        applied_at=e.applied_at,
        branch_decided_by=e.branch_decided_by,
        branch_decided_at=e.branch_decided_at,
        branch_note=e.branch_note,
        approved_by=e.approved_by,
        approved_at=e.approved_at,
        approval_note=e.approval_note,
        can_decide=e.status is ExemptionStatus.proposed
        and principal.can(Cap.dues_exempt_decide, branch.path),
        can_approve=e.status is ExemptionStatus.branch_approved
        and can_approve(principal, branch)
        and e.branch_decider != actor_key(principal),
    )


async def apply(
    session: AsyncSession, principal: Principal, body: ExemptionCreate, today: date
) -> ExemptionRead:
    """An application — by the member themself or by branch staff on the member's behalf."""
    member, path = await dues_member(session, principal, body.member_id)
    own = principal.member is not None and principal.member.id == member.id
    if not own and not principal.can(Cap.dues_manage, path):
        raise Forbidden()
    first, last = parse_month(body.first_month), parse_month(body.last_month)
    if last < first:
        raise Unprocessable("截止月份不能早于起始月份", code="dues_exemption")
    if last - first + 1 > MAX_MONTHS:
        raise Unprocessable(f"一次申请至多 {MAX_MONTHS} 个月", code="dues_exemption")
    if body.kind is ExemptionKind.reduce:
        if body.monthly_amount is None or Decimal(body.monthly_amount) <= 0:
            raise Unprocessable("少交须填写每月交纳额（大于 0）", code="dues_exemption")
    elif body.monthly_amount is not None:
        raise Unprocessable("免交不填写金额", code="dues_exemption")
    overlapping = await session.scalar(
        select(DuesExemption.id).where(
            DuesExemption.member_id == member.id,
            DuesExemption.status != ExemptionStatus.rejected,
            DuesExemption.first_month <= month_start(last),
            DuesExemption.last_month >= month_start(first),
        )
    )
    if overlapping is not None:
        raise Conflict("该期间已有减免申请或批准", code="dues_exemption_overlap")
    e = DuesExemption(
        member_id=member.id,
        kind=body.kind,
        monthly_amount=None if body.monthly_amount is None else Decimal(body.monthly_amount),
        first_month=month_start(first),
        last_month=month_start(last),
        reason=body.reason,
        status=ExemptionStatus.proposed,
        applied_by=principal.label,
    )
    session.add(e)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="dues.exemption.apply",
        entity="dues_exemption",
        entity_id=e.id,
        organization_path=path,
        after={
            "member_id": member.id,
            "kind": body.kind.value,
            "monthly_amount": body.monthly_amount,
            "first_month": body.first_month,
            "last_month": body.last_month,
            "reason": body.reason,
        },
    )
    org = await session.get(Organization, member.organization_id)
    assert org is not None
    return await _read(session, principal, e, member, org)


async def _load(
    session: AsyncSession, principal: Principal, exemption_id: int
) -> tuple[DuesExemption, Member, Organization]:
    row = (
        await session.execute(
            select(DuesExemption, Member, Organization)
            .join(Member, Member.id == DuesExemption.member_id)
            .join(Organization, Organization.id == Member.organization_id)
            .where(DuesExemption.id == exemption_id, _visible(principal))
        )
    ).first()
    if row is None:
        raise NotFound()
    return row[0], row[1], row[2]


def _visible(principal: Principal) -> ColumnElement[bool]:
    """Applications the caller may see: in its dues subtree, its own, or awaiting approval from
    a committee above (the approver sees the subtree through its approval grant)."""
    clauses = [
        principal.readable(Organization.path, Cap.dues_read),
        principal.readable(Organization.path, Cap.dues_exempt_approve),
    ]
    if principal.member is not None:
        clauses.append(Member.id == principal.member.id)
    return or_(*clauses)


async def _move(
    session: AsyncSession,
    e: DuesExemption,
    expected: ExemptionStatus,
    conflict: str,
    **values: object,
) -> None:
    """Move the application on from `expected` — once, even against a concurrent request."""
    done = await session.scalar(
        update(DuesExemption)
        .where(DuesExemption.id == e.id, DuesExemption.status == expected)
        .values(**values)
        .returning(DuesExemption.id)
        .execution_options(synchronize_session=False)
    )
    if done is None:
        raise Conflict(conflict, code="dues_exemption_state")
    await session.refresh(e)


async def decide(
    session: AsyncSession, principal: Principal, exemption_id: int, body: ExemptionDecision
) -> ExemptionRead:
    """R: DUES-03 — the branch's decision (书记)."""
    e, member, org = await _load(session, principal, exemption_id)
    branch = await deciding_branch(session, org)
    if not principal.can(Cap.dues_exempt_decide, branch.path):
        raise Forbidden("减免党费由党支部研究决定", code="forbidden")
    if e.status is not ExemptionStatus.proposed:
        raise Conflict("该申请已作出支部决定", code="dues_exemption_state")
    await _move(
        session,
        e,
        ExemptionStatus.proposed,
        "该申请已作出支部决定",
        status=ExemptionStatus.branch_approved if body.approve else ExemptionStatus.rejected,
        branch_decided_by=principal.label,
        branch_decider=actor_key(principal),
        branch_decided_at=utcnow(),
        branch_note=body.note,
    )
    await audit.record(
        session,
        actor=principal,
        action="dues.exemption.decide",
        entity="dues_exemption",
        entity_id=e.id,
        organization_path=org.path,
        after={"approve": body.approve, "note": body.note},
    )
    return await _read(session, principal, e, member, org)


async def approve(
    session: AsyncSession, principal: Principal, exemption_id: int, body: ExemptionDecision
) -> ExemptionRead:
    """R: DUES-03 — the next-higher committee's approval; a different person from the decider."""
    e, member, org = await _load(session, principal, exemption_id)
    branch = await deciding_branch(session, org)
    if not can_approve(principal, branch):
        raise Forbidden("减免党费须报上一级党委批准", code="forbidden")
    if e.status is not ExemptionStatus.branch_approved:
        raise Conflict("该申请尚未经支部同意或已处理", code="dues_exemption_state")
    if e.branch_decider == actor_key(principal):
        raise Conflict("作出支部决定的人不能再作上级批准", code="dues_exemption_state")
    await _move(
        session,
        e,
        ExemptionStatus.branch_approved,
        "该申请尚未经支部同意或已处理",
        status=ExemptionStatus.approved if body.approve else ExemptionStatus.rejected,
        approved_by=principal.label,
        approved_at=utcnow(),
        approval_note=body.note,
    )
    await audit.record(
        session,
        actor=principal,
        action="dues.exemption.approve",
        entity="dues_exemption",
        entity_id=e.id,
        organization_path=org.path,
        after={"approve": body.approve, "note": body.note},
    )
    return await _read(session, principal, e, member, org)


async def awaiting(session: AsyncSession, principal: Principal) -> tuple[int, int]:
    """How many applications wait for the caller: (to decide as the branch, to approve as the
    committee above) — by the same tests as `decide` and `approve` (DUES-03)."""
    rows = (
        await session.execute(
            select(DuesExemption, Organization)
            .join(Member, Member.id == DuesExemption.member_id)
            .join(Organization, Organization.id == Member.organization_id)
            .where(
                DuesExemption.status.in_(
                    (ExemptionStatus.proposed, ExemptionStatus.branch_approved)
                ),
                _visible(principal),
            )
        )
    ).all()
    to_decide = to_approve = 0
    for e, org in rows:
        branch = await deciding_branch(session, org)
        if e.status is ExemptionStatus.proposed:
            to_decide += principal.can(Cap.dues_exempt_decide, branch.path)
        elif can_approve(principal, branch) and e.branch_decider != actor_key(principal):
            to_approve += 1
    return to_decide, to_approve


async def list_exemptions(
    session: AsyncSession,
    principal: Principal,
    org_id: int | None,
    status: ExemptionStatus | None,
    member_id: int | None,
) -> list[ExemptionRead]:
    stmt = (
        select(DuesExemption, Member, Organization)
        .join(Member, Member.id == DuesExemption.member_id)
        .join(Organization, Organization.id == Member.organization_id)
        .where(_visible(principal))
    )
    if org_id is not None:
        try:
            org = await visible_organization(session, principal, org_id, Cap.dues_read)
        except NotFound:
            org = await visible_organization(session, principal, org_id, Cap.dues_exempt_approve)
        stmt = stmt.where(subtree(Organization.path, org))
    if status is not None:
        stmt = stmt.where(DuesExemption.status == status)
    if member_id is not None:
        stmt = stmt.where(DuesExemption.member_id == member_id)
    rows = (
        await session.execute(
            stmt.order_by(DuesExemption.applied_at.desc(), DuesExemption.id.desc()).limit(500)
        )
    ).all()
    return [await _read(session, principal, e, m, o) for e, m, o in rows]
