"""Dues calculator schemas: money travels as decimal strings ("3000.00"), never as JSON numbers."""

from __future__ import annotations

import re
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
