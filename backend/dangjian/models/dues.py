from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dangjian.core.db import Base, UTCDateTime, str_enum, utcnow
from dangjian.models.enums import (
    DuesCategory,
    ExemptionKind,
    ExemptionStatus,
    PaymentKind,
    PaymentMethod,
)


class DuesBasis(Base):
    """党费基数 — a member's category and monthly basis from a month on (DUES-01).

    Rows are added, never rewritten: the basis in force in a month is the latest row whose month
    has begun, so the ledger of a past month keeps the amount that was due then.
    """

    __tablename__ = "dues_bases"
    __table_args__ = (
        Index("ix_dues_bases_member_from", "member_id", "effective_from"),
        {"comment": "党费基数"},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), comment="党员"
    )
    category: Mapped[DuesCategory] = mapped_column(str_enum(DuesCategory), comment="交纳类别")
    basis: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), comment="月缴费基数（元）")
    fixed_amount: Mapped[Decimal | None] = mapped_column(Numeric(6, 2), comment="固定交纳额")
    rate: Mapped[Decimal | None] = mapped_column(Numeric(6, 4), comment="适用比例")
    monthly_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), comment="每月应交（元）")
    effective_from: Mapped[date] = mapped_column(Date, comment="自该月起（月初）")
    # Derived, kept for range look-ups over many members (the reports): the start of the row
    # that supersedes this one (NULL while in force). Ties on effective_from go to the later row,
    # which leaves the earlier one the empty range [from, from). Only this column is ever updated.
    effective_to: Mapped[date | None] = mapped_column(Date, comment="被后一条取代的月份（派生）")
    note: Mapped[str | None] = mapped_column(String(200), comment="说明")
    recorded_by: Mapped[str] = mapped_column(String(100), comment="登记人")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, comment="登记时间")


class DuesPayment(Base):
    """党费收缴记录 — one payment, voluntary payment or reversal (DUES-05..07).

    Rows are never updated in their money or months and never deleted: a mistake is reversed by a
    counter-entry (kind "reversal", negative amount, `reverses_id`), so the ledger keeps both.
    """

    __tablename__ = "dues_payments"
    __table_args__ = (
        UniqueConstraint("organization_id", "receipt_year", "receipt_seq"),
        Index("ix_dues_payments_member", "member_id", "paid_on"),
        {"comment": "党费收缴记录"},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), comment="党员"
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"),
        index=True,
        comment="收缴党组织（流动党员可在流入地交纳，DUES-05）",
    )
    kind: Mapped[PaymentKind] = mapped_column(str_enum(PaymentKind), comment="类型")
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), comment="金额（元；冲正为负数）")
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod), comment="交纳方式")
    reference: Mapped[str | None] = mapped_column(String(64), comment="转账/支付流水号")
    payer_name: Mapped[str | None] = mapped_column(String(64), comment="代交人（本人交纳为空）")
    collector: Mapped[str] = mapped_column(String(100), comment="收缴人")
    paid_on: Mapped[date] = mapped_column(Date, comment="交纳日期")
    receipt_year: Mapped[int | None] = mapped_column(comment="收据年度")
    receipt_seq: Mapped[int | None] = mapped_column(comment="收据序号（每个组织每年连续编号）")
    back_payment: Mapped[bool] = mapped_column(default=False, comment="补交超过6个月（DUES-06）")
    advance: Mapped[bool] = mapped_column(default=False, comment="预交")
    note: Mapped[str | None] = mapped_column(String(200), comment="说明")
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("dues_payments.id", ondelete="RESTRICT"), unique=True, comment="冲正的记录"
    )
    # DUES-07: a single voluntary payment of 1000 yuan or more goes whole to the Central Committee.
    remit_required: Mapped[bool] = mapped_column(default=False, comment="须全额上缴中央")
    remitted_on: Mapped[date | None] = mapped_column(Date, comment="上缴日期")
    remittance_reference: Mapped[str | None] = mapped_column(String(64), comment="上缴凭证号")
    # "<actor kind>:<actor id>:<Idempotency-Key>" and the SHA-256 of the request body.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True, comment="幂等键")
    request_hash: Mapped[str | None] = mapped_column(String(64), comment="请求摘要")
    recorded_by: Mapped[str] = mapped_column(String(100), comment="登记人")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, comment="登记时间")


