"""Policy periods and counting windows (MTG-02): which periods of a meeting-frequency policy a
report period judges, what they require, and the colour of the verdict. Pure functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from dangjian.compliance.schemas import Colour
from dangjian.core.calendar import ReportPeriod, month_end, month_start
from dangjian.policies.params import Period

# R: MTG-02 — policy periods are calendar-aligned from January (two_months: Jan–Feb, Mar–Apr …).
POLICY_MONTHS: dict[Period, int] = {
    Period.month: 1,
    Period.two_months: 2,
    Period.quarter: 3,
    Period.half_year: 6,
    Period.year: 12,
}


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
