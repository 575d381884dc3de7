"""Rule fidelity of the meeting compliance report (issue 12, item 3): required counts are summed
over the policy periods of the report period, each judged by the frequency in force on its first
day (MTG-02 "compliance for 2026-Q1 is judged by the policy in force then").

Dates are relative to today (this quarter, last year, next year), so the tests do not rot."""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import Ctx

from dangjian.compliance.service import Regime, counted_periods, policy_periods
from dangjian.core import clock
from dangjian.core.calendar import month_index, parse_period
from dangjian.models import PolicyValue
from dangjian.policies.params import Period

C = "/api/v1/compliance"
COMMITTEE = "meetings.frequency.committee"
ASSEMBLY = "meetings.frequency.branch_assembly"
GROUP = "meetings.frequency.group_meeting"
TODAY = clock.today()
NEXT_YEAR = TODAY.year + 1


def freq(count: int, period: str) -> dict[str, Any]:
    return {"count": count, "period": period}


async def set_policy(ctx: Ctx, target: str, key: str, value: Any, effective_from: date) -> None:
    """A setting stored directly (the API refuses dates before today)."""
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


async def row(ctx: Ctx, period: str, target: str, type_: str) -> dict[str, Any]:
    r = await ctx.get(
        f"{C}/meetings", "secretary", params={"org_id": ctx.ids["own"], "period": period}
    )
    assert r.status_code == 200, r.text
    found = [
        x
        for x in r.json()["rows"]
        if x["organization_id"] == ctx.ids[target] and x["type"] == type_
    ]
    assert len(found) == 1, (period, target, type_, r.json()["rows"])
    return found[0]


def quarter_of(day: date) -> tuple[str, date]:
    """The label of the quarter containing `day` and its first day."""
    q = (day.month - 1) // 3 + 1
    return f"{day.year}-Q{q}", date(day.year, 3 * q - 2, 1)


def previous_quarter_label(day: date) -> str:
    _, first = quarter_of(day)
    back = date(first.year - 1, 10, 1) if first.month == 1 else date(first.year, first.month - 3, 1)
    return quarter_of(back)[0]


# ---------------------------------------------------------------- the walk (pure)


def regimes(*changes: tuple[date, int, Period]) -> Any:
    """A frequency history: 1 / month before the first change, then each change from its date."""

    def on(day: date) -> Regime:
        current = Regime(1, Period.month)
        for start, count, per in changes:
            if start <= day:
                current = Regime(count, per)
        return current

    return on


def walk(history: Any, year: int) -> list[tuple[int, int, int, str]]:
    """(first month, last month, count, unit) of each policy period of `year`, months 1–12."""
    first, last = month_index(year, 1), month_index(year, 12)
    return [
        (p.first - first + 1, p.last - first + 1, p.regime.count, p.regime.per.value)
        for p in policy_periods(history, first, last)
    ]


def test_mtg02_a_change_applies_from_the_first_policy_period_beginning_on_or_after_it() -> None:
    y = 2030
    # 1 → 2 a month from 15 March: March is judged by 1, April by 2; from 1 March: March by 2
    mid = walk(regimes((date(y, 3, 15), 2, Period.month)), y)
    assert [c for *_, c, _ in mid] == [1, 1, 1] + [2] * 9
    on_first = walk(regimes((date(y, 3, 1), 2, Period.month)), y)
    assert [c for *_, c, _ in on_first] == [1, 1] + [2] * 10
    # 1 / quarter → 2 / quarter on 15 February: the first quarter keeps 1
    quarterly = walk(
        regimes((date(y - 1, 1, 1), 1, Period.quarter), (date(y, 2, 15), 2, Period.quarter)), y
    )
    assert quarterly == [
        (1, 3, 1, "quarter"),
        (4, 6, 2, "quarter"),
        (7, 9, 2, "quarter"),
        (10, 12, 2, "quarter"),
    ]


def test_mtg02_a_unit_change_keeps_the_old_unit_until_the_new_units_next_period() -> None:
    y = 2030
    # monthly → quarterly on 15 February: January–March monthly (March: the new unit's quarter
    # began before the change), then quarters
    to_quarter = walk(regimes((date(y, 2, 15), 1, Period.quarter)), y)
    assert to_quarter == [
        (1, 1, 1, "month"),
        (2, 2, 1, "month"),
        (3, 3, 1, "month"),
        (4, 6, 1, "quarter"),
        (7, 9, 1, "quarter"),
        (10, 12, 1, "quarter"),
    ]
    # quarterly → twice a month on 15 February: the first quarter as a quarter, then months
    to_month = walk(
        regimes((date(y - 1, 1, 1), 1, Period.quarter), (date(y, 2, 15), 2, Period.month)), y
    )
    assert to_month[0] == (1, 3, 1, "quarter") and to_month[1:] == [
        (m, m, 2, "month") for m in range(4, 13)
    ]
    # every two months → quarterly on 15 January: two-month periods until a quarter begins (July)
    two = walk(
        regimes((date(y - 1, 1, 1), 1, Period.two_months), (date(y, 1, 15), 1, Period.quarter)),
        y,
    )
    assert two == [
        (1, 2, 1, "two_months"),
        (3, 4, 1, "two_months"),
        (5, 6, 1, "two_months"),
        (7, 9, 1, "quarter"),
        (10, 12, 1, "quarter"),
    ]
    # monthly → half-yearly on 1 April: April–June stay monthly, the second half-year is one period
    half = walk(regimes((date(y, 4, 1), 3, Period.half_year)), y)
    assert half == [(m, m, 1, "month") for m in range(1, 7)] + [(7, 12, 3, "half_year")]
    # every month is in exactly one period: nothing counted twice, nothing left out
    for periods in (to_quarter, to_month, two, half):
        months = [m for first, last, *_ in periods for m in range(first, last + 1)]
        assert months == list(range(1, 13))
    # the year's required is the sum; a quarter counts the periods that end inside it
    history = regimes((date(y, 2, 15), 1, Period.quarter))
    year = parse_period(str(y), TODAY)
    periods = policy_periods(history, year.first_month, year.last_month)
    assert sum(p.regime.count for p in counted_periods(periods, year)) == 6
    q1 = parse_period(f"{y}-Q1", TODAY)
    assert len(counted_periods(periods, q1)) == 3


