"""Follow-up of resolutions (MTG-10)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from dangjian.meetings.schemas import (
    FollowUpUpdate,
    ResolutionRead,
)
from dangjian.meetings.service.common import _load, _plain, can_manage
from dangjian.meetings.service.reads import resolution_read
from dangjian.models import (
    Meeting,
    Organization,
    Resolution,
    User,
)
from dangjian.models.enums import (
    FollowUp,
)

# ---------------------------------------------------------------- follow-up (MTG-10)


async def list_resolutions(
    session: AsyncSession,
    principal: Principal,
    *,
    org_id: int | None,
    follow_up: FollowUp | None,
    overdue: bool,
    mine: bool,
    today: date,
) -> list[ResolutionRead]:
    stmt = (
        select(Resolution)
        .join(Organization, Organization.id == Resolution.organization_id)
        .where(Resolution.passed.is_(True))
    )
    if mine:
        if principal.user is None:
            return []
        stmt = stmt.where(Resolution.owner_user_id == principal.user.id)
    else:
        stmt = stmt.where(principal.readable(Organization.path, Cap.meeting_read))
    if org_id is not None:
        org = await visible_organization(session, principal, org_id, Cap.meeting_read)
        stmt = stmt.where(subtree(Organization.path, org))
    if follow_up is not None:
        stmt = stmt.where(Resolution.follow_up == follow_up)
    if overdue:
        stmt = stmt.where(
            Resolution.due_on < today,
            Resolution.follow_up.in_((FollowUp.open, FollowUp.in_progress)),
        )
    rows = await session.scalars(stmt.order_by(Resolution.due_on, Resolution.id).limit(500))
    return [resolution_read(r, today) for r in rows]


async def update_follow_up(
    session: AsyncSession,
    principal: Principal,
    resolution_id: int,
    body: FollowUpUpdate,
    today: date,
) -> ResolutionRead:
    row = (
        await session.execute(
            select(Resolution, Organization)
            .join(Organization, Organization.id == Resolution.organization_id)
            .where(
                Resolution.id == resolution_id,
                principal.readable(Organization.path, Cap.meeting_read),
            )
        )
    ).first()
    if row is None:
        raise NotFound()
    r, org = row[0], row[1]
    meeting = await session.get(Meeting, r.meeting_id)
    assert meeting is not None
    owner = principal.user is not None and r.owner_user_id == principal.user.id
    if not (can_manage(principal, meeting.type, org.path) or owner):
        raise Forbidden()
    if not r.passed:
        raise Conflict("未通过的表决事项无须落实", code="not_passed")
    changes = body.model_dump(exclude_unset=True)
    if changes.get("follow_up") is FollowUp.verified and not changes.get(
        "verified_meeting_id", r.verified_meeting_id
    ):
        raise Unprocessable("核实落实情况须注明在哪次会议上核实", code="verified_meeting")
    if (vm := changes.get("verified_meeting_id")) is not None:
        await _load(session, principal, vm)
    if (uid := changes.get("owner_user_id")) is not None:
        user = await session.get(User, uid)
        if user is None:
            raise NotFound("找不到责任人账号")
    before = {k: getattr(r, k) for k in changes}
    for key, value in changes.items():
        setattr(r, key, value)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="resolution.follow_up",
        entity="resolution",
        entity_id=r.id,
        organization_path=org.path,
        before=_plain({k: v.isoformat() if isinstance(v, date) else v for k, v in before.items()}),
        after=_plain({k: v.isoformat() if isinstance(v, date) else v for k, v in changes.items()}),
    )
    return resolution_read(r, today)
