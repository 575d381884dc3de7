from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dangjian.core.db import Base, UTCDateTime


class AuditLog(Base):
    """Append-only, hash-chained audit trail: who, what, when, from where, before, after.

    Each row's hash is HMAC-SHA256 under a key kept outside the database (rows before
    `AuditHead.hmac_from` are legacy plain SHA-256). On both databases triggers refuse UPDATE and
    DELETE (and TRUNCATE on PostgreSQL): the application only inserts.
    """

    __tablename__ = "audit_log"
    __table_args__ = {"comment": "审计日志"}

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True, comment="链序号（连续）")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True, comment="时间")
    actor_kind: Mapped[str] = mapped_column(String(16), comment="操作者类型")
    actor_id: Mapped[int | None] = mapped_column(Integer, comment="操作者")
    actor_label: Mapped[str] = mapped_column(String(100), comment="操作者名称")
    on_behalf_of: Mapped[str | None] = mapped_column(String(100), comment="代办对象")
    ip: Mapped[str | None] = mapped_column(String(64), comment="来源地址")
    action: Mapped[str] = mapped_column(String(64), comment="操作")
    entity: Mapped[str] = mapped_column(String(64), comment="对象类型")
    entity_id: Mapped[str | None] = mapped_column(String(64), comment="对象标识")
    organization_path: Mapped[str | None] = mapped_column(
        String(255), index=True, comment="所属党组织路径"
    )
    subject_path: Mapped[str | None] = mapped_column(
        String(255), index=True, comment="安全事件所涉账号的党组织路径"
    )
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, comment="变更前")
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, comment="变更后")
    prev_hash: Mapped[str] = mapped_column(String(64), comment="前一条哈希")
    hash: Mapped[str] = mapped_column(String(64), comment="本条哈希")


class AuditHead(Base):
    """The single row that serialises appends to the chain (locked FOR UPDATE)."""

    __tablename__ = "audit_head"
    __table_args__ = {"comment": "审计链头"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0, comment="最后序号")
    hash: Mapped[str] = mapped_column(String(64), comment="最后哈希")
    # Rows before this seq were chained with plain SHA-256 (before the keyed chain); from it on,
    # HMAC-SHA256. NULL means every row is keyed.
    hmac_from: Mapped[int | None] = mapped_column(BigInteger, comment="首条密钥哈希序号")