# ---------------------------------------------------------------- the report (both databases)


async def test_mtg02_frequency_raised_this_quarter_keeps_past_verdicts_and_sums_the_year(
    ctx: Ctx,
) -> None:
    this_quarter, quarter_start = quarter_of(TODAY)
    # 支委会 from once to twice a month, effective the first day of the current quarter
    await set_policy(ctx, "child", COMMITTEE, freq(2, "month"), quarter_start)

    last_year = await row(ctx, str(TODAY.year - 1), "child", "committee")
    assert (last_year["count"], last_year["required"]) == (1, 12)
    last_quarter = await row(ctx, previous_quarter_label(TODAY), "child", "committee")
    assert (last_quarter["count"], last_quarter["required"]) == (1, 3)
    assert last_quarter["colour"] == "red"  # nothing held in a quarter that is over

    # this year: the months before the change once, those from it on twice
    before, since = quarter_start.month - 1, 13 - quarter_start.month
    year = await row(ctx, str(TODAY.year), "child", "committee")
    assert (year["count"], year["per"], year["required"]) == (2, "month", before + 2 * since)
    assert (year["counted_from"], year["counted_to"]) == (
        date(TODAY.year, 1, 1).isoformat(),
        date(TODAY.year, 12, 31).isoformat(),
    )
    assert year["colour"] == "amber"  # the year is not over: a shortfall, not yet red
    current = await row(ctx, this_quarter, "child", "committee")
    assert (current["count"], current["required"]) == (2, 6)


async def test_mtg02_policy_set_ahead_judges_the_future_period_it_is_effective_in(
    ctx: Ctx,
) -> None:
    start = date(NEXT_YEAR, 1, 1)
    # set today through the API, effective from next 1 January
    put = await ctx.client.put(
        f"/api/v1/organizations/{ctx.ids['child']}/policy",
        headers=ctx.auth("secretary"),
        json={"values": {COMMITTEE: freq(2, "month")}, "effective_from": start.isoformat()},
    )
    assert put.status_code == 200, put.text

    q1 = await row(ctx, f"{NEXT_YEAR}-Q1", "child", "committee")
    assert (q1["count"], q1["required"], q1["held"]) == (2, 6, 0)
    assert q1["colour"] == "amber"  # a period still to come is never red
    assert (await row(ctx, str(NEXT_YEAR), "child", "committee"))["required"] == 24
    # the current year is untouched by it
    year = await row(ctx, str(TODAY.year), "child", "committee")
    assert (year["count"], year["required"]) == (1, 12)


async def test_mtg02_change_in_the_middle_of_a_quarter_applies_from_the_next_period(
    ctx: Ctx,
) -> None:
    y = NEXT_YEAR
    mid_february = date(y, 2, 15)
    await set_policy(ctx, "child", COMMITTEE, freq(2, "month"), mid_february)
    await set_policy(ctx, "child", ASSEMBLY, freq(2, "quarter"), mid_february)
    await set_policy(ctx, "group", GROUP, freq(1, "quarter"), mid_february)

    # monthly: February began before the change, March after it
    assert (await row(ctx, f"{y}-02", "child", "committee"))["required"] == 1
    march = await row(ctx, f"{y}-03", "child", "committee")
    assert (march["count"], march["required"]) == (2, 2)
    assert (await row(ctx, f"{y}-Q1", "child", "committee"))["required"] == 1 + 1 + 2
    # quarterly: the first quarter began under once a quarter, the second under twice
    first = await row(ctx, f"{y}-Q1", "child", "branch_assembly")
    assert (first["count"], first["required"]) == (1, 1)
    second = await row(ctx, f"{y}-Q2", "child", "branch_assembly")
    assert (second["count"], second["required"]) == (2, 2)
    assert (await row(ctx, str(y), "child", "branch_assembly"))["required"] == 1 + 2 + 2 + 2
    # a unit change (monthly → quarterly): January–March monthly, then one a quarter
    q1 = await row(ctx, f"{y}-Q1", "group", "group_meeting")
    assert (q1["per"], q1["required"]) == ("month", 3)
    q2 = await row(ctx, f"{y}-Q2", "group", "group_meeting")
    assert (q2["per"], q2["required"], q2["counted_from"]) == (
        "quarter",
        1,
        date(y, 4, 1).isoformat(),
    )
    assert (await row(ctx, str(y), "group", "group_meeting"))["required"] == 3 + 3


async def test_mtg02_inherited_and_cleared_values_are_judged_period_by_period(ctx: Ctx) -> None:
    y = NEXT_YEAR
    await set_policy(ctx, "own", COMMITTEE, freq(2, "month"), date(y, 1, 1))
    await set_policy(ctx, "child", COMMITTEE, freq(3, "month"), date(y, 4, 1))
    # cleared: the question passes up to the community again
    await set_policy(ctx, "child", COMMITTEE, None, date(y, 7, 1))
    year = await row(ctx, str(y), "child", "committee")
    assert (year["count"], year["required"]) == (2, 3 * 2 + 3 * 3 + 6 * 2)
    assert (await row(ctx, f"{y}-Q2", "child", "committee"))["required"] == 9
