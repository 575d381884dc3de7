"""Dues calculator schemas: money travels as decimal strings ("3000.00"), never as JSON numbers."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from dangjian.core.schemas import InputModel
from dangjian.dues.rules import DuesCategory

# Yuan with at most two decimals; up to 9 integer digits (rules.MAX_BASIS).
MONEY_PATTERN = r"^\d{1,9}(\.\d{1,2})?$"
_MONEY = re.compile(r"\d{1,9}(\.\d{1,2})?")


def _money_text(value: str) -> str:
    # The pattern is checked here rather than by `Field(pattern=…)` so that the message says
    # what is expected; the OpenAPI schema still carries the pattern (json_schema_extra).
    if not _MONEY.fullmatch(value):
        raise ValueError("金额应为数字（元），至多两位小数，如 3000.00")
    return value


MoneyText = Annotated[
    str,
    AfterValidator(_money_text),
    Field(json_schema_extra={"pattern": MONEY_PATTERN}, examples=["3000.00"]),
]


class DuesCalculateIn(InputModel):
    category: DuesCategory = Field(description="党费交纳类别")
    basis: MoneyText | None = Field(
        None, description="月缴费基数（元，字符串）；按比例计算的类别必填，固定金额的类别不填"
    )
    fixed_amount: MoneyText | None = Field(
        None,
        description="每月交纳金额（元，字符串）；仅农民党员填写（默认 0.20 至 1.00 元）",
        examples=["0.50"],
    )


class DuesCalculation(BaseModel):
    category: DuesCategory
    category_label: str = Field(description="交纳类别的中文名称")
    rate: str | None = Field(
        description="适用比例（小数字符串，0.005 即 0.5%）；固定金额的类别为 null",
        examples=["0.005"],
    )
    monthly_amount: str = Field(description="每月应交党费（元，两位小数）", examples=["15.00"])
    bracket: str = Field(description="适用档次", examples=["3000元（含）以下"])


MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class DuesBasisCreate(InputModel):
    category: DuesCategory = Field(description="党费交纳类别")
    basis: MoneyText | None = Field(None, description="月缴费基数（元，字符串）")
    fixed_amount: MoneyText | None = Field(None, description="每月交纳金额（仅农民党员）")
    effective_month: str = Field(
        pattern=MONTH_PATTERN,
        description="自哪个月起适用（新收入开始的月份，DUES-01），如 2026-11",
        examples=["2026-11"],
    )
    note: str | None = Field(None, max_length=200)


class DuesBasisRead(BaseModel):
    id: int
    category: DuesCategory
    category_label: str
    basis: str | None = Field(description="月缴费基数；无权查看收入时为空")
    fixed_amount: str | None
    rate: str | None
    monthly_amount: str
    bracket: str
    effective_from: date
    note: str | None
    recorded_by: str
    created_at: datetime


class DuesBasisList(BaseModel):
    member_id: int
    member_name: str
    current: DuesBasisRead | None = Field(description="本月适用的基数")
    history: list[DuesBasisRead] = Field(description="全部记录，新的在前（只增不改）")
    basis_visible: bool = Field(description="可否查看收入基数（完整个人信息权限或本人）")
    can_edit: bool
