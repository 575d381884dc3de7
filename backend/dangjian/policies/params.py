"""The parameters (the *param* items of RULES.md) and their defaults — shipped in code.

Each parameter knows its rule, its Chinese label and how to check a value. A value set for an
organisation applies to its whole subtree from its effective date until changed or cleared.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from dangjian.meetings.enums import MEETING_TYPE_LABELS
from dangjian.models.enums import MeetingType


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
    months = "months"  # whole months, 1–24
    choice = "choice"  # one key of `options`
    choices = "choices"  # a subset of the keys of `options` (a list, possibly empty)
    money_range = "money_range"  # ["0.20", "1.00"]: yuan as decimal strings, low ≤ high


@dataclass(frozen=True)
class Param:
    key: str
    label: str
    rule: str
    group: str
    kind: ParamKind
    default: Any
    options: dict[str, str] | None = None  # choice / choices: value → Chinese label
    limits: tuple[str, str] | None = None  # money_range: the range a value must lie within


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


def _months(value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 24:
        return "月数应为 1–24 的整数"
    return None


_YUAN = re.compile(r"\d{1,6}(\.\d{1,2})?")


def _money_range(value: Any) -> str | None:
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, str) and _YUAN.fullmatch(v) for v in value)
    )
    if not ok:
        return '应为两个金额（元，至多两位小数），如 ["0.20", "1.00"]'
    if Decimal(value[0]) > Decimal(value[1]):
        return "下限不能高于上限"
    return None


CHECKS: dict[ParamKind, Callable[[Any], str | None]] = {
    ParamKind.frequency: _frequency,
    ParamKind.days: _days,
    ParamKind.months_ladder: _ladder,
    ParamKind.months: _months,
    ParamKind.money_range: _money_range,
}


def _check_options(param: Param, value: Any) -> str | None:
    options = param.options or {}
    if param.kind is ParamKind.choice:
        return None if isinstance(value, str) and value in options else "应为可选项之一"
    ok = (
        isinstance(value, list)
        and all(isinstance(v, str) and v in options for v in value)
        and len(set(value)) == len(value)
    )
    return None if ok else "应为可选项的列表（不重复）"


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
    # R: DUES-01 — the two ways of fixing the monthly amount, and what "after tax" deducts.
    "dues.mode": Param(
        key="dues.mode",
        label="党费交纳额核定方式",
        rule="DUES-01",
        group="党费",
        kind=ParamKind.choice,
        default="monthly_basis",
        options={
            "monthly_basis": "按月：收入变化的当月起按新基数计算",
            "annual_fixed": "按年：每年初核定月交纳额，年内不变",
        },
    ),
    "dues.deductions": Param(
        key="dues.deductions",
        label="计算税后收入时另行扣除的项目（个人所得税总是扣除）",
        rule="DUES-01",
        group="党费",
        kind=ParamKind.choices,
        default=[],
        options={
            "pension": "个人缴纳的养老保险",
            "medical": "个人缴纳的医疗保险",
            "unemployment": "个人缴纳的失业保险",
            "housing_fund": "个人缴纳的住房公积金",
            "annuity": "职业（企业）年金",
        },
    ),
    "dues.farmer_range": Param(
        key="dues.farmer_range",
        label="农民党员每月交纳金额范围（元）",
        rule="DUES-02",
        group="党费",
        kind=ParamKind.money_range,
        default=["0.20", "1.00"],
        # R: DUES-02 — the province sets the farmers' amount within 0.20–1.00 yuan.
        limits=("0.20", "1.00"),
    ),
    "dues.reminder_months": Param(
        key="dues.reminder_months",
        label="欠交党费提醒月数",
        rule="DUES-08",
        group="党费",
        kind=ParamKind.months,
        default=3,
    ),
    "dues.lapse_months": Param(
        key="dues.lapse_months",
        label="连续不交党费按自行脱党处理月数",
        rule="DUES-08",
        group="党费",
        kind=ParamKind.months,
        default=6,
    ),
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
    if param.options is not None:
        return _check_options(param, value)
    problem = CHECKS[param.kind](value)
    if problem is None and param.limits is not None:
        low, high = param.limits
        if Decimal(value[0]) < Decimal(low) or Decimal(value[1]) > Decimal(high):
            return f"应在 {low} 元至 {high} 元之间"
    return problem
