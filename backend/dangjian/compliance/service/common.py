"""Shared pieces of the compliance reports: a meeting's local day in SQL, the attendance
classes (MTG-09), access to a report and its period.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.authz.service import require, visible_organization
from dangjian.core import clock
from dangjian.core.calendar import ONE_DAY, ReportPeriod, parse_period
from dangjian.core.errors import Forbidden, Unprocessable
from dangjian.meetings.enums import HELD_STATUSES
from dangjian.models import Meeting, MeetingAttendee, Organization
from dangjian.models.enums import Attendance, AttendeeRole, LeaveStatus


def within(column: Any, first: date, last: date) -> ColumnElement[bool]:
    """`column` (a UTC timestamp) falls on a local day from `first` to `last` inclusive."""
    return and_(column >= clock.local_start(first), column < clock.local_start(last + ONE_DAY))


# ---------------------------------------------------------------- attendance classes

# R: MTG-09, MEM-03 — who is counted: expected attendees not excluded with consent (MTG-07).
# Present: signed in (sitting in counts as being there). Excused: marked excused, or approved
# leave. Absent: everything else at a held meeting — marked absent, or never signed in.
_COUNTED = and_(MeetingAttendee.role == AttendeeRole.expected, MeetingAttendee.excluded.is_(None))
_PRESENT = MeetingAttendee.attendance.in_([Attendance.present, Attendance.sitting_in])
_EXCUSED = or_(
    MeetingAttendee.attendance == Attendance.excused,
    MeetingAttendee.leave_status == LeaveStatus.approved,
)
# A NULL condition falls through to the next branch, so the CASE order decides the class.
PRESENT_N = func.sum(case((_PRESENT, 1), else_=0))
EXCUSED_N = func.sum(case((_PRESENT, 0), (_EXCUSED, 1), else_=0))
ATTENDED_N = func.sum(case((_PRESENT, 1), (_EXCUSED, 1), else_=0))


def attendance_class(attendance: Attendance | None, leave_status: LeaveStatus | None) -> str:
    """The same classification in Python (for the ledgers): present, excused or absent."""
    if attendance in (Attendance.present, Attendance.sitting_in):
        return "present"
    if attendance == Attendance.excused or leave_status == LeaveStatus.approved:
        return "excused"
    return "absent"


def _held_meeting() -> ColumnElement[bool]:
    return Meeting.status.in_(list(HELD_STATUSES))


# ---------------------------------------------------------------- access


async def _stats_org(
    session: AsyncSession, principal: Principal, org_id: int, *, persons: bool = False
) -> Organization:
    """404 outside the caller's scope; 403 without stats.export there. Reports naming members
    also need the roster (ROLES.md: a district client has personal data only with its scope)."""
    org = await visible_organization(session, principal, org_id)
    require(principal, Cap.stats_export, org)
    if persons and not principal.can(Cap.roster_read, org.path):
        raise Forbidden("无权查看党员个人的出勤情况")
    return org


def _period(text: str | None, today: date) -> ReportPeriod:
    try:
        return parse_period(text, today)
    except ValueError as exc:
        raise Unprocessable(str(exc), code="period_invalid") from None


def _path_key(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/")]
