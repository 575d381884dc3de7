"""Dues calculator schemas: money travels as decimal strings ("3000.00"), never as JSON numbers."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import Query
from pydantic import AfterValidator, BaseModel, Field

from dangjian.core.schemas import MONTH_PATTERN as MONTH_PATTERN  # re-exported for the router
from dangjian.core.schemas import InputModel
from dangjian.dues.enums import MonthState
from dangjian.models.enums import (
    DuesCategory,
    ExemptionKind,
    ExemptionStatus,
    PaymentKind,
    PaymentMethod,
)

# Yuan with at most two decimals; up to 9 integer digits (rules.MAX_BASIS).
MONEY_PATTERN = r"^\d{1,9}(\.\d{1,2})?$"
_MONEY = re.compile(r"\d{1,9}(\.\d{1,2})?")

# Query parameters of the 收缴记录 list and of its export (the same filters, declared once).
NameQuery = Annotated[str | None, Query(max_length=32, description="党员姓名（包含）")]
PaymentYearQuery = Annotated[int | None, Query(ge=2000, le=2100, description="交纳年度")]
RemitQuery = Annotated[
    Literal["pending", "remitted"] | None,
    Query(description="须上缴中央的自愿多交：pending 待上缴 / remitted 已上缴"),
]


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
    organization_id: int | None = Field(
        None, description="按哪个党组织的规定扣除；不填按平台默认规定"
    )
    deductions: dict[Annotated[str, Field(max_length=32)], MoneyText] = Field(
        default_factory=dict,
        max_length=10,
        description=(
            "每月个人缴纳的扣除项（元）：pension 养老保险、medical 医疗保险、unemployment "
            "失业保险、housing_fund 住房公积金、annuity 职业年金；仅组织规定扣除的项目可填，"
            "从月缴费基数（个人所得税后）中扣除后再确定档次（DUES-01/02）"
        ),
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
    calculation_basis: str | None = Field(
        None, description="扣除规定项目后的计算基数（元）；按固定金额的类别为 null"
    )
    deducted: list[str] = Field(default_factory=list, description="已扣除的项目（中文）")


class DuesBasisCreate(InputModel):
    category: DuesCategory = Field(description="党费交纳类别")
    basis: MoneyText | None = Field(None, description="月缴费基数（元，字符串）")
    fixed_amount: MoneyText | None = Field(None, description="每月交纳金额（仅农民党员）")
    effective_month: str = Field(
        pattern=MONTH_PATTERN,
        description="自哪个月起适用（新收入开始的月份），如 2026-11",
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


class DuesPolicyRead(BaseModel):
    """The dues parameters in force for a member's organisation (shown on the basis form)."""

    mode: str = Field(description="核定方式：monthly_basis 按月 / annual_fixed 年初核定")
    mode_label: str
    deductions: list[str] = Field(description="计算税后收入时另行扣除的项目（中文）")
    deduction_keys: list[str] = Field(
        description=("同一扣除项目的代码，顺序与 deductions 相同（计算时 deductions 字段的键）"),
    )
    farmer_min: str
    farmer_max: str
    reminder_months: int
    lapse_months: int


class DuesBasisList(BaseModel):
    member_id: int
    member_name: str
    current: DuesBasisRead | None = Field(description="本月适用的基数")
    history: list[DuesBasisRead] = Field(description="全部记录，新的在前（只增不改）")
    basis_visible: bool = Field(description="可否查看收入基数（完整个人信息权限或本人）")
    can_edit: bool
    policy: DuesPolicyRead = Field(description="本组织的党费参数（核定方式、扣除项目等）")


# ---------------------------------------------------------------- ledger and payments

Month = Annotated[
    str, Field(pattern=MONTH_PATTERN, description="月份 YYYY-MM", examples=["2026-11"])
]


class MonthCell(BaseModel):
    month: str = Field(description="YYYY-MM")
    due: str | None = Field(description="应交（元）；未入党或未登记基数时为空")
    paid: str = Field(description="已交（元，冲正后净额）")
    balance: str = Field(description="未交（元）")
    state: MonthState
    state_label: str


