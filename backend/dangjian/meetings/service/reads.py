"""Reading meetings: the list, one meeting with its attendees, agenda, minutes (confidentiality)
and resolutions.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core import clock
from dangjian.meetings import rules
from dangjian.meetings.schemas import (
    AgendaRead,
    AttachmentRead,
    AttendeeRead,
    MeetingListItem,
    MeetingRead,
    MinutesRead,
    ResolutionRead,
)
from dangjian.meetings.service.common import _attendees, _load, _scoped, can_manage, quorum, record
from dangjian.models import (
    AgendaItem,
    Meeting,
    MeetingAttachment,
    MeetingAttendee,
    Organization,
    Resolution,
)
from dangjian.models.enums import (
    Attendance,
    FollowUp,
    MeetingStatus,
    MeetingType,
)


async def _changed(
    session: AsyncSession,
    principal: Principal,
    action: str,
    meeting: Meeting,
    org: Organization,
    **kw: Any,
) -> MeetingRead:
    """Flush a change, audit it and answer the meeting as it now is."""
    await session.flush()
    await record(session, principal, action, meeting, org, **kw)
    return await meeting_read(session, principal, meeting, org)


# ---------------------------------------------------------------- reads


async def list_meetings(
    session: AsyncSession,
    principal: Principal,
    *,
    org_id: int | None,
    start: datetime | None,
    end: datetime | None,
    mtype: MeetingType | None,
    status: MeetingStatus | None,
) -> list[MeetingListItem]:
    stmt = _scoped(principal)
    if org_id is not None:
        org = await visible_organization(session, principal, org_id, Cap.meeting_read)
        stmt = stmt.where(subtree(Organization.path, org))
    if start is not None:
        stmt = stmt.where(Meeting.starts_at >= start)
    if end is not None:
        stmt = stmt.where(Meeting.starts_at < end)
    if mtype is not None:
        stmt = stmt.where(Meeting.type == mtype)
    if status is not None:
        stmt = stmt.where(Meeting.status == status)
    rows = await session.execute(stmt.order_by(Meeting.starts_at, Meeting.id).limit(500))
    return [_list_item(m, o) for m, o in rows.all()]


def _list_item(m: Meeting, org: Organization) -> MeetingListItem:
    return MeetingListItem(
        id=m.id,
        organization_id=org.id,
        organization_name=org.name,
        type=m.type,
        title=m.title,
        starts_at=m.starts_at,
        ends_at=m.ends_at,
        place=m.place,
        status=m.status,
        notice_short=m.notice_short,
        confidential=m.confidential,
    )


def _attendee_read(a: MeetingAttendee) -> AttendeeRead:
    return AttendeeRead.model_validate(a)


def _attendee_of(principal: Principal, attendees: list[MeetingAttendee]) -> MeetingAttendee | None:
    user_id = principal.user.id if principal.user else None
    member_id = principal.member.id if principal.member else None
    for a in attendees:
        if (user_id is not None and a.user_id == user_id) or (
            member_id is not None and a.member_id == member_id
        ):
            return a
    return None


def may_see_minutes(
    principal: Principal, meeting: Meeting, org: Organization, mine: MeetingAttendee | None
) -> bool:
    """R: MTG-08 / ROLES.md rule 4 — confidential minutes: those present, the committee
    (minutes.confidential) and street staff; others get nothing (404 on the minutes)."""
    if not meeting.confidential:
        return mine is not None or principal.can(Cap.meeting_read, org.path)
    if mine is not None and mine.attendance in (Attendance.present, Attendance.sitting_in):
        return True  # those who were in the room, guests who sat in included
    return principal.can(Cap.minutes_confidential, org.path)


async def _attachments(
    session: AsyncSession, meeting_id: int, purpose: str | None = None
) -> list[AttachmentRead]:
    stmt = select(MeetingAttachment).where(MeetingAttachment.meeting_id == meeting_id)
    if purpose is not None:
        stmt = stmt.where(MeetingAttachment.purpose == purpose)
    rows = await session.scalars(stmt.order_by(MeetingAttachment.id))
    return [AttachmentRead.model_validate(r) for r in rows]


async def _minutes(session: AsyncSession, meeting: Meeting) -> MinutesRead:
    return MinutesRead(
        minutes=meeting.minutes,
        decisions_announced=meeting.decisions_announced,
        confidential=meeting.confidential,
        approved_at=meeting.minutes_approved_at,
        approved_by=meeting.minutes_approved_by,
        attachments=await _attachments(session, meeting.id, "minutes"),
    )


async def _agenda(session: AsyncSession, meeting_id: int) -> list[AgendaRead]:
    rows = await session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    return [AgendaRead.model_validate(r) for r in rows]


def resolution_read(r: Resolution, today: date) -> ResolutionRead:
    outcome = (
        rules.decide(
            r.rule,
            expected=r.expected,
            present=r.present,
            tally=rules.Tally(r.yes, r.no, r.abstain, r.invalid),
            written_opinions=r.written_opinions,
        )
        if not r.emergency
        else None
    )
    read = ResolutionRead.model_validate(r)
    overdue = (
        r.passed
        and r.due_on is not None
        and r.due_on < today
        and r.follow_up in (FollowUp.open, FollowUp.in_progress, None)
    )
    message = outcome.message if outcome else "紧急情况下作出的决定，须向下次委员会会议报告"
    return read.model_copy(
        update={"message": message, "voted_count": len(r.voted or []), "overdue": overdue}
    )


async def _resolutions(session: AsyncSession, meeting_id: int, today: date) -> list[ResolutionRead]:
    rows = await session.scalars(
        select(Resolution).where(Resolution.meeting_id == meeting_id).order_by(Resolution.id)
    )
    return [resolution_read(r, today) for r in rows]


async def meeting_read(
    session: AsyncSession, principal: Principal, meeting: Meeting, org: Organization
) -> MeetingRead:
    attendees = await _attendees(session, meeting.id)
    mine = _attendee_of(principal, attendees)
    visible = may_see_minutes(principal, meeting, org, mine)
    return MeetingRead(
        **_list_item(meeting, org).model_dump(),
        host=meeting.host,
        recorder=meeting.recorder,
        materials=meeting.materials,
        notified_at=meeting.notified_at,
        notice_days_required=meeting.notice_days_required,
        cancel_reason=meeting.cancel_reason,
        held_at=meeting.held_at,
        emergency=meeting.emergency,
        emergency_reason=meeting.emergency_reason,
        version=meeting.version,
        quorum=quorum(meeting, attendees),
        attendees=[_attendee_read(a) for a in attendees],
        agenda=await _agenda(session, meeting.id),
        resolutions=await _resolutions(session, meeting.id, clock.today()),
        materials_attachments=await _attachments(session, meeting.id, "material"),
        minutes=await _minutes(session, meeting) if visible else None,
        minutes_hidden=not visible,
        can_manage=can_manage(principal, meeting.type, org.path),
        can_decide_agenda=principal.can(Cap.meeting_agenda, org.path),
        to_deliver=[a.name for a in attendees if a.elderly and a.user_id is None],
    )


async def get_meeting(session: AsyncSession, principal: Principal, meeting_id: int) -> MeetingRead:
    meeting, org = await _load(session, principal, meeting_id)
    return await meeting_read(session, principal, meeting, org)
