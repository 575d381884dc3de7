"""MTG-09 — each member's attendance at held meetings in a report period (expected, present,
excused, absent), listed by name and never ranked.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.compliance.schemas import AttendanceReport, AttendanceRow
from dangjian.compliance.service.common import (
    _COUNTED,
    EXCUSED_N,
    PRESENT_N,
    _held_meeting,
    _period,
    _stats_org,
    within,
)
from dangjian.core.collation import pinyin
from dangjian.models import Meeting, MeetingAttendee, Member, Organization

# ---------------------------------------------------------------- MTG-09 attendance


async def attendance(
    session: AsyncSession, principal: Principal, org_id: int, period: str | None, today: date
) -> AttendanceReport:
    """R: MTG-09 — for each member of the subtree expected at held meetings in the period (of
    any organisation: organisation life is wherever it is held): expected, present, excused,
    absent. One aggregate; sorted by name (anti-formalism: no ranking)."""
    org = await _stats_org(session, principal, org_id, persons=True)
    report = _period(period, today)
    member_org = aliased(Organization)
    expected_n = func.count().label("expected")
    stmt = (
        select(
            Member.id,
            Member.name,
            member_org.name,
            expected_n,
            PRESENT_N.label("present"),
            EXCUSED_N.label("excused"),
        )
        .select_from(MeetingAttendee)
        .join(Meeting, Meeting.id == MeetingAttendee.meeting_id)
        .join(Member, Member.id == MeetingAttendee.member_id)
        .join(member_org, member_org.id == Member.organization_id)
        .where(
            subtree(member_org.path, org),
            principal.readable(member_org.path, Cap.roster_read),
            _COUNTED,
            _held_meeting(),
            within(Meeting.starts_at, report.starts_on, report.ends_on),
        )
        .group_by(Member.id, Member.name, member_org.name)
        .order_by(pinyin(Member.name), Member.id)
    )
    rows = []
    for member_id, name, org_name, expected, present, excused in (
        await session.execute(stmt)
    ).all():
        present, excused = int(present or 0), int(excused or 0)
        rows.append(
            AttendanceRow(
                member_id=member_id,
                name=name,
                organization_name=org_name,
                expected=expected,
                present=present,
                excused=excused,
                absent=expected - present - excused,
                rate_percent=(200 * present + expected) // (2 * expected),
            )
        )
    return AttendanceReport(
        org_id=org.id,
        period=report.label,
        starts_on=report.starts_on,
        ends_on=report.ends_on,
        rows=rows,
    )
