from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dangjian.core.db import Base, TimestampMixin, str_enum
from dangjian.models.enums import OrgCategory, OrgKind


class Organization(TimestampMixin, Base):
    """党组织 — one node of the tree (ORG-01) or a linked unit (ORG-02)."""

    __tablename__ = "organizations"
    __table_args__ = {"comment": "党组织"}

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True, comment="上级党组织"
    )
    # Materialised path of ids, e.g. "/1/4/9/": "under O" is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(255), unique=True, comment="物化路径")
    depth: Mapped[int] = mapped_column(Integer, default=0, comment="层级")
    name: Mapped[str] = mapped_column(String(100), comment="党组织全称")
    short_name: Mapped[str | None] = mapped_column(String(50), comment="简称")
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind), comment="层级类型")
    category: Mapped[OrgCategory | None] = mapped_column(str_enum(OrgCategory), comment="组织类别")
    code: Mapped[str | None] = mapped_column(String(32), comment="党组织编码")
    established_on: Mapped[date | None] = mapped_column(Date, comment="成立日期")
    linked_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"),
        comment="联系的社区（驻区单位/所在单位）",
    )
    sort_order: Mapped[int] = mapped_column(Integer, default=0, comment="排序")


class OrganizationTerm(TimestampMixin, Base):
    """届次 (ORG-04): a committee's term with its election date and end date."""

    __tablename__ = "organization_terms"
    __table_args__ = {"comment": "党组织届次"}

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True, comment="党组织"
    )
    number: Mapped[int] = mapped_column(Integer, comment="届次")
    elected_on: Mapped[date] = mapped_column(Date, comment="本届选举日期")
    term_years: Mapped[int] = mapped_column(Integer, comment="任期年限")
    ends_on: Mapped[date] = mapped_column(Date, index=True, comment="届满日期")
    approval_document: Mapped[str | None] = mapped_column(String(200), comment="延期/提前换届批复")


class ChangeStamp(Base):
    """A token that changes whenever a table changes, for caches of read models built from it.

    Set to a fresh random value by database triggers (migration c0ffee5e0003) on every insert,
    update and delete of the named table, whatever writes it. A cache keyed by the token is
    valid while the token is unchanged; random rather than a counter, so a restored backup or a
    recreated database can never repeat a token with other content behind it.
    """

    __tablename__ = "change_stamps"
    __table_args__ = {"comment": "数据变更标记（触发器维护，供读模型缓存校验）"}

    name: Mapped[str] = mapped_column(String(32), primary_key=True, comment="表名")
    stamp: Mapped[str] = mapped_column(String(32), comment="变更标记")
