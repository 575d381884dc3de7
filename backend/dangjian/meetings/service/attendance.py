"""Who is expected (MTG-01, MEM-03/04) and the organiser's side of attendance: attendees, leave,
sign-in (MTG-09).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.core import clock
from dangjian.core.collation import pinyin
from dangjian.core.db import utcnow
from dangjian.core.errors import Conflict, NotFound, Unprocessable
from dangjian.meetings.enums import (
    HELD_STATUSES,
)
from dangjian.meetings.schemas import (
    AttendanceSheet,
    AttendeeAdd,
    AttendeeUpdate,
    MeetingRead,
)
from dangjian.meetings.service.common import (
    CHECK_IN_EARLY,
    CHECK_IN_LATE,
    COMMITTEE_POSTS,
    COMMITTEE_TYPES,
    IN_SESSION,
    MEMBER_TYPES,
    WrongState,
    _attendees,
    _plain,
    _require_state,
    managed,
    record,
)
from dangjian.meetings.service.reads import _changed, meeting_read
from dangjian.members import roster
from dangjian.members import rules as member_rules
from dangjian.members.enums import Category, EventType
from dangjian.members.service import has_category
from dangjian.models import (
    Meeting,
    MeetingAttendee,
    Member,
    MemberEvent,
    Organization,
    Post,
    User,
)
from dangjian.models.enums import (
    Attendance,
    AttendeeRole,
    LeaveStatus,
    MeetingStatus,
    MeetingType,
    MemberKind,
    MemberStatus,
)
from dangjian.notifications import service as inbox

# ---------------------------------------------------------------- expected attendees (MTG-01)


async def _committee(session: AsyncSession, org_id: int, on: date) -> list[User]:
    holders = select(Post.user_id).where(
        Post.organization_id == org_id,
        Post.kind.in_(COMMITTEE_POSTS),
        Post.start_date <= on,
        (Post.end_date.is_(None)) | (Post.end_date >= on),
    )
    # IN rather than a join with DISTINCT: PostgreSQL orders a DISTINCT only by selected
    # columns, and the order is by pinyin (a collated expression).
    rows = await session.scalars(
        select(User)
        .where(User.id.in_(holders), User.is_active.is_(True))
        .order_by(pinyin(User.display_name), User.id)
    )
    return list(rows)


def meeting_day(meeting: Meeting) -> date:
    """The local calendar day the meeting is held on: the roster of that day counts."""
    return clock.local(meeting.starts_at).date()


@dataclass(frozen=True)
class Expected:
    member: Member
    user_id: int | None
    voter: bool


async def _members(
    session: AsyncSession, org: Organization, mtype: MeetingType, on: date
) -> list[Expected]:
    """R: MTG-01, MTG-07, MEM-06, MEM-07 — the members expected at a meeting of `org` held on
    `on`, from the roster as it stood that day (a death or transfer dated by then removes a
    member; later events change nothing). Members whose organisation life is suspended are
    not expected (MEM-07). Members out of contact stay expected: only the cases MTG-07 lists
    may be left out, each with the higher committee's consent recorded on the attendee."""
    stmt = (
        select(Member, User.id)
        .join(Organization, Organization.id == Member.organization_id)
        .outerjoin(User, (User.member_id == Member.id) & User.is_active.is_(True))
        .where(
            subtree(Organization.path, org),
            roster.on_roster_on(on),
        )
        .order_by(pinyin(Member.name), Member.id)
    )
    if mtype is MeetingType.inservice_meeting:
        stmt = stmt.where(has_category("inservice"))
    rows = [(m, uid) for m, uid in (await session.execute(stmt)).all()]
    events: dict[int, list[member_rules.EventFact]] = defaultdict(list)
    ids = [m.id for m, _ in rows]
    for chunk in (ids[i : i + 5000] for i in range(0, len(ids), 5000)):
        for e in await session.scalars(select(MemberEvent).where(MemberEvent.member_id.in_(chunk))):
            events[e.member_id].append(
                member_rules.EventFact(EventType(e.type), e.occurred_on, e.ends_on, e.id)
            )
    out = []
    for m, uid in rows:
        status = member_rules.status_on(events[m.id], on, m.status)
        if status is None or status not in member_rules.ON_ROSTER:
            continue
        if status is MemberStatus.suspended:
            continue  # R: MEM-07 — not expected at organisation life during the suspension
        out.append(Expected(m, uid, _voter(m, status, on)))
    return out


