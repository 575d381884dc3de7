"""Dues enumerations with their Chinese labels (mirrored in frontend/src/locales/enums.ts)."""

from __future__ import annotations

from enum import StrEnum


class PaymentKind(StrEnum):
    regular = "regular"  # 按月交纳（含按季、预交、补交、代交）
    voluntary = "voluntary"  # 自愿多交 (DUES-07)
    reversal = "reversal"  # 冲正：a counter-entry for a mistaken payment (never a deletion)


class PaymentMethod(StrEnum):
    cash = "cash"
    bank = "bank"
    wechat = "wechat"
    alipay = "alipay"


class ExemptionKind(StrEnum):
    reduce = "reduce"  # 少交: a lower monthly amount for the period
    exempt = "exempt"  # 免交: nothing due for the period


class ExemptionStatus(StrEnum):
    proposed = "proposed"  # 已申请, awaiting the branch's decision
    branch_approved = "branch_approved"  # 支部同意, awaiting the higher committee (DUES-03)
    approved = "approved"  # 上级党委批准: applied to the ledger
    rejected = "rejected"  # 未同意 (by the branch or the higher committee)


class MonthState(StrEnum):
    not_member = "not_member"  # before the admission month (DUES-04)
    off_roster = "off_roster"  # not on this roster that month: left, died, not yet here (MEM-06)
    no_basis = "no_basis"  # no basis recorded yet: nothing can be computed
    exempt = "exempt"  # an approved exemption (DUES-03)
    paid = "paid"
    partial = "partial"
    unpaid = "unpaid"  # a past or the current month not (fully) paid
    upcoming = "upcoming"  # a later month not yet paid


PAYMENT_KIND_LABELS = {
    PaymentKind.regular: "按月交纳",
    PaymentKind.voluntary: "自愿多交",
    PaymentKind.reversal: "冲正",
}
PAYMENT_METHOD_LABELS = {
    PaymentMethod.cash: "现金",
    PaymentMethod.bank: "银行转账",
    PaymentMethod.wechat: "微信",
    PaymentMethod.alipay: "支付宝",
}
EXEMPTION_KIND_LABELS = {ExemptionKind.reduce: "少交", ExemptionKind.exempt: "免交"}
EXEMPTION_STATUS_LABELS = {
    ExemptionStatus.proposed: "待支部决定",
    ExemptionStatus.branch_approved: "待上级党委批准",
    ExemptionStatus.approved: "已批准",
    ExemptionStatus.rejected: "未同意",
}
MONTH_STATE_LABELS = {
    MonthState.not_member: "未入党",
    MonthState.off_roster: "不在册",
    MonthState.no_basis: "未登记基数",
    MonthState.exempt: "免交",
    MonthState.paid: "已交",
    MonthState.partial: "未交足",
    MonthState.unpaid: "未交",
    MonthState.upcoming: "未到期",
}
