from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dangjian.core.db import Base, UTCDateTime, utcnow


class AuthSession(Base):
    """The server-side session behind every token: idle and absolute limits, revocation."""

    __tablename__ = "auth_sessions"
    __table_args__ = {"comment": "登录会话"}

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, comment="用户"
    )
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True, comment="接口客户端"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, comment="创建时间")
    last_seen_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, comment="最近活动"
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), comment="绝对到期时间")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="注销时间")
    revoked_reason: Mapped[str | None] = mapped_column(String(32), comment="注销原因")
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, comment="须先设置动态口令")
    ip: Mapped[str | None] = mapped_column(String(64), comment="来源地址")
    user_agent: Mapped[str | None] = mapped_column(String(255), comment="客户端")
    # The scopes a client token was issued for (space-separated); a client is granted only
    # these, never more of its registered scopes. NULL for user sessions.
    scope: Mapped[str | None] = mapped_column(String(512), comment="授权范围（接口客户端）")


class RefreshToken(Base):
    """One refresh token of a session; rotated on every use, reuse revokes the session."""

    __tablename__ = "refresh_tokens"
    __table_args__ = {"comment": "刷新令牌"}

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True, comment="会话"
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="令牌摘要")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, comment="签发时间")
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="使用时间")


class LoginThrottle(Base):
    """Consecutive sign-in attempts per user name (existing or not), shared by all processes.

    An attempt is counted before its password is checked and cleared by a success, so at most
    `login_max_failures` passwords are checked per name and lock-out, whatever the concurrency.
    """

    __tablename__ = "login_throttle"
    __table_args__ = {"comment": "登录失败计数"}

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, comment="连续失败次数")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="锁定至")


class LoginIpThrottle(Base):
    """Failed sign-in attempts per client address in a fixed window, shared by all processes."""

    __tablename__ = "login_ip_throttle"
    __table_args__ = {"comment": "来源地址登录失败计数"}

    ip: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), comment="计数窗口起点")
    attempts: Mapped[int] = mapped_column(Integer, default=0, comment="窗口内失败（尝试）次数")
