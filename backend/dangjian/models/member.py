from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from dangjian.core.db import Base, TimestampMixin, str_enum
from dangjian.models.enums import Gender, MemberKind, MemberStatus


class Member(TimestampMixin, Base):
    """党员 — the roster row (MEM-01). The roster issue adds the full national field set."""

    __tablename__ = "members"
    __table_args__ = {"comment": "党员"}

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True, comment="所在党组织"
    )
    name: Mapped[str] = mapped_column(String(64), comment="姓名")
    gender: Mapped[Gender] = mapped_column(str_enum(Gender), comment="性别")
    birth_date: Mapped[date | None] = mapped_column(Date, comment="出生日期")
    # Stored encrypted (AES-GCM) with a keyed blind index for exact look-up and uniqueness.
    id_number_enc: Mapped[str | None] = mapped_column(String(255), comment="公民身份号码（加密）")
    id_number_index: Mapped[str | None] = mapped_column(
        String(64), unique=True, comment="身份号码索引"
    )
    mobile_enc: Mapped[str | None] = mapped_column(String(255), comment="手机号码（加密）")
    mobile_index: Mapped[str | None] = mapped_column(String(64), index=True, comment="手机号码索引")
    ethnicity: Mapped[str | None] = mapped_column(String(16), comment="民族")
    education: Mapped[str | None] = mapped_column(String(32), comment="学历")
    kind: Mapped[MemberKind] = mapped_column(str_enum(MemberKind), comment="党员类别（正式/预备）")
    joined_on: Mapped[date | None] = mapped_column(Date, comment="入党日期")
    converted_on: Mapped[date | None] = mapped_column(Date, comment="转正日期")
    status: Mapped[MemberStatus] = mapped_column(
        str_enum(MemberStatus), default=MemberStatus.normal, comment="党籍状态"
    )
    categories: Mapped[list[str]] = mapped_column(JSON, default=list, comment="人员类别（可多选）")
    home_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True, comment="在职党员所在单位"
    )
