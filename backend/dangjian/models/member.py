from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dangjian.core.db import Base, TimestampMixin, UTCDateTime, str_enum, utcnow
from dangjian.models.enums import Gender, MemberKind, MemberStatus


class Member(TimestampMixin, Base):
    """党员 — the roster row (MEM-01). The roster issue adds the full national field set."""

    __tablename__ = "members"
    __table_args__ = (
        # Covering on PostgreSQL: subtree-wide aggregates (the dues reports) read these columns
        # from the index instead of the wide, encrypted rows.
        Index(
            "ix_members_org_cover",
            "organization_id",
            postgresql_include=["id", "status", "joined_on"],
        ),
        {"comment": "党员"},
    )

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
    id_number_tail: Mapped[str | None] = mapped_column(
        String(4), index=True, comment="身份号码后4位"
    )
    # The masked forms the roster shows by default (not secret): a page decrypts nothing.
    id_number_masked: Mapped[str | None] = mapped_column(String(32), comment="公民身份号码（脱敏）")
    mobile_enc: Mapped[str | None] = mapped_column(String(255), comment="手机号码（加密）")
    mobile_index: Mapped[str | None] = mapped_column(String(64), index=True, comment="手机号码索引")
    mobile_tail: Mapped[str | None] = mapped_column(String(4), index=True, comment="手机号码后4位")
    mobile_masked: Mapped[str | None] = mapped_column(String(32), comment="手机号码（脱敏）")
    landline: Mapped[str | None] = mapped_column(String(32), comment="固定电话")
    ethnicity: Mapped[str | None] = mapped_column(String(16), comment="民族")
    education: Mapped[str | None] = mapped_column(String(32), comment="学历")
    degree: Mapped[str | None] = mapped_column(String(16), comment="学位")
    standing_correction_months: Mapped[int] = mapped_column(default=0, comment="党龄校正值（月）")
    work_post: Mapped[str | None] = mapped_column(String(64), comment="工作岗位")
    work_started_on: Mapped[date | None] = mapped_column(Date, comment="参加工作日期")
    professional_title: Mapped[str | None] = mapped_column(String(16), comment="专业技术职务")
    new_stratum: Mapped[str | None] = mapped_column(String(32), comment="新社会阶层类型")
    registered_residence: Mapped[str | None] = mapped_column(String(200), comment="户籍所在地")
    address_enc: Mapped[str | None] = mapped_column(String(600), comment="现居住地（加密）")
    grid_area: Mapped[str | None] = mapped_column(
        String(64), comment="所在网格/小区/楼院（ORG-07）"
    )
    photo_file: Mapped[str | None] = mapped_column(
        String(48), comment="照片（var/uploads 中的生成文件名）"
    )
    kind: Mapped[MemberKind] = mapped_column(str_enum(MemberKind), comment="党员类别（正式/预备）")
    joined_on: Mapped[date | None] = mapped_column(Date, comment="入党日期")
    converted_on: Mapped[date | None] = mapped_column(Date, comment="转正日期")
    # Derived from member_events (MEM-02) and kept here for filtering; never typed in.
    status: Mapped[MemberStatus] = mapped_column(
        str_enum(MemberStatus),
        default=MemberStatus.normal,
        index=True,
        comment="党籍状态",
    )
    version: Mapped[int] = mapped_column(default=1, comment="版本（ETag）")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list, comment="人员类别（可多选）")
    home_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True, comment="在职党员所在单位"
    )


class MemberEvent(Base):
    """A dated roster or status event (MEM-02, MEM-09). Rows are only ever added."""

    __tablename__ = "member_events"
    __table_args__ = {"comment": "党员状态与增减事件"}

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True, comment="党员"
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True, comment="发生时所在党组织"
    )
    type: Mapped[str] = mapped_column(String(32), index=True, comment="事件类型")
    occurred_on: Mapped[date] = mapped_column(Date, index=True, comment="日期")
    ends_on: Mapped[date | None] = mapped_column(Date, comment="截止日期（留党察看等）")
    reason: Mapped[str] = mapped_column(String(500), comment="原因")
    document: Mapped[str | None] = mapped_column(String(200), comment="决定文件")
    removal_kind: Mapped[str | None] = mapped_column(String(16), comment="除名类型")
    recorded_by: Mapped[str] = mapped_column(String(100), comment="登记人")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, comment="登记时间")


class MemberCorrection(Base):
    """A member's request to correct their own record, decided by 组织委员 or 党务干事."""

    __tablename__ = "member_corrections"
    __table_args__ = {"comment": "党员信息更正申请"}

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True, comment="党员"
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True, comment="申请时所在党组织"
    )
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, comment="申请更正的内容")
    reason: Mapped[str] = mapped_column(String(500), comment="理由")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True, comment="状态")
    requested_by: Mapped[str] = mapped_column(String(100), comment="申请人（含代办）")
    decided_by: Mapped[str | None] = mapped_column(String(100), comment="审核人")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="审核时间")
    decision_note: Mapped[str | None] = mapped_column(String(500), comment="审核意见")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, comment="申请时间")


class MemberCount(Base):
    """How many members an organisation holds directly, by kind and status.

    Maintained by database triggers on `members` (migration c0ffee5e0002) — every write path, the
    bulk import and raw SQL included — so subtree totals (the organisation tree, the dashboard)
    sum a few rows per organisation instead of counting every member of a street.
    """

    __tablename__ = "member_counts"
    __table_args__ = {"comment": "各组织直属党员人数（按类别、状态；触发器维护）"}

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True, comment="党组织"
    )
    kind: Mapped[MemberKind] = mapped_column(
        str_enum(MemberKind), primary_key=True, comment="党员类别"
    )
    status: Mapped[MemberStatus] = mapped_column(
        str_enum(MemberStatus), primary_key=True, comment="党籍状态"
    )
    members: Mapped[int] = mapped_column(default=0, comment="人数")