class LedgerRow(BaseModel):
    member_id: int
    name: str
    organization_id: int
    organization_name: str
    monthly_amount: str | None = Field(description="本月适用的每月应交额")
    months: list[MonthCell]
    due_total: str
    paid_total: str
    balance_total: str


class LedgerColumnTotal(BaseModel):
    month: str
    due: str
    paid: str
    balance: str


class LedgerGrid(BaseModel):
    organization_id: int
    year: int
    current_month: str = Field(description="本月（北京时间）")
    mode: str
    rows: list[LedgerRow]
    totals: list[LedgerColumnTotal] = Field(description="本页各月合计")
    due_total: str
    paid_total: str
    balance_total: str
    total: int = Field(description="党员总数（分页前）")
    page: int
    size: int
    can_collect: bool = Field(description="当前用户可否在本组织收缴党费")


class PaymentCreate(InputModel):
    member_id: int
    kind: Literal[PaymentKind.regular, PaymentKind.voluntary] = Field(
        PaymentKind.regular, description="regular 按月交纳 / voluntary 自愿多交"
    )
    months: list[Month] = Field(
        default_factory=list,
        max_length=24,
        description="交纳的月份（按月交纳必填：一个月、经支部同意按季度、出国前预交）",
    )
    amount: MoneyText = Field(description="金额（元）；按月交纳须等于所选月份的未交合计")
    method: PaymentMethod
    reference: str | None = Field(
        None, max_length=64, description="转账、微信、支付宝流水号（微信、支付宝必填）"
    )
    payer_name: str | None = Field(None, max_length=64, description="代交人姓名（本人交纳不填）")
    paid_on: date | None = Field(None, description="交纳日期，默认今天，不得晚于今天")
    organization_id: int | None = Field(
        None, description="收缴党组织，默认党员所在组织；流动党员可在流入地党组织交纳"
    )
    note: str | None = Field(None, max_length=200)
    reason: str | None = Field(
        None,
        max_length=100,
        description="补交原因：补交6个月以前的党费时必填，记入说明并留痕",
    )


class PaymentMonthRead(BaseModel):
    month: str
    amount: str


class PaymentRead(BaseModel):
    id: int
    member_id: int
    member_name: str
    organization_id: int
    organization_name: str
    kind: PaymentKind
    kind_label: str
    amount: str
    months: list[PaymentMonthRead]
    method: PaymentMethod
    method_label: str
    reference: str | None
    payer_name: str | None
    collector: str
    paid_on: date
    receipt_no: str | None = Field(description="收据编号（每个组织每年连续编号）")
    back_payment: bool = Field(description="补交超过6个月，请支部关注")
    older_unpaid: list[str] = Field(
        default_factory=list,
        description="所交月份之前仍未交足的月份（登记时提醒收缴人）；读取记录时为空",
    )
    warning: str | None = Field(
        None, description="登记时的提醒：交了后面的月份，前面的月份仍未交足"
    )
    advance: bool
    note: str | None
    reverses_id: int | None
    reversed_by_id: int | None = Field(description="冲正本记录的记录")
    remit_required: bool = Field(description="一次自愿多交1000元以上，须全额上缴中央")
    remitted_on: date | None
    remittance_reference: str | None
    recorded_by: str
    created_at: datetime


class PaymentReverse(InputModel):
    reason: str = Field(min_length=2, max_length=200, description="冲正原因")


class RemittanceUpdate(InputModel):
    remitted_on: date
    reference: str = Field(min_length=1, max_length=64, description="上缴凭证号")


class MemberStatement(BaseModel):
    """The per-member ledger: months of the year, payments, the basis in force (DUES-10)."""

    member_id: int
    name: str
    organization_name: str
    year: int
    monthly_amount: str | None
    category_label: str | None
    months: list[MonthCell]
    payments: list[PaymentRead]
    due_total: str
    paid_total: str
    balance_total: str
    owed_months: int = Field(description="截至上月未交足的月数")
    owed_amount: str


# ---------------------------------------------------------------- arrears


