"""/dashboard — the home page (工作台): computed from the records, nothing typed in."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from sqlalchemy import ScalarSelect, func, literal, select, union_all

from dangjian.audit.router import AuditRead, audit_read
from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import subtree
from dangjian.core.errors import PROBLEM_RESPONSES
from dangjian.core.routing import TransactionalRoute, read_only
from dangjian.core.schemas import OutputModel
from dangjian.deps import PrincipalDep, SessionDep, TodayDep
from dangjian.models import AuditLog, MemberCount, Organization, OrganizationTerm
from dangjian.models.enums import MemberKind, MemberStatus, OrgKind
from dangjian.organizations import rules

router = APIRouter(
    prefix="/dashboard",
    tags=["dashboard"],
    route_class=TransactionalRoute,
    responses=PROBLEM_RESPONSES,
)

# Members who count on the roster (MEM-06: the deceased and those who left drop out of counts).
ACTIVE_STATUSES = (
    MemberStatus.normal,
    MemberStatus.suspended,
    MemberStatus.probation,
    MemberStatus.lost_contact,
)


class MemberCounts(OutputModel):
    formal: int = 0
    probationary: int = 0


class DashboardOrganization(OutputModel):
    id: int
    name: str
    kind: OrgKind
    member_counts: MemberCounts


class TermAlert(OutputModel):
    organization_id: int
    organization_name: str
    number: int
    ends_on: date
    status: rules.TermStatus


class ScopeCounts(OutputModel):
    """The caller's whole scope (every organisation it reads, at any depth)."""

    organizations: int
    member_counts: MemberCounts


class DashboardRead(OutputModel):
    scope: ScopeCounts
    organizations: list[DashboardOrganization]
    term_alerts: list[TermAlert]
    recent_audit: list[AuditRead] | None


@router.get("", response_model=DashboardRead)
@read_only
async def dashboard(session: SessionDep, principal: PrincipalDep, today: TodayDep) -> DashboardRead:
    """工作台：管辖范围内的组织数和党员人数、本人任职组织的党员人数、换届提醒、最近操作。"""
    org_ids = [g.organization_id for g in principal.grants]
    orgs = (
        (
            await session.scalars(
                select(Organization).where(Organization.id.in_(org_ids)).order_by(Organization.path)
            )
        ).all()
        if org_ids
        else []
    )
    # The subtree counts of every organisation held, by kind, in one statement however many
    # posts: one grouped sum of the trigger-kept counts per organisation, joined by UNION ALL.
    per_org = [
        select(literal(org.id).label("org_id"), MemberCount.kind, func.sum(MemberCount.members))
        .join(Organization, Organization.id == MemberCount.organization_id)
        .where(subtree(Organization.path, org), MemberCount.status.in_(ACTIVE_STATUSES))
        .group_by(MemberCount.kind)
        for org in orgs
    ]
    counts: dict[tuple[int, MemberKind], int] = {}
    if per_org:
        statement = per_org[0] if len(per_org) == 1 else union_all(*per_org)
        for org_id, kind, n in (await session.execute(statement)).all():
            counts[(org_id, MemberKind(kind))] = int(n or 0)
    result = [
        DashboardOrganization(
            id=org.id,
            name=org.name,
            kind=org.kind,
            member_counts=MemberCounts(
                formal=counts.get((org.id, MemberKind.formal), 0),
                probationary=counts.get((org.id, MemberKind.probationary), 0),
            ),
        )
        for org in orgs
    ]
    # The whole scope in one statement: organisations it reads, and their members by kind.
    readable = principal.readable(Organization.path, Cap.org_read)

    def members(kind: MemberKind) -> ScalarSelect[Any]:
        return (
            select(func.coalesce(func.sum(MemberCount.members), 0))
            .join(Organization, Organization.id == MemberCount.organization_id)
            .where(readable, MemberCount.kind == kind, MemberCount.status.in_(ACTIVE_STATUSES))
            .scalar_subquery()
        )

    in_scope = select(func.count()).select_from(Organization).where(readable).scalar_subquery()
    n_orgs, n_formal, n_probationary = (
        await session.execute(
            select(in_scope, members(MemberKind.formal), members(MemberKind.probationary))
        )
    ).one()
    scope = ScopeCounts(
        organizations=int(n_orgs),
        member_counts=MemberCounts(formal=int(n_formal), probationary=int(n_probationary)),
    )
    latest = (
        select(OrganizationTerm.organization_id, func.max(OrganizationTerm.number).label("n"))
        .group_by(OrganizationTerm.organization_id)
        .subquery()
    )
    terms = (
        await session.execute(
            select(OrganizationTerm, Organization.name)
            .join(
                latest,
                (latest.c.organization_id == OrganizationTerm.organization_id)
                & (latest.c.n == OrganizationTerm.number),
            )
            .join(Organization, Organization.id == OrganizationTerm.organization_id)
            .where(
                principal.readable(Organization.path, Cap.org_read),
                OrganizationTerm.ends_on <= rules.add_months(today, rules.TERM_WARNING_MONTHS),
            )
            .order_by(OrganizationTerm.ends_on)
            .limit(20)
        )
    ).all()
    alerts = [
        TermAlert(
            organization_id=t.organization_id,
            organization_name=name,
            number=t.number,
            ends_on=t.ends_on,
            status=rules.term_status(t.ends_on, today),
        )
        for t, name in terms
    ]
    recent = None
    if principal.can_anywhere(Cap.audit_read):
        rows = (
            await session.scalars(
                select(AuditLog)
                .where(principal.readable(AuditLog.organization_path, Cap.audit_read))
                .order_by(AuditLog.seq.desc())
                .limit(10)
            )
        ).all()
        recent = [audit_read(r) for r in rows]
    return DashboardRead(scope=scope, organizations=result, term_alerts=alerts, recent_audit=recent)
