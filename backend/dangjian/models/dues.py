from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from dangjian.core.db import Base, UTCDateTime, str_enum, utcnow
from dangjian.dues.rules import DuesCategory


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
    note: Mapped[str | None] = mapped_column(String(200), comment="说明")
    recorded_by: Mapped[str] = mapped_column(String(100), comment="登记人")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, comment="登记时间")