class DuesPaymentMonth(Base):
    """The months a payment covers and what it pays toward each (a reversal negates them)."""

    __tablename__ = "dues_payment_months"
    __table_args__ = (
        Index("ix_dues_payment_months_member_month", "member_id", "month"),
        Index("ix_dues_payment_months_month", "month"),
        {"comment": "党费交纳所属月份"},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("dues_payments.id", ondelete="RESTRICT"), index=True, comment="收缴记录"
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), comment="党员"
    )
    month: Mapped[date] = mapped_column(Date, comment="所属月份（月初）")
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), comment="金额（元）")


class DuesMonthPaid(Base):
    """Derived: the net paid per member and month (the sum of its allocations, reversals
    included), kept by `dues.payments.allocate` in the same transaction, so the street-wide
    reports join one row per member instead of summing allocations. The allocations remain the
    record; the Python ledger reads them, and a test holds the reports to it."""

    __tablename__ = "dues_month_paid"
    __table_args__ = {"comment": "党员每月已交（派生）"}

    month: Mapped[date] = mapped_column(Date, primary_key=True, comment="所属月份（月初）")
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), primary_key=True, comment="党员"
    )
    paid: Mapped[Decimal] = mapped_column(Numeric(12, 2), comment="已交净额（元）")


class DuesReceiptCounter(Base):
    """The last receipt number issued by an organisation in a year (numbers run without gaps)."""

    __tablename__ = "dues_receipt_counters"
    __table_args__ = {"comment": "党费收据编号"}

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0, comment="最后一个编号")


class DuesExemption(Base):
    """少交或免交党费 (DUES-03): applied for, decided by the branch, approved by the next-higher
    committee; only an approved one changes the ledger, for its months only."""

    __tablename__ = "dues_exemptions"
    __table_args__ = (
        Index("ix_dues_exemptions_member", "member_id", "first_month"),
        {"comment": "党费减免"},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), comment="党员"
    )
    kind: Mapped[ExemptionKind] = mapped_column(str_enum(ExemptionKind), comment="少交/免交")
    monthly_amount: Mapped[Decimal | None] = mapped_column(
        Numeric(10, 2), comment="少交时每月交纳额"
    )
    first_month: Mapped[date] = mapped_column(Date, comment="起始月份")
    last_month: Mapped[date] = mapped_column(Date, comment="截止月份")
    reason: Mapped[str] = mapped_column(String(500), comment="理由")
    status: Mapped[ExemptionStatus] = mapped_column(str_enum(ExemptionStatus), comment="状态")
    applied_by: Mapped[str] = mapped_column(String(100), comment="申请登记人")
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, comment="申请时间")
    branch_decided_by: Mapped[str | None] = mapped_column(String(100), comment="支部决定人")
    # "<actor kind>:<actor id>" of the decider: the approver must be someone else (DUES-03).
    branch_decider: Mapped[str | None] = mapped_column(String(40), comment="支部决定人标识")
    branch_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="支部决定")
    branch_note: Mapped[str | None] = mapped_column(String(200), comment="支部意见")
    approved_by: Mapped[str | None] = mapped_column(String(100), comment="上级批准人")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="上级批准时间")
    approval_note: Mapped[str | None] = mapped_column(String(200), comment="上级意见")


class DuesAssessment(Base):
    """年初核定 (DUES-01, annual-fixed mode): the organisation confirmed the year's list."""

    __tablename__ = "dues_assessments"
    __table_args__ = (
        UniqueConstraint("organization_id", "year"),
        {"comment": "党费年度核定"},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), comment="党组织"
    )
    year: Mapped[int] = mapped_column(comment="年度")
    members: Mapped[int] = mapped_column(comment="核定人数")
    monthly_total: Mapped[Decimal] = mapped_column(Numeric(14, 2), comment="每月应交合计")
    confirmed_by: Mapped[str] = mapped_column(String(100), comment="核定人")
    confirmed_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, comment="核定时间"
    )
