"""/audit — reading the audit trail (书记, 纪检委员, street staff: ROLES.md) and its security events
(纪检委员, street staff)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit.service import security_action_clause
from dangjian.authz.capabilities import Cap, is_root_path
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core import clock
from dangjian.core.errors import PROBLEM_RESPONSES, Unprocessable
from dangjian.core.pagination import paginate
from dangjian.core.routing import TransactionalRoute
from dangjian.core.schemas import OutputModel, Page, PageDep, PageParams
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
    subject_path: str | None
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
        subject_path=row.subject_path,
        ip=row.ip,
        before=row.before,
        after=row.after,
    )


ActionQ = Annotated[str | None, Query(max_length=64, description="操作，如 member.update")]
PersonQ = Annotated[str | None, Query(max_length=100, description="操作者姓名或用户名（包含）")]
FromQ = Annotated[date | None, Query(description="起始日期（含，北京时间）")]
ToQ = Annotated[date | None, Query(description="截止日期（含，北京时间）")]


def _filtered(
    stmt: Select[AuditLog],
    action: str | None,
    person: str | None,
    date_from: date | None,
    date_to: date | None,
) -> Select[AuditLog]:
    if date_from and date_to and date_from > date_to:
        raise Unprocessable("起始日期不能晚于截止日期", code="date_range_invalid")
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if person and person.strip():
        stmt = stmt.where(AuditLog.actor_label.contains(person.strip(), autoescape=True))
    # Dates in filters are days in the configured zone (China time by default).
    if date_from:
        stmt = stmt.where(AuditLog.at >= clock.local_start(date_from))
    if date_to:
        end = clock.local_start(date_to + timedelta(days=1))
        stmt = stmt.where(AuditLog.at < end)
    return stmt


async def _page(session: AsyncSession, stmt: Select[AuditLog], page: PageParams) -> Page[AuditRead]:
    rows, total = await paginate(session, stmt, order_by=[AuditLog.seq.desc()], page=page)
    return Page(items=[audit_read(r) for r in rows], total=total, page=page.page, size=page.size)


@router.get("", response_model=Page[AuditRead])
async def list_audit(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    organization_id: int | None = None,
    action: ActionQ = None,
    person: PersonQ = None,
    date_from: FromQ = None,
    date_to: ToQ = None,
) -> Page[AuditRead]:
    """审计日志（本人可查阅范围内，按时间倒序）：可按党组织、操作、操作者、日期筛选。"""
    stmt = select(AuditLog).where(principal.readable(AuditLog.organization_path, Cap.audit_read))
    if organization_id is not None:
        org = await visible_organization(session, principal, organization_id, Cap.audit_read)
        stmt = stmt.where(subtree(AuditLog.organization_path, org))
    return await _page(session, _filtered(stmt, action, person, date_from, date_to), page)


def security_scope(principal: Principal) -> ColumnElement[bool]:
    """Which security events the caller reads: those of accounts in a subtree where it holds
    `audit.security`; events of no known account (an unknown user name, an administrator) only
    when it holds `audit.security` over a root organisation (the street)."""
    if Cap.audit_security in principal.global_capabilities:
        return true()
    paths = principal.paths_with(Cap.audit_security)
    if not paths:
        return false()
    in_subtree = principal.readable(AuditLog.subject_path, Cap.audit_security)
    if any(is_root_path(p) for p in paths):  # "/1/": a root organisation
        return or_(in_subtree, AuditLog.subject_path.is_(None))
    return in_subtree


@router.get("/security", response_model=Page[AuditRead])
async def list_security_events(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    organization_id: int | None = None,
    action: ActionQ = None,
    person: PersonQ = None,
    ip: Annotated[str | None, Query(max_length=64, description="来源地址（精确）")] = None,
    date_from: FromQ = None,
    date_to: ToQ = None,
) -> Page[AuditRead]:
    """安全事件：登录失败与锁定、刷新令牌重用、接口令牌、修改密码与动态口令（街道党工委工作人员与街道纪检委员）。"""
    stmt = select(AuditLog).where(security_action_clause(), security_scope(principal))
    if organization_id is not None:
        org = await visible_organization(session, principal, organization_id, Cap.audit_security)
        stmt = stmt.where(subtree(AuditLog.subject_path, org))
    if ip:
        stmt = stmt.where(AuditLog.ip == ip.strip())
    return await _page(session, _filtered(stmt, action, person, date_from, date_to), page)
