"""Compliance reports on organisation life: meetings held against the work-system policy
(MTG-02, MTG-03), each member's attendance (MTG-09) and the absence ladder (DISC-01).

Every count is one SQL aggregate over the subtree; Python only walks the aggregates. The reports
find facts and cases; people judge them. Members are listed by name, never ranked by a rate.

Calendar months, quarters and years are those of the configured zone (`dangjian.core.clock`,
China time by default): a meeting's `starts_at` is stored in UTC and is placed in the local month
it took place in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import Field
from sqlalchemy import ColumnElement, and_, case, extract, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import is_within, subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import require, visible_organization
from dangjian.core import clock
from dangjian.core.calendar import (
    ONE_DAY,
    ReportPeriod,
    index_of,
    month_end,
    month_index,
    month_label,
    month_start,
    parse_period,
)
from dangjian.core.errors import Forbidden, Unprocessable
from dangjian.core.schemas import OutputModel
from dangjian.meetings.enums import HELD_BY, HELD_STATUSES, MEETING_TYPE_LABELS
from dangjian.meetings.rules import ABSENCE_LABELS, ABSENCE_THRESHOLDS, absence_level
from dangjian.members import roster
from dangjian.members.enums import EventType
from dangjian.members.rules import ON_ROSTER
from dangjian.models import Meeting, MeetingAttendee, Member, MemberEvent, Organization
from dangjian.models.enums import (
    Attendance,
    AttendeeRole,
    LeaveStatus,
    MeetingType,
    MemberStatus,
    OrgKind,
)
from dangjian.policies.params import PERIOD_LABELS, Period
from dangjian.policies.service import history, resolve_many

# R: MTG-02 — policy periods are calendar-aligned from January (two_months: Jan–Feb, Mar–Apr …).
POLICY_MONTHS: dict[Period, int] = {
    Period.month: 1,
    Period.two_months: 2,
    Period.quarter: 3,
    Period.half_year: 6,
    Period.year: 12,
}
ABSENCE_KEY = "discipline.absence_months"
# R: ORG-03 — a branch with at least this many formal members has a committee (支部委员会);
# with fewer the secretary alone leads it and no 支委会 is required (MTG-02).
COMMITTEE_MIN_FORMAL = 7


def required_of(kind: OrgKind, has_committee: bool) -> list[MeetingType]:
    """R: MTG-02 × ORG-03 — the meeting types whose frequency an organisation is judged by.

    Those its level holds (HELD_BY), except: a 支部党员大会 is the branch's (and a 总支's)
    assembly, not the community Party committee's; and a branch without a committee (fewer than
    `COMMITTEE_MIN_FORMAL` formal members) holds no 支部委员会."""
    types = [t for t in MeetingType if kind in HELD_BY[t]]
    if kind is OrgKind.community:
        types.remove(MeetingType.branch_assembly)
    if kind is OrgKind.branch and not has_committee:
        types.remove(MeetingType.committee)
    return types


def frequency_key(meeting_type: MeetingType) -> str:
    return f"meetings.frequency.{meeting_type.value}"


# ---------------------------------------------------------------- schemas


class Colour(StrEnum):
    green = "green"  # held ≥ required
    amber = "amber"  # held < required, and not (nothing held in a period that is over)
    red = "red"  # nothing held although required, and the counted period is over


class MeetingComplianceRow(OutputModel):
    organization_id: int
    organization_name: str
    organization_path: str
    type: MeetingType
    type_label: str
    count: int = Field(
        description="工作制度：每个周期最少次数（统计区间最后一个制度周期第一天生效的参数）"
    )
    per: Period = Field(description="工作制度：周期（同上）")
    per_label: str
    required: int = Field(
        description="应召开次数：在报告期内结束的各制度周期的最少次数之和，"
        "每个周期按其第一天生效的工作制度参数计"
    )
    held: int = Field(description="已召开次数（统计区间内）")
    short_notice: int = Field(description="其中通知时间不足的次数（MTG-03）")
    counted_from: date = Field(description="统计区间起")
    counted_to: date = Field(description="统计区间止")
    colour: Colour


class ColourTotals(OutputModel):
    green: int = 0
    amber: int = 0
    red: int = 0


class MeetingCompliance(OutputModel):
    org_id: int
    period: str
    starts_on: date
    ends_on: date
    policy_on: date = Field(
        description="工作制度参数适用至哪一天（报告期末）：每个制度周期按其第一天生效的参数评判"
    )
    rows: list[MeetingComplianceRow]
    totals: ColourTotals


class AttendanceRow(OutputModel):
    member_id: int
    name: str
    organization_name: str
    expected: int = Field(description="应到次数")
    present: int = Field(description="出席次数")
    excused: int = Field(description="请假次数（已批准）")
    absent: int = Field(description="缺席次数")
    rate_percent: int = Field(description="出席率（%，四舍五入）")


class AttendanceReport(OutputModel):
    org_id: int
    period: str
    starts_on: date
    ends_on: date
    rows: list[AttendanceRow] = Field(description="按姓名排列（不按出席率排名）")


class AbsenceCase(OutputModel):
    member_id: int
    name: str
    organization_name: str
    months: int = Field(description="连续无故缺席组织生活的月数")
    level: int = Field(description="DISC-01 分级：1 批评教育，2 纪律处分，3 按自行脱党处理")
    level_label: str
    since: str = Field(description="本次连续缺席的第一个月（YYYY-MM）")
    latest: str = Field(description="最近一个缺席的月份（YYYY-MM）")


class AbsenceReport(OutputModel):
    org_id: int
    on: date
    rows: list[AbsenceCase] = Field(description="每一项都由组织研究处理，平台不自动处置")


@dataclass(frozen=True)
class Window:
    """The policy periods that END inside a report period, taken together.

    R: MTG-02 — required = the sum of their counts (`policy_periods`); held = meetings in
    [starts_on, ends_on]. A policy period longer than the report period is judged in the report
    period where it ends, over its whole length (1/quarter asked for March: required 1, meetings of
    January–March count; for January or February: required 0). When no policy period ends inside,
    the window is the report period itself and nothing is required."""

    periods: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Regime:
    """One value of a frequency parameter: at least `count` meetings per `per`."""

    count: int
    per: Period

    @classmethod
    def of(cls, value: Mapping[str, Any]) -> Regime:
        return cls(int(value["count"]), Period(value["period"]))


@dataclass(frozen=True)
class PolicyPeriod:
    """One policy period (months `first`..`last`, month indexes) and the regime judging it."""

    first: int
    last: int
    regime: Regime


def policy_periods(
    regime_on: Callable[[date], Regime], first: int, last: int
) -> list[PolicyPeriod]:
    """R: MTG-02 — the policy periods covering months `first`..`last` when the frequency may
    change, each with the regime (count and unit) that judges it. Deterministic:

    The walk starts in January of `first`'s year (every unit is aligned there) with a cursor
    month m. The regime in force on m's first day (`regime_on(month_start(m))`) has a unit of n
    months (month 1, two months 2, quarter 3, half-year 6, year 12); if m begins a period of that
    unit (calendar-aligned from January: (month − 1) mod n = 0), the period m..m+n−1 is judged by
    that regime. Otherwise the unit changed in the middle of one of the new unit's periods: the
    previous period's regime carries on for one more of its own periods (m is aligned for it,
    since its last period ended at m − 1). The cursor then moves past the period; the walk ends
    with the period containing `last`. Nothing is counted twice, no month is left out, and
    periods never cross a year end (every unit divides 12; January begins a period of each).

    So a change of count takes effect from the first period whose first day is on or after its
    date (as the dues mode: `dues.ledger.annual_timelines`): 1/month changed to 2/month on
    15 March judges March by 1 and April by 2. A change of unit takes effect at the first month,
    on or after its date, that both begins a period of the new unit and follows the end of one
    of the old: 1/month changed to 1/quarter on 15 February judges January, February and March
    monthly and then quarters from April; every two months changed to quarterly on 15 January
    keeps the two-month periods January–June (March–April straddles 1 April) and quarters
    begin in July."""
    out: list[PolicyPeriod] = []
    m = first - first % 12
    previous: Regime | None = None
    while m <= last:
        regime = regime_on(month_start(m))
        n = POLICY_MONTHS[regime.per]
        if m % n and previous is not None:
            regime, n = previous, POLICY_MONTHS[previous.per]
        out.append(PolicyPeriod(m, m + n - 1, regime))
        previous = regime
        m += n
    return out


def counted_periods(periods: list[PolicyPeriod], report: ReportPeriod) -> list[PolicyPeriod]:
    """The policy periods judged in `report`: those whose last month falls inside it."""
    return [p for p in periods if report.first_month <= p.last <= report.last_month]


def window_of(counted: list[PolicyPeriod], report: ReportPeriod) -> Window:
    if not counted:
        return Window(0, report.starts_on, report.ends_on)
    return Window(len(counted), month_start(counted[0].first), month_end(counted[-1].last))


def policy_window(per: Period, report: ReportPeriod) -> Window:
    """The window of a frequency that never changes (one unit throughout)."""
    periods = policy_periods(lambda _: Regime(1, per), report.first_month, report.last_month)
    return window_of(counted_periods(periods, report), report)


def colour(required: int, held: int, window: Window, today: date) -> Colour:
    """Green: held ≥ required. Red: nothing held, something required, and the counted window is
    over (its last day is before today). Amber: every other shortfall."""
    if held >= required:
        return Colour.green
    if held == 0 and window.ends_on < today:
        return Colour.red
    return Colour.amber


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


# ---------------------------------------------------------------- MTG-02 meetings held


async def meeting_compliance(
    session: AsyncSession, principal: Principal, org_id: int, period: str | None, today: date
) -> MeetingCompliance:
    """R: MTG-02, MTG-03 — for each organisation of the subtree and each type of meeting its
    level holds with a policy count > 0: required, held, short notice and a colour.

    Each policy period judged in the report period is judged by the value in force on its first
    day (`policy_periods`), and required is the sum of their counts: a change made later does not
    rewrite a past verdict, and a value set ahead (effective from a later date) judges the periods
    that begin on or after its date. The policy history of the whole subtree is read at once."""
    org = await _stats_org(session, principal, org_id)
    report = _period(period, today)
    in_subtree = and_(
        subtree(Organization.path, org),
        principal.readable(Organization.path, Cap.stats_export),
    )
    holding_kinds = {kind for kinds in HELD_BY.values() for kind in kinds}
    orgs = (
        await session.scalars(
            select(Organization).where(in_subtree, Organization.kind.in_(list(holding_kinds)))
        )
    ).all()

    # R: ORG-03 — a branch has a committee by its formal members on the roster as it stood at
    # the end of the report period (today while it runs)
    branches = [o for o in orgs if o.kind is OrgKind.branch]
    formal = await _formal_members(session, branches, min(report.ends_on, today))
    policies = await history(session, orgs, [frequency_key(t) for t in MeetingType])
    # (organisation, type, regime shown, required, window) for every requirement in force
    wanted: list[tuple[Organization, MeetingType, Regime, int, Window]] = []
    for o in sorted(orgs, key=lambda o: _path_key(o.path)):
        for t in required_of(o.kind, formal.get(o.id, 0) >= COMMITTEE_MIN_FORMAL):

            def regime_on(day: date, path: str = o.path, key: str = frequency_key(t)) -> Regime:
                return Regime.of(policies.value_on(path, key, day))

            periods = policy_periods(regime_on, report.first_month, report.last_month)
            counted = counted_periods(periods, report)
            required = sum(p.regime.count for p in counted)
            # shown: the regime of the window's last period (the last period walked when none
            # ends inside the report period: it contains the report's last month)
            shown = (counted or periods)[-1].regime
            if required > 0 or shown.count > 0:
                wanted.append((o, t, shown, required, window_of(counted, report)))

    counts = await _held_counts(session, in_subtree, [w for *_, w in wanted])
    rows: list[MeetingComplianceRow] = []
    for o, t, shown, required, window in wanted:
        held, short = counts.get((o.id, t, window), (0, 0))
        rows.append(
            MeetingComplianceRow(
                organization_id=o.id,
                organization_name=o.name,
                organization_path=o.path,
                type=t,
                type_label=MEETING_TYPE_LABELS[t],
                count=shown.count,
                per=shown.per,
                per_label=PERIOD_LABELS[shown.per],
                required=required,
                held=held,
                short_notice=short,
                counted_from=window.starts_on,
                counted_to=window.ends_on,
                colour=colour(required, held, window, today),
            )
        )
    tally = Counter(r.colour for r in rows)
    return MeetingCompliance(
        org_id=org.id,
        period=report.label,
        starts_on=report.starts_on,
        ends_on=report.ends_on,
        policy_on=report.ends_on,
        rows=rows,
        totals=ColourTotals(
            green=tally[Colour.green], amber=tally[Colour.amber], red=tally[Colour.red]
        ),
    )


async def _formal_members(
    session: AsyncSession, branches: list[Organization], on: date
) -> dict[int, int]:
    """R: ORG-03 — formal members on the roster of each branch (its groups included) on `on`,
    as the roster stood then (MEM-06), from one aggregate per organisation of the subtrees."""
    if not branches:
        return {}
    under = or_(*(subtree(Organization.path, b) for b in branches))
    stmt = (
        select(Organization.path, func.count(Member.id))
        .join(Member, Member.organization_id == Organization.id)
        .where(
            under,
            roster.formal_on(on),
            roster.on_roster_on(on),
        )
        .group_by(Organization.path)
    )
    by_path = [(path, int(n)) for path, n in (await session.execute(stmt)).all()]
    return {b.id: sum(n for path, n in by_path if is_within(path, b)) for b in branches}


async def _held_counts(
    session: AsyncSession, in_subtree: ColumnElement[bool], windows: Iterable[Window]
) -> dict[tuple[int, MeetingType, Window], tuple[int, int]]:
    """One aggregate: held meetings and those among them with short notice, GROUP BY
    organisation and type, one pair of conditional sums per distinct counting window (a few: one
    per kind of policy period, and one per mix of kinds where a unit changed in the year)."""
    distinct = sorted(set(windows), key=lambda w: (w.starts_on, w.ends_on))
    if not distinct:
        return {}
    columns: list[Any] = []
    for i, w in enumerate(distinct):
        inside = within(Meeting.starts_at, w.starts_on, w.ends_on)
        columns.append(func.sum(case((inside, 1), else_=0)).label(f"held_{i}"))
        short = and_(inside, Meeting.notice_short.is_(True))
        columns.append(func.sum(case((short, 1), else_=0)).label(f"short_{i}"))
    first = min(w.starts_on for w in distinct)
    last = max(w.ends_on for w in distinct)
    stmt = (
        select(Meeting.organization_id, Meeting.type, func.count().label("n"), *columns)
        .join(Organization, Organization.id == Meeting.organization_id)
        .where(in_subtree, _held_meeting(), within(Meeting.starts_at, first, last))
        .group_by(Meeting.organization_id, Meeting.type)
    )
    out: dict[tuple[int, MeetingType, Window], tuple[int, int]] = {}
    for row in (await session.execute(stmt)).all():
        for i, w in enumerate(distinct):
            held, short = row[3 + 2 * i], row[4 + 2 * i]
            out[(row[0], MeetingType(row[1]), w)] = (int(held or 0), int(short or 0))
    return out


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
        .order_by(Member.name, Member.id)
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
    cases.sort(key=lambda c: (c.name, c.member_id))
    return AbsenceReport(org_id=org.id, on=today, rows=cases)
