from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dangjian.core.db import Base, UTCDateTime, utcnow


class Notification(Base):
    """站内消息 — one message in one user's inbox (meeting notices, agendas, resolutions…)."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        {"comment": "站内消息"},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, comment="收件人"
    )
    kind: Mapped[str] = mapped_column(String(32), comment="类型")
    title: Mapped[str] = mapped_column(String(200), comment="标题")
    body: Mapped[str] = mapped_column(Text, default="", comment="内容")
    link: Mapped[str | None] = mapped_column(String(200), comment="前端页面路径")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, comment="发送时间")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="阅读时间")