class ArrearsRow(BaseModel):
    member_id: int
    name: str
    organization_id: int
    organization_name: str
    owed_months: int = Field(description="截至上月未交足的月数")
    owed_amount: str
    first_owed: str = Field(description="最早未交月份")
    months: list[str] = Field(description="未交足的月份（YYYY-MM，由早到晚）")
    consecutive_months: int = Field(
        description="最长连续未交月数（至上月仍未交的月份；交了后面的月份不会清零）"
    )
    lapse_case: bool = Field(description="连续未交达到规定月数：自行脱党案例，提交支部党员大会")
    has_account: bool = Field(description="有账号可收站内提醒；否则需当面或电话提醒")
    last_reminded_at: datetime | None


class ArrearsReport(BaseModel):
    organization_id: int
    as_of: str = Field(description="统计至该月（上月）")
    rows: list[ArrearsRow]


class RemindRequest(InputModel):
    member_ids: list[int] = Field(min_length=1, max_length=500)


class RemindResult(BaseModel):
    sent: int = Field(description="已发送站内提醒的人数")
    without_account: list[str] = Field(description="没有账号、需当面或电话提醒的党员")
    not_owing: list[str] = Field(description="未达到提醒条件、未发送的党员")


# ---------------------------------------------------------------- reductions and exemptions


class ExemptionCreate(InputModel):
    member_id: int
    kind: ExemptionKind
    monthly_amount: MoneyText | None = Field(None, description="少交时每月交纳额；免交不填")
    first_month: Month
    last_month: Month
    reason: str = Field(min_length=2, max_length=500)


class ExemptionDecision(InputModel):
    approve: bool
    note: str | None = Field(None, max_length=200)


class ExemptionRead(BaseModel):
    id: int
    member_id: int
    member_name: str
    organization_name: str
    kind: ExemptionKind
    kind_label: str
    monthly_amount: str | None
    first_month: str
    last_month: str
    reason: str
    status: ExemptionStatus
    status_label: str
    applied_by: str
    applied_at: datetime
    branch_decided_by: str | None
    branch_decided_at: datetime | None
    branch_note: str | None
    approved_by: str | None
    approved_at: datetime | None
    approval_note: str | None
    can_decide: bool = Field(description="当前用户可作支部决定")
    can_approve: bool = Field(description="当前用户可作上级党委批准")


# ---------------------------------------------------------------- annual assessment (核定)


class AssessmentLine(BaseModel):
    member_id: int
    name: str
    organization_name: str
    category_label: str | None
    monthly_amount: str | None = Field(description="本年每月交纳额；未登记基数为空")
    pending_change: str | None = Field(description="年内登记的新基数（下一年度核定时适用）")


class AssessmentRead(BaseModel):
    organization_id: int
    year: int
    mode: str
    mode_label: str
    lines: list[AssessmentLine]
    members: int
    without_basis: int
    monthly_total: str
    confirmed_by: str | None
    confirmed_at: datetime | None
    can_confirm: bool


class AssessmentConfirm(InputModel):
    organization_id: int
    year: int = Field(ge=2000, le=2100)


# ---------------------------------------------------------------- reports


class CollectionRow(BaseModel):
    organization_id: int | None = Field(description="下级组织；null 为合计")
    organization_name: str
    members: int = Field(description="应交人数")
    members_paid: int = Field(description="已交足人数")
    amount_due: str
    collected: str
    arrears: str
    voluntary: str = Field(description="自愿多交（按交纳日期）")


class MonthlyCollection(BaseModel):
    organization_id: int
    month: str
    rows: list[CollectionRow] = Field(description="各下级组织（含直属党员）")
    total: CollectionRow


class YearlyCollectionMonth(BaseModel):
    month: str
    members: int
    members_paid: int
    amount_due: str
    collected: str
    arrears: str
    voluntary: str


class YearlyCollection(BaseModel):
    organization_id: int
    year: int
    months: list[YearlyCollectionMonth]
    amount_due: str
    collected: str
    arrears: str
    voluntary: str


class PublishedSummary(BaseModel):
    """年度党费收缴情况 — counts and sums only, no names (for public disclosure)."""

    organization_id: int
    organization_name: str
    year: int
    members: int
    amount_due: str
    collected: str
    collection_rate: str = Field(description="收缴率（百分比，一位小数）")
    voluntary: str
    remitted_to_central: str = Field(description="上缴中央的自愿多交党费")
    exemptions: int = Field(description="批准减免的人数")
