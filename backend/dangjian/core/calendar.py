"""Calendar months and report periods, shared by every domain that counts by month.

A month is an integer index (`year * 12 + month - 1`), so ranges of months are ranges of integers;
report periods are calendar months, quarters, half-years and years counted from January (MTG-02).
Dates are calendar dates of the configured zone (`dangjian.core.clock`), never instants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_end(index: int) -> date:
    return month_start(index + 1) - ONE_DAY


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def index_of(day: date) -> int:
    """The month index of the month `day` lies in."""
    return month_index(day.year, day.month)


def parse_month(text: str) -> int:
    """ "2026-11" → a month index (the schemas have checked the pattern)."""
    year, month = (int(x) for x in text.split("-"))
    return month_index(year, month)


@dataclass(frozen=True)
class ReportPeriod:
    """A calendar month, quarter, half-year or year (dates inclusive)."""

    label: str
    starts_on: date
    ends_on: date

    @property
    def first_month(self) -> int:
        return month_index(self.starts_on.year, self.starts_on.month)

    @property
    def last_month(self) -> int:
        return month_index(self.ends_on.year, self.ends_on.month)


_PERIOD = re.compile(r"(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])|[Hh]([12])))?")


def parse_period(text: str | None, today: date) -> ReportPeriod:
    """`2026-11` month, `2026-Q4` quarter, `2026-H2` half-year, `2026` year; None: this quarter.

    Raises ValueError with a Chinese message."""
    if text is None or not text.strip():
        q = (today.month - 1) // 3 + 1
        return _span(f"{today.year}-Q{q}", today.year, 3 * q - 2, 3)
    match = _PERIOD.fullmatch(text.strip())
    if not match:
        raise ValueError(
            "报告期格式应为 2026-11（月）、2026-Q4（季度）、2026-H2（半年）或 2026（年）"
        )
    year = int(match[1])
    if not 2000 <= year <= 2100:
        raise ValueError("报告期年份应在 2000–2100 之间")
    if match[2] is not None:
        month = int(match[2])
        if not 1 <= month <= 12:
            raise ValueError("月份应为 1–12")
        return _span(f"{year}-{month:02d}", year, month, 1)
    if match[3] is not None:
        q = int(match[3])
        return _span(f"{year}-Q{q}", year, 3 * q - 2, 3)
    if match[4] is not None:
        h = int(match[4])
        return _span(f"{year}-H{h}", year, 6 * h - 5, 6)
    return _span(f"{year}", year, 1, 12)


def _span(label: str, year: int, first_month: int, months: int) -> ReportPeriod:
    first = month_index(year, first_month)
    return ReportPeriod(label, month_start(first), month_end(first + months - 1))
