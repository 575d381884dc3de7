"""The invitee's side: my meetings, leave requests, check-in, written opinions."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.principal import Principal
from dangjian.core import clock
from dangjian.core.db import utcnow
from dangjian.core.errors import NotFound
from dangjian.meetings.enums import (
    HELD_STATUSES,
)
from dangjian.meetings.schemas import (
    MeetingListItem,
    MyMeetingRead,
)
from dangjian.meetings.service.attendance import check_in_window
from dangjian.meetings.service.common import CHANGEABLE, WrongState, managed, record
from dangjian.meetings.service.lifecycle import visible_to
from dangjian.meetings.service.reads import (
    _agenda,
    _attachments,
    _attendee_read,
    _list_item,
    _minutes,
    _resolutions,
    may_see_minutes,
)
from dangjian.models import (
    Meeting,
    MeetingAttendee,
    Organization,
)
from dangjian.models.enums import (
    AgendaStatus,
    Attendance,
    AttendeeRole,
    LeaveStatus,
    MeetingStatus,
)

# ---------------------------------------------------------------- the invitee's side


def attendee_is_caller(principal: Principal) -> ColumnElement[bool] | None:
    """SQL: the attendee row is the caller's — by account, or by member record (an attendee
    from the roster may have no account link yet); None for a caller who can be neither."""
    conds = []
    if principal.user is not None:
        conds.append(MeetingAttendee.user_id == principal.user.id)
    if principal.member is not None:
        conds.append(MeetingAttendee.member_id == principal.member.id)
    return or_(*conds) if conds else None


async def my_meetings(session: AsyncSession, principal: Principal) -> list[MeetingListItem]:
    mine = attendee_is_caller(principal)
    if mine is None:
        return []
    rows = await session.execute(
        select(Meeting, Organization)
        .join(Organization, Organization.id == Meeting.organization_id)
        .join(MeetingAttendee, MeetingAttendee.meeting_id == Meeting.id)
        .where(mine, Meeting.status != MeetingStatus.draft)
        .distinct()
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(200)
    )
    return [_list_item(m, o) for m, o in rows.all()]


async def _mine(
    session: AsyncSession, principal: Principal, meeting_id: int
) -> tuple[Meeting, Organization, MeetingAttendee]:
    meeting, org, mine = await visible_to(session, principal, meeting_id)
    if mine is None or meeting.status is MeetingStatus.draft:
        raise NotFound()
    return meeting, org, mine


async def my_meeting(session: AsyncSession, principal: Principal, meeting_id: int) -> MyMeetingRead:
    meeting, org, mine = await _mine(session, principal, meeting_id)
    visible = meeting.status in HELD_STATUSES and may_see_minutes(principal, meeting, org, mine)
    opens, closes = check_in_window(meeting)
    now = utcnow()
    return MyMeetingRead(
        **_list_item(meeting, org).model_dump(),
        host=meeting.host,
        materials=meeting.materials,
        agenda=[a for a in await _agenda(session, meeting.id) if a.status is AgendaStatus.accepted],
        me=_attendee_read(mine),
        materials_attachments=await _attachments(session, meeting.id, "material"),
        check_in_open=meeting.status in CHANGEABLE and opens <= now <= closes,
        resolutions=await _resolutions(session, meeting.id, clock.today())
        if meeting.status in HELD_STATUSES
        else [],
        minutes=await _minutes(session, meeting) if visible else None,
        minutes_hidden=not visible,
    )


async def request_leave(
    session: AsyncSession, principal: Principal, meeting_id: int, reason: str
) -> MyMeetingRead:
    meeting, org, mine = await _mine(session, principal, meeting_id)
    if meeting.status is not MeetingStatus.notified or utcnow() >= meeting.starts_at:
        raise WrongState("请假须在会议开始前提出", code="leave_too_late")
    mine.leave_status = LeaveStatus.requested
    mine.leave_reason = reason
    await session.flush()
    await record(
        session, principal, "meeting.leave_request", meeting, org,
        after={"attendee": mine.name, "reason": reason},
    )  # fmt: skip
    return await my_meeting(session, principal, meeting.id)


async def check_in(
    session: AsyncSession, principal: Principal, meeting_id: int, token: str
) -> MyMeetingRead:
    """Self check-in by the meeting's QR code within its window. Never required: a sheet marked
    by staff is as valid (no ranking by check-ins)."""
    meeting, org, mine = await _mine(session, principal, meeting_id)
    if not secrets.compare_digest(token, meeting.checkin_token):
        raise NotFound("签到码无效", code="checkin_token")
    opens, closes = check_in_window(meeting)
    if meeting.status not in CHANGEABLE or not opens <= utcnow() <= closes:
        raise WrongState("不在签到时间内（会前30分钟至会后30分钟）", code="checkin_closed")
    mine.attendance = (
        Attendance.sitting_in if mine.role is AttendeeRole.sitting_in else Attendance.present
    )
    mine.checked_in_at = utcnow()
    mine.checked_in_by = "本人扫码"
    await session.flush()
    await record(
        session, principal, "meeting.check_in", meeting, org, after={"attendee": mine.name}
    )
    return await my_meeting(session, principal, meeting.id)


async def send_opinion(
    session: AsyncSession, principal: Principal, meeting_id: int, opinion: str
) -> MyMeetingRead:
    """R: MEM-04 / MTG-07 — an invitee who cannot come sends an opinion before the meeting; an
    absent voter's written opinion counts for the assembly."""
    meeting, org, mine = await _mine(session, principal, meeting_id)
    # R: MTG-07 — only an opinion handed in before the meeting starts counts.
    if meeting.status not in CHANGEABLE or utcnow() >= meeting.starts_at:
        raise WrongState("会议已开始，不能再提交会前书面意见", code="opinion_too_late")
    mine.opinion = opinion
    mine.opinion_at = utcnow()
    mine.written_opinion = mine.voter
    await session.flush()
    await record(session, principal, "meeting.opinion", meeting, org, after={"attendee": mine.name})
    return await my_meeting(session, principal, meeting.id)


async def check_in_code(
    session: AsyncSession, principal: Principal, meeting_id: int
) -> tuple[Meeting, datetime, datetime]:
    meeting, _ = await managed(session, principal, meeting_id)
    opens, closes = check_in_window(meeting)
    return meeting, opens, closes
