"""DISC-01 — the absence ladder: members whose current run of months without organisation life
reaches a level, with the thresholds of each member's organisation (MEM-07: suspension ends a
run).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.compliance.schemas import AbsenceCase, AbsenceReport
from dangjian.compliance.service.common import _COUNTED, ATTENDED_N, _held_meeting, _stats_org
from dangjian.core import clock
from dangjian.core.calendar import index_of, month_index, month_label
from dangjian.core.collation import pinyin_key
from dangjian.meetings.rules import ABSENCE_LABELS, ABSENCE_THRESHOLDS, absence_level
from dangjian.members.enums import EventType
from dangjian.members.rules import ON_ROSTER
from dangjian.models import Meeting, MeetingAttendee, Member, MemberEvent, Organization
from dangjian.models.enums import MemberStatus
from dangjian.policies.service import resolve_many

ABSENCE_KEY = "discipline.absence_months"


# ---------------------------------------------------------------- DISC-01 absence ladder


@dataclass(frozen=True)
class AbsenceRun:
    months: int
    first: int | None  # month index of the run's first month
    last: int | None  # month index of its latest month


def absence_run(attended_by_month: Mapping[int, bool]) -> AbsenceRun:
    """R: DISC-01 — the current run of months absent from organisation life.

    `attended_by_month` holds only the months in which the member was expected at a held
    meeting: True if present or excused at any of them. Counting back from the latest such
    month, each absent month extends the run and the first attended month ends it; a month
    without a meeting for the member is not in the mapping, so it neither breaks nor extends."""
    months, first, last = 0, None, None
    for index in sorted(attended_by_month, reverse=True):
        if attended_by_month[index]:
            break
        months += 1
        first = index
        last = index if last is None else last
    return AbsenceRun(months, first, last)


def _local_year_month(dialect: str) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Year and month of a meeting's local start, portable across the two dialects: the zone's
    name on PostgreSQL, its standard UTC offset on SQLite (China: +8 hours, no DST)."""
    if dialect == "postgresql":
        local: ColumnElement[Any] = func.timezone(clock.pg_zone_name(), Meeting.starts_at)
    else:
        local = func.datetime(Meeting.starts_at, clock.sqlite_shift())
    return extract("year", local), extract("month", local)


async def _suspended_months(
    session: AsyncSession, member_ids: list[int], today: date
) -> dict[int, set[int]]:
    """Month indexes (up to today's) in which each member's organisation life was suspended on
    at least one day (MEM-07), from the dated suspension events."""
    if not member_ids:
        return {}
    rows = await session.execute(
        select(MemberEvent.member_id, MemberEvent.type, MemberEvent.occurred_on)
        .where(
            MemberEvent.member_id.in_(member_ids),
            MemberEvent.type.in_([EventType.suspension, EventType.suspension_end]),
        )
        .order_by(MemberEvent.member_id, MemberEvent.occurred_on, MemberEvent.id)
    )
    out: dict[int, set[int]] = defaultdict(set)
    since: dict[int, date] = {}
    last = index_of(today)
    for mid, etype, on in rows.all():
        if etype == EventType.suspension:
            since.setdefault(mid, on)
        elif mid in since:
            start = since.pop(mid)
            out[mid].update(
                range(month_index(start.year, start.month), month_index(on.year, on.month) + 1)
            )
    for mid, start in since.items():
        out[mid].update(range(month_index(start.year, start.month), last + 1))
    return out


async def absences(
    session: AsyncSession, principal: Principal, org_id: int, now: datetime
) -> AbsenceReport:
    """R: DISC-01 — members on the roster of the subtree whose current run of months without
    organisation life (expected at ≥ 1 held meeting, present or excused at none) reaches the
    first level of the ladder; thresholds from the policy of each member's organisation.

    The months counted are those up to the current one: the current month counts once it has a
    held meeting for the member (absent there extends the run, attending ends it)."""
    org = await _stats_org(session, principal, org_id, persons=True)
    today = clock.local(now).date()
    member_org = aliased(Organization)
    year, month = _local_year_month(session.get_bind().dialect.name)
    stmt = (
        select(
            MeetingAttendee.member_id,
            Member.organization_id,
            year.label("y"),
            month.label("m"),
            ATTENDED_N.label("attended"),
        )
        .select_from(MeetingAttendee)
        .join(Meeting, Meeting.id == MeetingAttendee.meeting_id)
        .join(Member, Member.id == MeetingAttendee.member_id)
        .join(member_org, member_org.id == Member.organization_id)
        .where(
            subtree(member_org.path, org),
            principal.readable(member_org.path, Cap.roster_read),
            # R: MEM-07 — a member whose organisation life is suspended is no absence case
            Member.status.in_(list(ON_ROSTER - {MemberStatus.suspended})),
            _COUNTED,
            _held_meeting(),
            Meeting.starts_at <= now,
        )
        .group_by(MeetingAttendee.member_id, Member.organization_id, year, month)
    )
    months: dict[int, dict[int, bool]] = defaultdict(dict)
    org_of: dict[int, int] = {}
    for member_id, member_org_id, y, m, attended in (await session.execute(stmt)).all():
        months[member_id][month_index(int(y), int(m))] = int(attended or 0) > 0
        org_of[member_id] = member_org_id

    for mid, suspended in (await _suspended_months(session, list(months), today)).items():
        # R: MEM-07, DISC-01 — months of a suspension are not absences: they end a run
        for index in suspended:
            months[mid][index] = True
    runs = {mid: run for mid, by_month in months.items() if (run := absence_run(by_month)).months}
    if not runs:
        return AbsenceReport(org_id=org.id, on=today, rows=[])
    org_ids = {org_of[mid] for mid in runs}
    orgs = {
        o.id: o
        for o in (
            await session.scalars(select(Organization).where(Organization.id.in_(org_ids)))
        ).all()
    }
    thresholds: dict[int, tuple[int, int, int]] = {}
    for oid, by_key in (await resolve_many(session, orgs.values(), today, [ABSENCE_KEY])).items():
        value = by_key[ABSENCE_KEY].value
        first, second, third = (int(v) for v in value) if value else ABSENCE_THRESHOLDS
        thresholds[oid] = (first, second, third)
    names: dict[int, str] = {
        mid: name
        for mid, name in (
            await session.execute(select(Member.id, Member.name).where(Member.id.in_(list(runs))))
        ).all()
    }
    cases: list[AbsenceCase] = []
    for mid, run in runs.items():
        level = absence_level(run.months, thresholds=thresholds[org_of[mid]])
        if level is None or run.first is None or run.last is None:
            continue
        cases.append(
            AbsenceCase(
                member_id=mid,
                name=names[mid],
                organization_name=orgs[org_of[mid]].name,
                months=run.months,
                level=level,
                level_label=ABSENCE_LABELS[level],
                since=month_label(run.first),
                latest=month_label(run.last),
            )
        )
    cases.sort(key=lambda c: (pinyin_key(c.name), c.member_id))
    return AbsenceReport(org_id=org.id, on=today, rows=cases)
