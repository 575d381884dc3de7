"""Dues enumerations with their Chinese labels (mirrored in frontend/src/locales/enums.ts)."""

from __future__ import annotations

from enum import StrEnum

from dangjian.models.enums import ExemptionKind, ExemptionStatus, PaymentKind, PaymentMethod


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
