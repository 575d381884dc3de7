"""/audit — reading the audit trail (书记, 纪检委员, street staff: ROLES.md) and its security events
(纪检委员, street staff)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit.exports import export_book
from dangjian.audit.labels import action_label, entity_label
from dangjian.audit.service import security_action_clause
from dangjian.authz.capabilities import Cap, is_root_path
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core import clock
from dangjian.core.errors import PROBLEM_RESPONSES, Unprocessable
from dangjian.core.exports import XLSX, export_heading, xlsx_response
from dangjian.core.pagination import paginate
from dangjian.core.routing import TransactionalRoute
from dangjian.core.schemas import OutputModel, Page, PageDep, PageParams
from dangjian.deps import NowDep, PrincipalDep, SessionDep
from dangjian.models import AuditLog, Organization

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


async def _audit_trail(
    session: AsyncSession, principal: Principal, organization_id: int | None
) -> tuple[Select[AuditLog], Organization | None]:
    """The audit rows the caller reads, within one organisation's subtree when one is given."""
    stmt = select(AuditLog).where(principal.readable(AuditLog.organization_path, Cap.audit_read))
    if organization_id is None:
        return stmt, None
    org = await visible_organization(session, principal, organization_id, Cap.audit_read)
    return stmt.where(subtree(AuditLog.organization_path, org)), org


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
    stmt, _ = await _audit_trail(session, principal, organization_id)
    return await _page(session, _filtered(stmt, action, person, date_from, date_to), page)


# An export larger than this is refused: the filters (a shorter date range) narrow it.
MAX_EXPORT_ROWS = 20_000
EXPORT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 8),
    ("时间", 18),
    ("操作者", 14),
    ("操作", 22),
    ("操作代码", 24),
    ("对象", 14),
    ("对象编号", 10),
    ("党组织", 24),
    ("来源地址", 16),
    ("修改前", 40),
    ("修改后", 40),
)
EXPORT_WRAPPED = {"修改前", "修改后"}


def _json(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@router.get("/export", responses={200: {"content": {XLSX: {}}}}, response_class=Response)
async def export_audit(
    session: SessionDep,
    principal: PrincipalDep,
    now: NowDep,
    organization_id: int | None = None,
    action: ActionQ = None,
    person: PersonQ = None,
    date_from: FromQ = None,
    date_to: ToQ = None,
) -> Response:
    """导出审计日志（.xlsx；筛选条件同列表，按时间倒序，最多 20000 条；导出本身记入审计日志）。"""
    stmt, org = await _audit_trail(session, principal, organization_id)
    stmt = _filtered(stmt, action, person, date_from, date_to)
    logs = (
        await session.scalars(stmt.order_by(AuditLog.seq.desc()).limit(MAX_EXPORT_ROWS + 1))
    ).all()
    if len(logs) > MAX_EXPORT_ROWS:
        raise Unprocessable(
            f"符合条件的审计记录超过 {MAX_EXPORT_ROWS} 条，请缩小日期范围或增加筛选条件后再导出",
            code="export_too_large",
        )
    org_ids = {i for r in logs if (i := _last_id(r.organization_path)) is not None}
    names: dict[int, str] = {}
    if org_ids:
        found = await session.execute(
            select(Organization.id, Organization.name).where(Organization.id.in_(sorted(org_ids)))
        )
        names = {org_pk: name for org_pk, name in found.all()}
    rows = [
        [
            r.seq,
            f"{clock.local(r.at):%Y-%m-%d %H:%M:%S}",
            r.actor_label,
            action_label(r.action) or r.action,
            r.action,
            entity_label(r.entity),
            r.entity_id or "",
            names.get(_last_id(r.organization_path) or 0, ""),
            r.ip or "",
            _json(r.before),
            _json(r.after),
        ]
        for r in logs
    ]
    filters = {
        "organization_id": organization_id,
        "action": action,
        "person": (person or "").strip() or None,
        "date_from": date_from,
        "date_to": date_to,
    }
    shown = "；".join(
        f"{label}：{value}"
        for label, value in (
            ("党组织", org.name if org else None),
            ("操作", (action_label(action) or action) if action else None),
            ("操作者", filters["person"]),
            ("起始日期", date_from),
            ("截止日期", date_to),
        )
        if value
    )
    heading = export_heading("审计日志", shown or "全部", by=principal.label, at=now)
    read_paths = principal.paths_with(Cap.audit_read)
    content = await export_book(
        session,
        principal,
        rows,
        title="审计日志",
        heading=heading,
        columns=EXPORT_COLUMNS,
        wrapped=EXPORT_WRAPPED,
        action="audit.export",
        entity="audit_log",
        entity_id=org.id if org else None,
        organization_path=org.path if org else min(read_paths, key=len, default=None),
        after={"rows": len(rows), "filters": {k: v for k, v in filters.items() if v}},
    )
    stamp = f"{clock.local(now):%Y%m%d}"
    return xlsx_response(content, f"审计日志_{stamp}.xlsx", fallback="audit.xlsx")


def _last_id(path: str | None) -> int | None:
    """The organisation a materialised path ("/1/2/") ends at."""
    parts = [p for p in (path or "").split("/") if p]
    return int(parts[-1]) if parts and parts[-1].isdigit() else None


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