def _voter(m: Member, status: MemberStatus, on: date) -> bool:
    """R: MTG-07, XFER-06 — formal members on the day have a vote; probationary members and
    those under 留党察看 do not, nor do flow-in members (they vote at home, XFER-06)."""
    formal = member_rules.formal_on(m.kind is MemberKind.formal, m.converted_on, on)
    floating_in = Category.floating_in.value in (m.categories or [])
    return formal and status is not MemberStatus.probation and not floating_in


def _expected_row(meeting: Meeting, e: Expected) -> MeetingAttendee:
    return MeetingAttendee(
        meeting_id=meeting.id,
        member_id=e.member.id,
        user_id=e.user_id,
        name=e.member.name,
        role=AttendeeRole.expected,
        voter=e.voter,
        elderly="elderly_or_sick" in (e.member.categories or []),
    )


async def _invite(session: AsyncSession, meeting: Meeting, org: Organization) -> None:
    people: list[MeetingAttendee] = []
    if meeting.type in COMMITTEE_TYPES:
        for user in await _committee(session, org.id, meeting_day(meeting)):
            people.append(
                MeetingAttendee(
                    meeting_id=meeting.id,
                    user_id=user.id,
                    member_id=user.member_id,
                    name=user.display_name,
                    role=AttendeeRole.expected,
                    voter=True,
                )
            )
    elif meeting.type in MEMBER_TYPES or meeting.type is MeetingType.inservice_meeting:
        for e in await _members(session, org, meeting.type, meeting_day(meeting)):
            people.append(_expected_row(meeting, e))
    session.add_all(people)


async def fix_expected(
    session: AsyncSession, meeting: Meeting, org: Organization
) -> list[MeetingAttendee]:
    """R: MTG-07 — the expected members and the entitled voters are fixed when the meeting is
    held and again when a vote is recorded, from the roster on the meeting's day (the list made
    at drafting may be stale): a member who died, left or was suspended by then is no longer
    expected (kept as 列席 if they did sign in), a vote lost to 留党察看 is gone, a member who
    joined the roster by then is added. Recorded attendance, leave and exclusions are kept."""
    attendees = await _attendees(session, meeting.id)
    if not (meeting.type in MEMBER_TYPES or meeting.type is MeetingType.inservice_meeting):
        return attendees
    wanted = {
        e.member.id: e for e in await _members(session, org, meeting.type, meeting_day(meeting))
    }
    seen: set[int] = set()
    for a in attendees:
        if a.role is not AttendeeRole.expected or a.member_id is None:
            continue
        seen.add(a.member_id)
        e = wanted.get(a.member_id)
        if e is not None:
            a.voter = e.voter
        elif a.attendance in (Attendance.present, Attendance.sitting_in):
            a.role, a.voter = AttendeeRole.sitting_in, False
        else:
            await session.delete(a)
    session.add_all(_expected_row(meeting, e) for mid, e in wanted.items() if mid not in seen)
    await session.flush()
    return await _attendees(session, meeting.id)


# ---------------------------------------------------------------- attendees, leave, sign-in


async def add_attendee(
    session: AsyncSession, principal: Principal, meeting_id: int, body: AttendeeAdd
) -> MeetingRead:
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, IN_SESSION, "增加人员")
    user_id = None
    if body.member_id is not None:
        member = await session.scalar(
            select(Member)
            .join(Organization, Organization.id == Member.organization_id)
            .where(
                Member.id == body.member_id,
                principal.readable(Organization.path, Cap.roster_read),
            )
        )
        if member is None:
            raise NotFound("找不到该党员")
        user_id = await session.scalar(select(User.id).where(User.member_id == member.id))
    attendee = MeetingAttendee(
        meeting_id=meeting.id,
        member_id=body.member_id,
        user_id=user_id,
        name=body.name,
        role=body.role,
        voter=False,
    )
    session.add(attendee)
    return await _changed(
        session, principal, "meeting.attendee_add", meeting, org,
        after={"name": body.name, "role": body.role.value},
    )  # fmt: skip


