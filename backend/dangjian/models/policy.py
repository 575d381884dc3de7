from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dangjian.core.db import Base, TimestampMixin


class PolicyValue(TimestampMixin, Base):
    """One parameter set for one organisation's subtree from a date (value None: inherit again).

    Rows are never rewritten once their date has passed, so a judgement about a past period
    reads the values in force then.
    """

    __tablename__ = "policy_values"
    __table_args__ = (
        UniqueConstraint("organization_id", "key", "effective_from"),
        {"comment": "工作制度参数"},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True, comment="党组织"
    )
    key: Mapped[str] = mapped_column(String(64), comment="参数")
    value: Mapped[Any] = mapped_column(JSON, nullable=True, comment="取值（空：恢复继承）")
    effective_from: Mapped[date] = mapped_column(Date, comment="生效日期")
    set_by: Mapped[str] = mapped_column(String(100), comment="设置人")
    note: Mapped[str | None] = mapped_column(String(200), comment="说明")
