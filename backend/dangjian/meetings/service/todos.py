"""The meetings' to-dos (待办, issue 18): what the caller has to do next in 三会一课, computed from
the meetings themselves — the same rules as the actions they lead to (`can_manage`, the states
`notify`, `hold`, `save_minutes`, `approve_minutes` and `decide_leave` accept)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.core import clock
from dangjian.meetings.service.common import IN_SESSION, SPECIAL_MANAGERS, can_manage
from dangjian.meetings.service.mine import attendee_is_caller
from dangjian.meetings.service.resolutions import list_resolutions
from dangjian.models import Meeting, MeetingAttendee, Organization
from dangjian.models.enums import AttendeeRole, LeaveStatus, MeetingStatus
from dangjian.todos.schemas import TodoKind, TodoRead

# At most this many open meetings are looked at per request (a community holds a few a month).
OPEN_MEETINGS = 200
# The member's next meetings: those starting within this many days.
UPCOMING_DAYS = 14
_RUNNERS = (Cap.meeting_manage, Cap.meeting_agenda, *SPECIAL_MANAGERS.values())


async def staff_todos(session: AsyncSession, principal: Principal, today: date) -> list[TodoRead]:
    """Meetings to notify, to confirm as held, to minute, minutes to approve, leave to decide."""
    if not any(principal.can_anywhere(cap) for cap in _RUNNERS):
        return []
    now = clock.now()
    rows = (
        await session.execute(
            select(Meeting, Organization)
            .join(Organization, Organization.id == Meeting.organization_id)
            .where(
                or_(*(principal.readable(Organization.path, cap) for cap in _RUNNERS)),
                Meeting.status.in_(IN_SESSION),
            )
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(OPEN_MEETINGS)
        )
    ).all()
    managed = {m.id for m, org in rows if can_manage(principal, m.type, org.path)}
    leave = dict(
        (
            await session.execute(
                select(MeetingAttendee.meeting_id, func.count())
                .where(
                    MeetingAttendee.meeting_id.in_(managed),
                    MeetingAttendee.leave_status == LeaveStatus.requested,
                    MeetingAttendee.role == AttendeeRole.expected,
                )
                .group_by(MeetingAttendee.meeting_id)
            )
        ).all()
        if managed
        else []
    )
    out: list[TodoRead] = []
    for m, org in rows:
        kinds: list[TodoKind] = []
        if m.id in managed:
            if leave.get(m.id):
                kinds.append(TodoKind.leave_requests)
            if m.status is not MeetingStatus.held and m.starts_at <= now:
                kinds.append(TodoKind.meeting_hold)  # R: LEDG-03 — held or cancelled
            elif m.status is MeetingStatus.draft:
                kinds.append(TodoKind.meeting_notify)  # R: MTG-03
            elif m.status is MeetingStatus.held and not m.minutes.strip():
                kinds.append(TodoKind.meeting_minutes)
        if (
            m.status is MeetingStatus.held
            and m.minutes.strip()
            and principal.can(Cap.meeting_agenda, org.path)
        ):
            kinds.append(TodoKind.minutes_approve)
        out.extend(
            TodoRead(
                kind=kind,
                count=leave[m.id] if kind is TodoKind.leave_requests else 1,
                link=f"/meetings/{m.id}",
                subject=m.title,
                organization_name=org.name,
                at=m.starts_at,
                overdue=kind is TodoKind.meeting_hold,
            )
            for kind in kinds
        )
    return out


async def resolution_todos(
    session: AsyncSession, principal: Principal, today: date
) -> list[TodoRead]:
    """R: MTG-10 — passed resolutions past their due date and not carried out: those the caller
    is to carry out, and for those who read meetings every one in scope."""
    mine = await list_resolutions(
        session, principal, org_id=None, follow_up=None, overdue=True, mine=True, today=today
    )
    reads = principal.can_anywhere(Cap.meeting_read)
    scope = (
        await list_resolutions(
            session, principal, org_id=None, follow_up=None, overdue=True, mine=False, today=today
        )
        if reads
        else []
    )
    own = {r.id for r in mine}
    rows = {r.id: r for r in [*mine, *scope]}.values()
    return [
        TodoRead(
            kind=TodoKind.resolutions_overdue,
            count=1,
            link=f"/meetings/{r.meeting_id}" if reads else f"/my/meetings/{r.meeting_id}",
            subject=f"{r.title}（{r.candidate}）" if r.candidate else r.title,
            due_on=r.due_on,
            overdue=True,
            mine=r.id in own,
        )
        for r in sorted(rows, key=lambda r: (r.due_on or today, r.id))
    ]


async def member_todos(session: AsyncSession, principal: Principal, today: date) -> list[TodoRead]:
    """The meetings the caller is expected at in the next days, unless leave was asked."""
    mine = attendee_is_caller(principal)
    if mine is None:
        return []
    now = clock.now()
    rows = (
        await session.execute(
            select(Meeting, Organization)
            .join(Organization, Organization.id == Meeting.organization_id)
            .join(MeetingAttendee, MeetingAttendee.meeting_id == Meeting.id)
            .where(
                mine,
                MeetingAttendee.role == AttendeeRole.expected,
                MeetingAttendee.leave_status.is_(None),
                MeetingAttendee.attendance.is_(None),
                Meeting.status == MeetingStatus.notified,
                Meeting.ends_at >= now,
                Meeting.starts_at < clock.local_start(today + timedelta(days=UPCOMING_DAYS + 1)),
            )
            .distinct()
            .order_by(Meeting.starts_at, Meeting.id)
        )
    ).all()
    return [
        TodoRead(
            kind=TodoKind.next_meeting,
            count=1,
            link=f"/my/meetings/{m.id}",
            subject=m.title,
            organization_name=org.name,
            at=m.starts_at,
        )
        for m, org in rows
    ]