async def update_attendee(
    session: AsyncSession,
    principal: Principal,
    meeting_id: int,
    attendee_id: int,
    body: AttendeeUpdate,
) -> MeetingRead:
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, IN_SESSION, "修改参会人员")
    attendee = await _attendee(session, meeting.id, attendee_id)
    changes = body.model_dump(exclude_unset=True)
    if "excluded" in changes and meeting.type is not MeetingType.branch_assembly:
        raise Unprocessable("只有支部党员大会可经同意不计入应到人数", code="exclusion_type")
    opinion = body.opinion is not None or changes.get("written_opinion") is True
    if opinion and utcnow() >= meeting.starts_at:
        # R: MTG-07 — an opinion recorded after the start is not a written opinion before it.
        raise WrongState("会议已开始，不能再登记会前书面意见", code="opinion_too_late")
    before = {k: getattr(attendee, k) for k in changes}
    for key, value in changes.items():
        setattr(attendee, key, value)
    if opinion:
        attendee.opinion_at = utcnow()
    await session.flush()
    # Staff acting for an elderly member without a phone (MEM-04) is logged here.
    await record(
        session, principal, "meeting.attendee_update", meeting, org,
        before={"attendee": attendee.name, **_plain(before)},
        after={"attendee": attendee.name, **_plain(changes)},
    )  # fmt: skip
    return await meeting_read(session, principal, meeting, org)


async def _attendee(session: AsyncSession, meeting_id: int, attendee_id: int) -> MeetingAttendee:
    a = await session.scalar(
        select(MeetingAttendee).where(
            MeetingAttendee.id == attendee_id, MeetingAttendee.meeting_id == meeting_id
        )
    )
    if a is None:
        raise NotFound()
    return a


async def sign_in_sheet(
    session: AsyncSession, principal: Principal, meeting_id: int, body: AttendanceSheet
) -> MeetingRead:
    """Staff mark the sheet (MTG-09). After the meeting was held, a correction needs a reason and
    is audited with the values before and after."""
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, IN_SESSION | {MeetingStatus.minutes_approved}, "签到")
    after_the_fact = meeting.status in HELD_STATUSES
    if after_the_fact and not (body.reason or "").strip():
        raise Unprocessable("会后更正签到须填写理由", code="correction_reason")
    attendees = {a.id: a for a in await _attendees(session, meeting.id)}
    before: dict[str, str | None] = {}
    after: dict[str, str | None] = {}
    for entry in body.entries:
        a = attendees.get(entry.attendee_id)
        if a is None:
            raise Unprocessable(f"参会人员 {entry.attendee_id} 不属于本次会议", code="attendee")
        if a.attendance is entry.attendance:
            continue
        # guests sit in or are excused (approved leave); only expected people are present/absent
        guest = a.role is AttendeeRole.sitting_in
        allowed = {Attendance.sitting_in, Attendance.excused, None} if guest else set(Attendance)
        if entry.attendance not in allowed or (
            not guest and entry.attendance is Attendance.sitting_in
        ):
            raise Unprocessable(f"{a.name}：列席人员只能登记为列席或请假", code="attendance_role")
        before[a.name] = a.attendance.value if a.attendance else None
        after[a.name] = entry.attendance.value if entry.attendance else None
        a.attendance = entry.attendance
        a.checked_in_at = utcnow() if entry.attendance is Attendance.present else a.checked_in_at
        a.checked_in_by = principal.label
    await session.flush()
    if after:
        await record(
            session, principal,
            "meeting.attendance_correct" if after_the_fact else "meeting.attendance",
            meeting, org, before=before, after={**after, "reason": body.reason},
        )  # fmt: skip
    return await meeting_read(session, principal, meeting, org)


async def decide_leave(
    session: AsyncSession, principal: Principal, meeting_id: int, attendee_id: int, approve: bool
) -> MeetingRead:
    """R: MEM-03 — approved leave is 'excused', not 'absent'."""
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, IN_SESSION, "审批请假")
    a = await _attendee(session, meeting.id, attendee_id)
    if a.leave_status is not LeaveStatus.requested:
        raise Conflict("没有待审批的请假", code="no_leave_request")
    a.leave_status = LeaveStatus.approved if approve else LeaveStatus.refused
    a.leave_decided_by = principal.label
    if approve:
        a.attendance = Attendance.excused
    if a.user_id is not None:
        await inbox.send(
            session,
            [a.user_id],
            kind="leave_decision",
            title=f"请假{'已批准' if approve else '未获批准'}：「{meeting.title}」",
            link=f"/my/meetings/{meeting.id}",
        )
    return await _changed(
        session, principal, "meeting.leave_decide", meeting, org,
        after={"attendee": a.name, "approved": approve},
    )  # fmt: skip


def check_in_window(meeting: Meeting) -> tuple[datetime, datetime]:
    return meeting.starts_at - CHECK_IN_EARLY, meeting.ends_at + CHECK_IN_LATE
