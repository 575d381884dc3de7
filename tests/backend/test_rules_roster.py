"""Who counts, and when (issue 12, items 1, 2, 4 and 7): every count over a period uses the
roster as it stood then, derived from the dated member events (MEM-02, MEM-06, DUES-10); the
voters of a meeting are fixed on its day (MTG-07); suspended members are not expected (MEM-07);
members out of contact are, flow-in members have no vote (MTG-07, XFER-06)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from conftest import Ctx, fresh_member
from dues_support import API, member, now, paid, ym
from test_dues_reports import _org
from test_meeting_compliance import Att, held_meeting, month_shift

from dangjian.core import clock
from dangjian.core.calendar import month_start
from dangjian.members import rules
from dangjian.members.enums import EventType
from dangjian.models import Member
from dangjian.models.enums import Attendance, MeetingType, MemberKind, MemberStatus
from dangjian.organizations.rules import add_years

MEETINGS = "/api/v1/meetings"
FORMAL = {
    "kind": MemberKind.formal,
    "joined_on": date(2000, 7, 1),
    "converted_on": date(2001, 7, 1),
}


async def event(ctx: Ctx, m: Member, type_: str, on: date, **extra: Any) -> None:
    r = await ctx.post(
        f"/api/v1/members/{m.id}/events",
        "clerk",
        json={"type": type_, "occurred_on": str(on), "reason": "经研究决定", **extra},
    )
    assert r.status_code == 201, r.text


async def _get(ctx: Ctx, url: str, who: str = "secretary", **params: Any) -> bytes:
    r = await ctx.get(url, who, params=params)
    assert r.status_code == 200, r.text
    return r.content


# ---------------------------------------------------------------- item 1: DUES-10, MEM-06


async def test_dues10_mem06_past_reports_unchanged_after_a_death_and_a_transfer(ctx: Ctx) -> None:
    branch = await _org(ctx, "rr", "own", "在册核对支部", "branch")
    n = now()
    closed = n - 2
    last_year = clock.today().year - 1
    a = await member(ctx, "rr", since=n - 14, amount="4000.00", **FORMAL)  # 40.00 a month
    b = await member(ctx, "rr", since=n - 14, amount="4000.00", **FORMAL)
    await paid(ctx, "zuzhi", a.id, [closed], "40.00")
    await paid(ctx, "zuzhi", b.id, [closed - 1, closed], "80.00")
    met = date(last_year, 6, 10)
    await held_meeting(
        ctx, branch, MeetingType.branch_assembly, met, [Att(a, Attendance.present), Att(b)]
    )
    closed_end = month_start(closed + 1) - timedelta(days=1)
    reports = {
        "monthly": (f"{API}/reports/monthly", {"org_id": branch, "month": ym(closed)}),
        "yearly": (f"{API}/reports/yearly", {"org_id": branch, "year": last_year}),
        "published": (f"{API}/reports/published", {"org_id": branch, "year": last_year}),
        "ledger": (f"{API}/ledger", {"org_id": branch, "year": last_year, "size": 100}),
        "statistics": ("/api/v1/members/statistics", {"org_id": branch, "on": str(closed_end)}),
        "compliance": (
            "/api/v1/compliance/meetings",
            {"org_id": branch, "period": str(last_year)},
        ),
        "attendance": (
            "/api/v1/compliance/attendance",
            {"org_id": branch, "period": str(last_year)},
        ),
    }
    before = {k: await _get(ctx, url, **params) for k, (url, params) in reports.items()}
    monthly = await ctx.get(reports["monthly"][0], "secretary", params=reports["monthly"][1])
    assert (monthly.json()["total"]["members"], monthly.json()["total"]["amount_due"]) == (
        2,
        "80.00",
    )

    # a death on the first day of this month and a transfer out today (after the closed month)
    this_month = month_start(n)
    await event(ctx, a, EventType.death, this_month)
    await event(ctx, b, EventType.transfer_out, clock.today())

    after = {k: await _get(ctx, url, **params) for k, (url, params) in reports.items()}
    for key in reports:
        assert after[key] == before[key], key  # byte for byte

    # from the event's date on, the member leaves the counts (MEM-06)
    current = await ctx.get(
        f"{API}/reports/monthly", "secretary", params={"org_id": branch, "month": ym(n)}
    )
    expected_now = 0 if clock.today() == this_month else 1  # b was here on day one
    assert current.json()["total"]["members"] == expected_now
    today = await ctx.get("/api/v1/members/statistics", "secretary", params={"org_id": branch})
    assert today.json()["total"] == 0
    ledger = await ctx.get(
        f"{API}/members/{a.id}/statement", "zuzhi", params={"year": this_month.year}
    )
    months = {c["month"]: c["state"] for c in ledger.json()["months"]}
    assert months[ym(n)] == "off_roster" and months[ym(closed)] == "paid"


async def test_mem06_statistics_on_a_past_date_count_who_was_there(ctx: Ctx) -> None:
    branch = await _org(ctx, "rs", "own", "统计核对支部", "branch")
    here = await fresh_member(ctx, branch, **FORMAL)
    await fresh_member(
        ctx, branch, kind=MemberKind.probationary, joined_on=date(2020, 3, 1), converted_on=None
    )
    arrived = await fresh_member(ctx, branch, **FORMAL)
    await event(ctx, arrived, EventType.transfer_in, date(2022, 5, 10))
    await event(ctx, here, EventType.death, date(2023, 1, 5))

    async def stats(on: str) -> dict[str, Any]:
        r = await ctx.get(
            "/api/v1/members/statistics", "secretary", params={"org_id": branch, "on": on}
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    # 2019: only `here` (the probationary member joined 2020, `arrived` came in 2022)
    assert (await stats("2019-12-31"))["total"] == 1
    s2021 = await stats("2021-06-30")
    assert s2021["total"] == 2 and s2021["on"] == "2021-06-30"
    s2022 = await stats("2022-12-31")
    assert s2022["total"] == 3
    assert {r["key"]: r["count"] for r in s2022["by_kind"]} == {"formal": 2, "probationary": 1}
    assert (await stats("2023-01-05"))["total"] == 2  # died that day: out of every count


def test_mem06_python_and_sql_share_one_rule_for_the_first_event() -> None:
    E = rules.EventFact
    joined_later = [E(EventType.transfer_in, date(2022, 5, 10))]
    assert rules.status_on(joined_later, date(2022, 5, 9)) is None
    assert rules.status_on(joined_later, date(2022, 5, 10)) is MemberStatus.normal
    assert rules.on_roster_during(joined_later, None, date(2022, 5, 1), date(2022, 5, 31))
    assert not rules.on_roster_during(joined_later, None, date(2022, 4, 1), date(2022, 4, 30))
    died = [E(EventType.death, date(2023, 1, 5))]
    assert rules.on_roster_during(died, None, date(2023, 1, 1), date(2023, 1, 31))
    assert not rules.on_roster_during(died, None, date(2023, 2, 1), date(2023, 2, 28))
    assert rules.status_on([], date(2023, 1, 1), MemberStatus.deceased) is MemberStatus.deceased


# ---------------------------------------------------------------- items 4, 2, 7: MTG-07, MEM-07


def _soon(minutes: int = 20) -> str:
    """A start that has just passed (holding is allowed, no late-record reason needed)."""
    return (datetime.now(UTC) - timedelta(minutes=minutes)).replace(microsecond=0).isoformat()


async def _assembly(ctx: Ctx, branch: int) -> dict[str, Any]:
    r = await ctx.post(
        MEETINGS,
        "secretary",
        json={
            "organization_id": branch,
            "type": "branch_assembly",
            "title": "支部党员大会",
            "starts_at": _soon(),
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _expected(meeting: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {a["member_id"]: a for a in meeting["attendees"] if a["role"] == "expected"}


async def test_mtg07_voters_are_fixed_when_the_meeting_is_held(ctx: Ctx) -> None:
    branch = await _org(ctx, "rv", "own", "表决核对支部", "branch")
    dies = await fresh_member(ctx, branch, **FORMAL)
    watched = await fresh_member(ctx, branch, **FORMAL)
    stays = await fresh_member(ctx, branch, **FORMAL)
    also = await fresh_member(ctx, branch, **FORMAL)
    draft = await _assembly(ctx, branch)
    assert set(_expected(draft)) == {dies.id, watched.id, stays.id, also.id}
    assert draft["quorum"]["expected"] == 4

    # between drafting and holding: a death, a 留党察看 and a member joining the roster
    today = clock.today()
    await event(ctx, dies, EventType.death, today)
    await event(ctx, watched, EventType.party_probation, today, ends_on=str(add_years(today, 1)))
    newcomer = await fresh_member(ctx, branch, **FORMAL)
    ids = {a["member_id"]: a["id"] for a in draft["attendees"]}
    marks = [
        {"attendee_id": ids[stays.id], "attendance": "present"},
        {"attendee_id": ids[also.id], "attendance": "present"},
    ]
    r = await ctx.client.put(
        f"{MEETINGS}/{draft['id']}/attendance", headers=ctx.auth("secretary"),
        json={"entries": marks},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    # as drafted: 4 voters, 2 present — no quorum; as the roster stands on the day: 3 voters
    # (stays, also, newcomer; 留党察看 has no vote, the deceased is gone), 2 present — quorum
    held = await ctx.post(f"{MEETINGS}/{draft['id']}/hold", "secretary", json={})
    assert held.status_code == 200, held.text
    meeting = held.json()
    people = _expected(meeting)
    assert set(people) == {watched.id, stays.id, also.id, newcomer.id}
    assert people[watched.id]["voter"] is False and people[newcomer.id]["voter"] is True
    assert meeting["quorum"]["expected"] == 3 and meeting["quorum"]["present"] == 2


async def test_mem07_suspended_members_are_not_expected_nor_absence_cases(ctx: Ctx) -> None:
    branch = await _org(ctx, "rp", "own", "暂停核对支部", "branch")
    suspended = await fresh_member(ctx, branch, **FORMAL)
    other = await fresh_member(ctx, branch, **FORMAL)
    today = clock.today()
    for offset in range(-4, 0):
        day = month_shift(today, offset) + timedelta(days=9)
        await held_meeting(
            ctx, branch, MeetingType.org_life, day,
            [Att(suspended, Attendance.absent), Att(other, Attendance.present)],
        )  # fmt: skip
    absences = await ctx.get("/api/v1/compliance/absences", "secretary", params={"org_id": branch})
    assert [r["member_id"] for r in absences.json()["rows"]] == [suspended.id]

    await event(ctx, suspended, EventType.suspension, month_shift(today, -4))
    absences = await ctx.get("/api/v1/compliance/absences", "secretary", params={"org_id": branch})
    assert absences.json()["rows"] == []
    meeting = await _assembly(ctx, branch)
    assert set(_expected(meeting)) == {other.id}


async def test_mtg07_xfer06_lost_contact_counts_and_flow_in_members_have_no_vote(ctx: Ctx) -> None:
    branch = await _org(ctx, "rl", "own", "失联核对支部", "branch")
    lost = await fresh_member(ctx, branch, **FORMAL)
    await event(ctx, lost, EventType.lost_contact, date(2025, 1, 10))
    flow_in = await fresh_member(ctx, branch, categories=["floating_in"], **FORMAL)
    plain = await fresh_member(ctx, branch, **FORMAL)
    meeting = await _assembly(ctx, branch)
    people = _expected(meeting)
    # out of contact: still expected and a voter (only MTG-07's cases, with consent, leave)
    assert people[lost.id]["voter"] is True
    # flow-in: takes part without a vote (XFER-06)
    assert people[flow_in.id]["voter"] is False
    assert people[plain.id]["voter"] is True
    assert meeting["quorum"]["expected"] == 2
