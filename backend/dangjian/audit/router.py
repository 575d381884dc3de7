"""/audit — reading the audit trail (书记, 纪检委员, street staff: ROLES.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select

from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import scope_clause
from dangjian.authz.service import visible_organization
from dangjian.core.errors import PROBLEM_RESPONSES
from dangjian.core.routing import TransactionalRoute
from dangjian.core.schemas import OutputModel, Page, PageDep
from dangjian.deps import PrincipalDep, SessionDep
from dangjian.models import AuditLog

router = APIRouter(
    prefix="/audit", tags=["audit"], route_class=TransactionalRoute, responses=PROBLEM_RESPONSES
)


class AuditRead(OutputModel):
    id: int
    seq: int
    at: datetime
    actor: str
    actor_kind: str
    action: str
    entity: str
    entity_id: str | None
    organization_path: str | None
    ip: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def audit_read(row: AuditLog) -> AuditRead:
    return AuditRead(
        id=row.id,
        seq=row.seq,
        at=row.at,
        actor=row.actor_label,
        actor_kind=row.actor_kind,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        organization_path=row.organization_path,
        ip=row.ip,
        before=row.before,
        after=row.after,
    )


@router.get("", response_model=Page[AuditRead])
async def list_audit(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    organization_id: int | None = None,
    action: str | None = None,
) -> Page[AuditRead]:
    """审计日志（本人可查阅范围内，按时间倒序）。"""
    stmt = select(AuditLog).where(
        scope_clause(principal, Cap.audit_read, AuditLog.organization_path)
    )
    if organization_id is not None:
        org = await visible_organization(session, principal, organization_id, Cap.audit_read)
        stmt = stmt.where(AuditLog.organization_path.startswith(org.path, autoescape=True))
    if action:
        stmt = stmt.where(AuditLog.action == action)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = (
        await session.scalars(
            stmt.order_by(AuditLog.seq.desc()).offset(page.offset).limit(page.size)
        )
    ).all()
    return Page(items=[audit_read(r) for r in rows], total=total, page=page.page, size=page.size)
