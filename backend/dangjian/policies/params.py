"""The parameters (the *param* items of RULES.md) and their defaults — shipped in code.

Each parameter knows its rule, its Chinese label and how to check a value. A value set for an
organisation applies to its whole subtree from its effective date until changed or cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dangjian.meetings.enums import MEETING_TYPE_LABELS, MeetingType


class Period(StrEnum):
    month = "month"
    two_months = "two_months"
    quarter = "quarter"
    half_year = "half_year"
    year = "year"


PERIOD_LABELS = {
    Period.month: "每月",
    Period.two_months: "每两个月",
    Period.quarter: "每季度",
    Period.half_year: "每半年",
    Period.year: "每年",
}


class ParamKind(StrEnum):
    frequency = "frequency"  # {"count": n, "period": Period}; count 0 = not required
    days = "days"  # whole days
    months_ladder = "months_ladder"  # three ascending month counts


@dataclass(frozen=True)
class Param:
    key: str
    label: str
    rule: str
    group: str
    kind: ParamKind
    default: Any


def _frequency(value: Any) -> str | None:
    if not isinstance(value, dict) or set(value) != {"count", "period"}:
        return "应为 {count: 次数, period: 周期}"
    count, period = value["count"], value["period"]
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 31:
        return "次数应为 0–31 的整数（0 表示不作要求）"
    if period not in Period.__members__:
        return "周期应为 每月/每两个月/每季度/每半年/每年 之一"
    return None


def _days(value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 60:
        return "天数应为 0–60 的整数"
    return None


def _ladder(value: Any) -> str | None:
    ok = (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 24 for v in value)
        and value[0] < value[1] < value[2]
    )
    return None if ok else "应为三个递增的月数（1–24），如 [2, 4, 6]"


CHECKS: dict[ParamKind, Callable[[Any], str | None]] = {
    ParamKind.frequency: _frequency,
    ParamKind.days: _days,
    ParamKind.months_ladder: _ladder,
}


def _freq(count: int, period: Period) -> dict[str, Any]:
    return {"count": count, "period": period.value}


# R: MTG-02 — minimum meetings per period (RULES.md defaults).
_FREQUENCIES: dict[MeetingType, dict[str, Any]] = {
    MeetingType.branch_assembly: _freq(1, Period.quarter),
    MeetingType.committee: _freq(1, Period.month),
    MeetingType.group_meeting: _freq(1, Period.month),
    MeetingType.party_lecture: _freq(1, Period.quarter),
    MeetingType.theme_day: _freq(1, Period.month),
    MeetingType.org_life: _freq(1, Period.year),
    MeetingType.democratic_life: _freq(1, Period.year),
    MeetingType.joint_meeting: _freq(1, Period.quarter),
    MeetingType.enlarged_meeting: _freq(1, Period.half_year),
    MeetingType.secretary_office: _freq(0, Period.month),
    MeetingType.council: _freq(1, Period.quarter),
    MeetingType.youth_league: _freq(1, Period.quarter),
    MeetingType.inservice_meeting: _freq(1, Period.two_months),
    MeetingType.residents_forum: _freq(1, Period.quarter),
}
# R: MTG-03 — notice lead time in days (default ≥ 1; 联席会 ≥ 7 to member units).
_NOTICE_DAYS: dict[MeetingType, int] = {t: 1 for t in MeetingType} | {MeetingType.joint_meeting: 7}

PARAMS: dict[str, Param] = {
    **{
        f"meetings.frequency.{t.value}": Param(
            key=f"meetings.frequency.{t.value}",
            label=f"{MEETING_TYPE_LABELS[t]}最少次数",
            rule="MTG-02",
            group="会议频次",
            kind=ParamKind.frequency,
            default=_FREQUENCIES[t],
        )
        for t in MeetingType
    },
    **{
        f"meetings.notice_days.{t.value}": Param(
            key=f"meetings.notice_days.{t.value}",
            label=f"{MEETING_TYPE_LABELS[t]}提前通知天数",
            rule="MTG-03",
            group="会议通知",
            kind=ParamKind.days,
            default=_NOTICE_DAYS[t],
        )
        for t in MeetingType
    },
    "discipline.absence_months": Param(
        key="discipline.absence_months",
        label="无故缺席组织生活处置月数（批评教育 / 纪律处分 / 按自行脱党处理）",
        rule="DISC-01",
        group="组织纪律",
        kind=ParamKind.months_ladder,
        default=[2, 4, 6],
    ),
}


def check(key: str, value: Any) -> str | None:
    """A Chinese problem with `value` for parameter `key`, or None when it is acceptable."""
    param = PARAMS.get(key)
    if param is None:
        return "没有这个参数"
    return CHECKS[param.kind](value)
