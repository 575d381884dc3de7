"""Compliance of organisation life: meetings held against the work system (MTG-02, MTG-03),
attendance per member (MTG-09), the absence ladder (DISC-01) and the meeting books (LEDG-01).

Meetings and attendances are inserted directly with the ORM; dates are relative to today (the
previous full quarter, months counted back from this one), so the tests do not rot.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from conftest import Ctx, fresh_member
from openpyxl import load_workbook
from sqlalchemy import select

from dangjian.compliance.service import Window, absence_run, policy_window
from dangjian.core import clock
from dangjian.core.calendar import month_index, parse_period
from dangjian.core.collation import pinyin_key
from dangjian.ledgers.service.meetings import HEADERS
from dangjian.meetings.rules import ABSENCE_LABELS
from dangjian.models import (
    AgendaItem,
    AuditLog,
    Meeting,
    MeetingAttendee,
    Member,
    PolicyValue,
    Resolution,
)
from dangjian.models.enums import (
    AgendaStatus,
    Attendance,
    AttendeeRole,
    Exclusion,
    LeaveStatus,
    MeetingStatus,
    MeetingType,
    MemberStatus,
    VoteRule,
)
from dangjian.policies.params import Period

C = "/api/v1/compliance"
LEDGER = "/api/v1/ledgers/meetings"
BT = MeetingType.committee
ASSEMBLY = MeetingType.branch_assembly


# ---------------------------------------------------------------- dates relative to today


def month_shift(day: date, months: int) -> date:
    """The first day of the month `months` after (negative: before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_quarter(today: date) -> tuple[str, list[date]]:
    """The last full quarter: its label and the first days of its three months."""
    first = month_shift(today, -((today.month - 1) % 3) - 3)
    months = [month_shift(first, i) for i in range(3)]
    return f"{first.year}-Q{(first.month - 1) // 3 + 1}", months


TODAY = clock.today()
QUARTER, (M1, M2, M3) = previous_quarter(TODAY)
QUARTER_END = month_shift(M3, 1) - timedelta(days=1)


# ---------------------------------------------------------------- builders


@dataclass
class Att:
    """One attendee row: a member, their sign-in and their leave."""

    member: Member
    attendance: Attendance | None = None
    leave: LeaveStatus | None = None
    role: AttendeeRole = AttendeeRole.expected
    excluded: Exclusion | None = None


async def held_meeting(
    ctx: Ctx,
    org_id: int,
    type_: MeetingType,
    on: date,
    attendees: Sequence[Att] = (),
    *,
    at: time = time(10, 0),
    status: MeetingStatus = MeetingStatus.held,
    notice_short: bool = False,
    confidential: bool = False,
    title: str | None = None,
    agenda: Sequence[tuple[str, AgendaStatus]] = (),
    resolutions: Sequence[dict[str, Any]] = (),
) -> int:
    """A meeting of `org_id` on local day `on` (China time) with its attendees, agenda and votes."""
    starts = datetime.combine(on, at, tzinfo=clock.zone())
    async with ctx.db.sessionmaker() as session, session.begin():
        meeting = Meeting(
            organization_id=org_id,
            type=type_,
            title=title or f"{on:%Y年%m月}{type_.value}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="党群服务中心",
            host="主持人甲",
            recorder="记录人乙",
            status=status,
            notified_at=starts - timedelta(days=3),
            notice_short=notice_short,
            held_at=starts if status != MeetingStatus.cancelled else None,
            confidential=confidential,
            checkin_token=secrets.token_hex(16),
            created_by="测试",
        )
        session.add(meeting)
        await session.flush()
        for a in attendees:
            session.add(
                MeetingAttendee(
                    meeting_id=meeting.id,
                    member_id=a.member.id,
                    name=a.member.name,
                    role=a.role,
                    voter=a.role == AttendeeRole.expected,
                    excluded=a.excluded,
                    leave_status=a.leave,
                    attendance=a.attendance,
                )
            )
        for position, (item_title, item_status) in enumerate(agenda, start=1):
            session.add(
                AgendaItem(
                    meeting_id=meeting.id,
                    title=item_title,
                    status=item_status,
                    proposed_by="书记",
                    position=position,
                )
            )
        for r in resolutions:
            session.add(
                Resolution(
                    meeting_id=meeting.id,
                    organization_id=org_id,
                    rule=VoteRule.committee,
                    expected=3,
                    present=3,
                    **r,
                )
            )
        return int(meeting.id)


async def member(ctx: Ctx, target: str, name: str, **overrides: Any) -> Member:
    return await fresh_member(ctx, ctx.ids[target], name=name, **overrides)


async def set_policy(ctx: Ctx, target: str, key: str, value: Any, effective_from: date) -> None:
    async with ctx.db.sessionmaker() as session, session.begin():
        session.add(
            PolicyValue(
                organization_id=ctx.ids[target],
                key=key,
                value=value,
                effective_from=effective_from,
                set_by="测试",
            )
        )


async def report(ctx: Ctx, what: str, target: str = "own", who: str = "secretary", **params: str):  # type: ignore[no-untyped-def]
    r = await ctx.get(f"{C}/{what}", who, params={"org_id": ctx.ids[target], **params})
    assert r.status_code == 200, r.text
    return r.json()


def row(body: dict[str, Any], org_id: int, type_: MeetingType) -> dict[str, Any]:
    found = [r for r in body["rows"] if r["organization_id"] == org_id and r["type"] == type_.value]
    assert len(found) == 1, (org_id, type_, body["rows"])
    return found[0]


# ---------------------------------------------------------------- periods (pure)


def test_mtg02_periods_parse_month_quarter_half_year_and_year() -> None:
    nov = parse_period("2026-11", TODAY)
    assert (nov.label, nov.starts_on, nov.ends_on) == (
        "2026-11",
        date(2026, 11, 1),
        date(2026, 11, 30),
    )
    q4 = parse_period("2026-q4", TODAY)
    assert (q4.label, q4.starts_on, q4.ends_on) == (
        "2026-Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    h1 = parse_period("2024-H1", TODAY)
    assert (h1.starts_on, h1.ends_on) == (date(2024, 1, 1), date(2024, 6, 30))
    year = parse_period("2025", TODAY)
    assert (year.starts_on, year.ends_on) == (date(2025, 1, 1), date(2025, 12, 31))
    feb = parse_period("2024-2", TODAY)
    assert feb.ends_on == date(2024, 2, 29)
    current = parse_period(None, date(2026, 5, 17))
    assert (current.label, current.starts_on, current.ends_on) == (
        "2026-Q2",
        date(2026, 4, 1),
        date(2026, 6, 30),
    )
    for bad in ("2026-13", "2026-Q5", "26-11", "2026/11", "2026-H3"):
        with pytest.raises(ValueError, match=r"报告期|月份"):
            parse_period(bad, TODAY)


def test_mtg02_required_counts_the_policy_periods_ending_inside_the_report_period() -> None:
    q1 = parse_period("2026-Q1", TODAY)
    # 1 / month over a quarter: three months end inside → 3 × count, counted over the quarter
    assert policy_window(Period.month, q1) == Window(3, date(2026, 1, 1), date(2026, 3, 31))
    # 1 / quarter asked for a month: due only in the quarter's last month, counted over the quarter
    assert policy_window(Period.quarter, parse_period("2026-02", TODAY)).periods == 0
    assert policy_window(Period.quarter, parse_period("2026-03", TODAY)) == Window(
        1, date(2026, 1, 1), date(2026, 3, 31)
    )
    # every two months (Jan–Feb, Mar–Apr …): in Q1 only Jan–Feb ends; in Q2 Mar–Apr and May–Jun
    assert policy_window(Period.two_months, q1) == Window(1, date(2026, 1, 1), date(2026, 2, 28))
    assert policy_window(Period.two_months, parse_period("2026-Q2", TODAY)) == Window(
        2, date(2026, 3, 1), date(2026, 6, 30)
    )
    # yearly: judged in Q4 over the whole year, not due in Q1–Q3
    assert policy_window(Period.year, parse_period("2026-Q4", TODAY)) == Window(
        1, date(2026, 1, 1), date(2026, 12, 31)
    )
    assert policy_window(Period.year, q1) == Window(0, q1.starts_on, q1.ends_on)
    assert policy_window(Period.half_year, parse_period("2026", TODAY)).periods == 2


def test_disc01_absence_run_skips_months_without_meetings_and_stops_at_attendance() -> None:
    m = month_index(2026, 1)
    # absent Jan, (no meeting Feb), absent Mar, absent Apr → 3 months since January
    run = absence_run({m: False, m + 2: False, m + 3: False})
    assert (run.months, run.first, run.last) == (3, m, m + 3)
    # excused (or present) in March ends the run there
    run = absence_run({m: False, m + 2: True, m + 3: False, m + 4: False})
    assert (run.months, run.first, run.last) == (2, m + 3, m + 4)
    assert absence_run({m: True}).months == 0 and absence_run({}).months == 0


# ---------------------------------------------------------------- MTG-02 / MTG-03 meetings held


async def test_mtg02_committee_held_in_two_of_three_months(ctx: Ctx) -> None:
    branch = ctx.ids["child"]
    await held_meeting(ctx, branch, BT, M1 + timedelta(days=4), notice_short=True)
    # 07:00 on the 1st in China is the previous day in UTC: it counts in its local month
    await held_meeting(ctx, branch, BT, M3, at=time(7, 0))
    # neither a cancelled nor an unheld meeting counts
    await held_meeting(ctx, branch, BT, M2 + timedelta(days=9), status=MeetingStatus.cancelled)
    await held_meeting(ctx, branch, BT, M2 + timedelta(days=9), status=MeetingStatus.notified)

    first = row(await report(ctx, "meetings", period=month_label(M1)), branch, BT)
    assert (first["required"], first["held"], first["short_notice"], first["colour"]) == (
        1,
        1,
        1,
        "green",
    )
    second = row(await report(ctx, "meetings", period=month_label(M2)), branch, BT)
    assert (second["required"], second["held"], second["colour"]) == (1, 0, "red")
    third = row(await report(ctx, "meetings", period=month_label(M3)), branch, BT)
    assert (third["required"], third["held"], third["short_notice"], third["colour"]) == (
        1,
        1,
        0,
        "green",
    )

    body = await report(ctx, "meetings", period=QUARTER)
    assert (body["period"], body["starts_on"], body["ends_on"]) == (
        QUARTER,
        M1.isoformat(),
        QUARTER_END.isoformat(),
    )
    quarter = row(body, branch, BT)
    assert quarter["type_label"] == "支部委员会" and quarter["per"] == "month"
    assert (quarter["required"], quarter["held"], quarter["short_notice"]) == (3, 2, 1)
    assert quarter["colour"] == "amber"
    assert (quarter["counted_from"], quarter["counted_to"]) == (
        M1.isoformat(),
        QUARTER_END.isoformat(),
    )
    # the branch assembly (1 / quarter) was never held: red for the quarter …
    assembly = row(body, branch, ASSEMBLY)
    assert (assembly["required"], assembly["held"], assembly["colour"]) == (1, 0, "red")
    # … not due in the quarter's first month, due (over the whole quarter) in its last
    early = row(await report(ctx, "meetings", period=month_label(M1)), branch, ASSEMBLY)
    assert (early["required"], early["colour"]) == (0, "green")
    late = row(await report(ctx, "meetings", period=month_label(M3)), branch, ASSEMBLY)
    assert (late["required"], late["colour"], late["counted_from"]) == (1, "red", M1.isoformat())

    # the subtree, level by level (HELD_BY): groups hold group meetings, no committee
    group = row(body, ctx.ids["group"], MeetingType.group_meeting)
    assert group["required"] == 3
    assert not [
        r
        for r in body["rows"]
        if r["organization_id"] == ctx.ids["group"] and r["type"] == "committee"
    ]
    assert row(body, ctx.ids["own"], MeetingType.residents_forum)["required"] == 1
    assert {r["organization_path"][:5] for r in body["rows"]} == {"/1/2/"}
    assert body["totals"]["green"] + body["totals"]["amber"] + body["totals"]["red"] == len(
        body["rows"]
    )
    # secretary_office has count 0 by default: no row
    assert not [r for r in body["rows"] if r["type"] == "secretary_office"]


async def test_mtg02_policy_changed_today_does_not_change_last_quarters_verdict(ctx: Ctx) -> None:
    branch = ctx.ids["child"]
    await held_meeting(ctx, branch, BT, M1 + timedelta(days=2))
    await held_meeting(ctx, branch, BT, M2 + timedelta(days=2))
    before = row(await report(ctx, "meetings", period=QUARTER), branch, BT)
    assert (before["required"], before["held"], before["colour"]) == (3, 2, "amber")

    # twice a month from today on
    await set_policy(
        ctx, "child", "meetings.frequency.committee", {"count": 2, "period": "month"}, TODAY
    )
    body = await report(ctx, "meetings", period=QUARTER)
    assert body["policy_on"] == QUARTER_END.isoformat()
    after = row(body, branch, BT)
    assert (after["required"], after["held"], after["colour"]) == (3, 2, "amber")
    current = await report(ctx, "meetings")  # default: this quarter
    assert current["policy_on"] == current["ends_on"]
    # each month by the value in force on its first day: twice from the first month that begins
    # on or after today, once before
    first = month_shift(TODAY, -((TODAY.month - 1) % 3))
    per_month = [2 if month_shift(first, i) >= TODAY else 1 for i in range(3)]
    now = row(current, branch, BT)
    assert (now["count"], now["required"]) == (per_month[-1], sum(per_month))
    # a value that was in force at the end of last quarter does decide it (once a quarter)
    await set_policy(
        ctx, "child", "meetings.frequency.committee", {"count": 1, "period": "quarter"}, M1
    )
    then = row(await report(ctx, "meetings", period=QUARTER), branch, BT)
    assert (then["per"], then["required"], then["held"], then["colour"]) == (
        "quarter",
        1,
        2,
        "green",
    )
    # a change in the middle of that quarter waits for the next period: the quarter stays 1
    await set_policy(
        ctx, "child", "meetings.frequency.committee", {"count": 0, "period": "month"}, M2
    )
    kept = row(await report(ctx, "meetings", period=QUARTER), branch, BT)
    assert (kept["per"], kept["required"], kept["colour"]) == ("quarter", 1, "green")
    # and a policy count of 0 means "not required": no row
    await set_policy(
        ctx, "child", "meetings.frequency.branch_assembly", {"count": 0, "period": "quarter"}, M1
    )
    quiet = await report(ctx, "meetings", period=QUARTER)
    assert not [
        r
        for r in quiet["rows"]
        if r["organization_id"] == branch and r["type"] == "branch_assembly"
    ]


async def test_mtg02_bad_period_is_422(ctx: Ctx) -> None:
    r = await ctx.get(
        f"{C}/meetings", "secretary", params={"org_id": ctx.ids["own"], "period": "2026-13"}
    )
    assert r.status_code == 422
    assert r.json()["code"] == "period_invalid" and "月份" in r.json()["detail"]


# ---------------------------------------------------------------- MTG-09 attendance


async def test_mtg09_attendance_is_aggregated_per_member_and_sorted_by_name(ctx: Ctx) -> None:
    branch = ctx.ids["child"]
    a = await member(ctx, "child", "考勤A")
    b = await member(ctx, "child", "考勤B")
    c = await member(ctx, "group", "考勤C")
    d = await member(ctx, "child", "考勤D")
    e = await member(ctx, "child", "考勤E")
    await held_meeting(
        ctx,
        branch,
        BT,
        M1 + timedelta(days=3),
        [Att(a, Attendance.absent), Att(b, Attendance.present), Att(c, Attendance.excused)],
    )
    await held_meeting(
        ctx,
        branch,
        ASSEMBLY,
        M2 + timedelta(days=3),
        [
            Att(a, None, LeaveStatus.approved),  # approved leave: excused (MEM-03)
            Att(b, Attendance.present),
            Att(c, None, LeaveStatus.refused),  # never signed in, leave refused: absent
            Att(d, Attendance.sitting_in, role=AttendeeRole.sitting_in),  # 列席: not counted
            Att(e, None, excluded=Exclusion.too_ill),  # left out of 应到 (MTG-07)
        ],
    )
    await held_meeting(
        ctx,
        ctx.ids["group"],
        MeetingType.group_meeting,
        M3 + timedelta(days=3),
        [Att(a, Attendance.present), Att(b, Attendance.present), Att(c, Attendance.present)],
    )
    # not counted: a cancelled meeting, and a meeting of another quarter
    await held_meeting(
        ctx,
        branch,
        BT,
        M3 + timedelta(days=5),
        [Att(a, Attendance.absent)],
        status=MeetingStatus.cancelled,
    )
    await held_meeting(ctx, branch, BT, month_shift(M1, -2), [Att(a, Attendance.absent)])

    body = await report(ctx, "attendance", period=QUARTER)
    assert (body["period"], body["starts_on"]) == (QUARTER, M1.isoformat())
    got = [
        (
            r["member_id"],
            r["name"],
            r["expected"],
            r["present"],
            r["excused"],
            r["absent"],
            r["rate_percent"],
        )
        for r in body["rows"]
    ]
    # sorted by name, never by rate (B has the highest rate and is not first)
    assert got == [
        (a.id, "考勤A", 3, 1, 1, 1, 33),
        (b.id, "考勤B", 3, 3, 0, 0, 100),
        (c.id, "考勤C", 3, 1, 1, 1, 33),
    ]
    assert body["rows"][2]["organization_name"] == "第一党小组"
    # the branch's own subtree: the same three; the sibling community sees none of them
    assert len((await report(ctx, "attendance", "child", period=QUARTER))["rows"]) == 3
    sibling = await report(ctx, "attendance", "sibling", who="street", period=QUARTER)
    assert sibling["rows"] == []


# ---------------------------------------------------------------- DISC-01 absence ladder


async def test_disc01_absence_ladder_levels_from_consecutive_months(ctx: Ctx) -> None:
    branch = ctx.ids["child"]
    P, A, X = Attendance.present, Attendance.absent, Attendance.excused
    # month offsets from this month (0) back; missing offsets: no meeting for the member
    plans: dict[str, dict[int, Attendance | None]] = {
        "缺席二月": {-1: A, -2: None, -3: P},  # absent and never signed in count alike
        "缺席四月": {-1: A, -2: A, -3: A, -4: A, -5: P},
        "缺席六月": {-1: A, -2: A, -3: A, -4: A, -5: A, -6: A},
        "请假中断": {-1: A, -2: A, -3: X, -4: A, -5: A, -6: A, -7: A},
        "无会不断": {-1: A, -3: A, -4: P},  # no meeting for them in month -2: skipped
        "缺席一月": {-1: A, -2: P},
        "本月回归": {0: P, -1: A, -2: A, -3: A, -4: A},  # present this month: the run is over
        "本月仍缺": {0: A, -1: A, -2: P},  # this month's absence counts once held
    }
    people = {name: await member(ctx, "child", name) for name in plans}
    gone = await member(ctx, "child", "已转出", status=MemberStatus.transferred_out)
    for offset in range(-7, 1):
        start = month_shift(TODAY, offset)
        day = start if offset == 0 else start + timedelta(days=9)
        at = time(0, 0) if offset == 0 else time(10, 0)
        attendees = [
            Att(people[name], plan[offset]) for name, plan in plans.items() if offset in plan
        ]
        if offset < 0:
            attendees.append(Att(gone, A))
        await held_meeting(ctx, branch, BT, day, attendees, at=at)

    def label(offset: int) -> str:
        return month_label(month_shift(TODAY, offset))

    body = await report(ctx, "absences")
    got = {r["name"]: (r["months"], r["level"], r["since"], r["latest"]) for r in body["rows"]}
    assert got == {
        "缺席二月": (2, 1, label(-2), label(-1)),
        "缺席四月": (4, 2, label(-4), label(-1)),
        "缺席六月": (6, 3, label(-6), label(-1)),
        "请假中断": (2, 1, label(-2), label(-1)),
        "无会不断": (2, 1, label(-3), label(-1)),
        "本月仍缺": (2, 1, label(-1), label(0)),
    }
    # in pinyin order of name (本 ben < 请 qing < 无 wu), on both databases
    assert [r["name"] for r in body["rows"]] == sorted(got, key=pinyin_key)
    six = next(r for r in body["rows"] if r["name"] == "缺席六月")
    assert (
        six["level_label"] == ABSENCE_LABELS[3]
        and six["organization_name"] == "第一党支部（幸福小区）"
    )
    assert six["member_id"] == people["缺席六月"].id

    # thresholds come from the branch's policy (DISC-01 *param*)
    await set_policy(ctx, "child", "discipline.absence_months", [3, 5, 7], TODAY)
    stricter = await report(ctx, "absences")
    levels = {r["name"]: r["level"] for r in stricter["rows"]}
    assert levels == {"缺席四月": 1, "缺席六月": 2}


# ---------------------------------------------------------------- scope


@pytest.mark.parametrize("what", ["meetings", "attendance", "absences"])
async def test_reports_are_scoped(ctx: Ctx, what: str) -> None:
    params = {"org_id": ctx.ids["own"]}
    # another community's secretary: the organisation does not exist for them
    assert (await ctx.get(f"{C}/{what}", "secretary2", params=params)).status_code == 404
    # the group leader sees the group but holds no stats.export
    group = {"org_id": ctx.ids["group"]}
    assert (await ctx.get(f"{C}/{what}", "xiaozu", params=group)).status_code == 403
    assert (await ctx.get(f"{C}/{what}", "jijian", params=params)).status_code == 200
    # the district client has statistics, but no roster scope for reports naming members
    district = await ctx.get(f"{C}/{what}", "district_client", params=params)
    assert district.status_code == (200 if what == "meetings" else 403)


async def test_ledger_is_scoped(ctx: Ctx) -> None:
    own = {"org_id": ctx.ids["own"], "type": "committee"}
    assert (await ctx.get(LEDGER, "secretary2", params=own)).status_code == 404
    group = {"org_id": ctx.ids["group"], "type": "committee"}
    assert (await ctx.get(LEDGER, "xiaozu", params=group)).status_code == 403
    assert (await ctx.get(LEDGER, "district_client", params=own)).status_code == 200
    bad = await ctx.get(LEDGER, "secretary", params={**own, "type": "group_meeting"})
    assert bad.status_code == 422


# ---------------------------------------------------------------- LEDG-01 meeting books


async def _ledger_rows(ctx: Ctx, who: str, type_: str, year: int) -> tuple[str, list[list[Any]]]:
    r = await ctx.get(LEDGER, who, params={"org_id": ctx.ids["child"], "type": type_, "year": year})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    values = [list(v) for v in ws.iter_rows(values_only=True)]
    assert values[1] == HEADERS
    return str(values[0][0]), values[2:]


async def test_ledg01_committee_book_rows_names_and_confidential_content(ctx: Ctx) -> None:
    branch = ctx.ids["child"]
    a = await member(ctx, "child", "簿册甲")
    b = await member(ctx, "child", "簿册乙")
    c = await member(ctx, "child", "簿册丙")
    d = await member(ctx, "child", "街道联络员")
    everyone = [
        Att(a, Attendance.present),
        Att(b, None, LeaveStatus.approved),
        Att(c, Attendance.absent),
    ]
    await held_meeting(
        ctx,
        branch,
        BT,
        M1 + timedelta(days=4),
        [*everyone, Att(d, Attendance.sitting_in, role=AttendeeRole.sitting_in)],
        title="研究发展党员工作",
        agenda=[
            ("学习传达上级精神", AgendaStatus.accepted),
            ("不采纳的议题", AgendaStatus.declined),
            ("讨论发展对象", AgendaStatus.accepted),
        ],
        resolutions=[
            {"title": "确定发展对象", "candidate": "赵六", "yes": 3, "passed": True},
            {"title": "增补委员", "yes": 1, "no": 2, "passed": False},
        ],
    )
    await held_meeting(
        ctx,
        branch,
        BT,
        M2 + timedelta(days=4),
        everyone,
        title="研究处分事项",
        confidential=True,
        agenda=[("讨论违纪问题", AgendaStatus.accepted)],
        resolutions=[{"title": "给予警告处分", "candidate": "钱七", "yes": 3, "passed": True}],
    )
    # not in this book: another organisation, a cancelled meeting, another type, another year
    await held_meeting(ctx, ctx.ids["own"], BT, M1 + timedelta(days=6), title="社区党委会")
    await held_meeting(ctx, branch, BT, M1 + timedelta(days=8), status=MeetingStatus.cancelled)
    await held_meeting(
        ctx, branch, ASSEMBLY, M3 + timedelta(days=2), everyone, title="支部党员大会"
    )
    await held_meeting(ctx, branch, BT, date(M1.year - 1, 12, 31), title="去年的会")
    year = M1.year

    heading, rows = await _ledger_rows(ctx, "secretary", "committee", year)
    assert heading.startswith(f"支委会记录簿　第一党支部（幸福小区）　{year}年　导出人：")
    assert (
        "导出人：东风社区党委书记" in heading
        and "secretary" not in heading
        and "导出时间：" in heading
        and "保密" not in heading
    )
    assert [r[3] for r in rows] == ["研究发展党员工作", "研究处分事项"]
    first = dict(zip(HEADERS, rows[0], strict=True))
    assert (
        first["会议日期"] == (M1 + timedelta(days=4)).isoformat() and first["时间"] == "10:00–12:00"
    )
    assert (first["应到"], first["实到"], first["请假"], first["缺席"]) == (3, 1, 1, 1)
    assert (first["实到人员"], first["请假人员"], first["缺席人员"]) == (
        "簿册甲",
        "簿册乙",
        "簿册丙",
    )
    assert first["列席人员"] == "街道联络员"
    assert (first["地点"], first["主持人"], first["记录人"]) == (
        "党群服务中心",
        "主持人甲",
        "记录人乙",
    )
    assert first["议题"] == "1. 学习传达上级精神\n2. 讨论发展对象"
    assert "确定发展对象（赵六）：赞成 3，反对 0，弃权 0，无效 0" in first["决议"]
    assert "— 通过" in first["决议"] and "增补委员：赞成 1，反对 2" in first["决议"]
    assert "— 未通过" in first["决议"]
    secret = dict(zip(HEADERS, rows[1], strict=True))
    # the secretary holds minutes.confidential (MTG-08)
    assert secret["议题"] == "1. 讨论违纪问题" and "给予警告处分（钱七）" in secret["决议"]

    # the 组织委员 exports the book but may not read confidential minutes
    heading, rows = await _ledger_rows(ctx, "zuzhi", "committee", year)
    assert "1 次保密会议的议题和决议未显示" in heading
    hidden = dict(zip(HEADERS, rows[1], strict=True))
    assert (hidden["议题"], hidden["决议"]) == ("（保密）", "（保密）")
    assert hidden["会议主题"] == "研究处分事项" and hidden["实到"] == 1
    assert dict(zip(HEADERS, rows[0], strict=True))["议题"].startswith("1. 学习传达上级精神")

    # the other book of the same branch
    heading, rows = await _ledger_rows(ctx, "secretary", "branch_assembly", year)
    assert heading.startswith("党员大会记录簿") and [r[3] for r in rows] == ["支部党员大会"]

    # every export is audited
    async with ctx.db.sessionmaker() as session:
        audits = (
            await session.scalars(
                select(AuditLog).where(AuditLog.action == "ledger.export").order_by(AuditLog.seq)
            )
        ).all()
    assert [(x.entity_id, x.after["book"], x.after["rows"]) for x in audits] == [
        (str(branch), "committee", 2),
        (str(branch), "committee", 2),
        (str(branch), "branch_assembly", 1),
    ]
    assert audits[1].after["confidential_hidden"] == 1 and audits[1].actor_label.endswith(
        "（zuzhi）"
    )
    assert all(x.at <= datetime.now(UTC) for x in audits)
