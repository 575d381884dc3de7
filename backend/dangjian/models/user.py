from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dangjian.core.db import Base, TimestampMixin, UTCDateTime, str_enum
from dangjian.models.enums import ClientKind, PostKind


class User(TimestampMixin, Base):
    """A person who signs in: staff, member, in-service member, resident or administrator."""

    __tablename__ = "users"
    __table_args__ = {"comment": "用户账号"}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, comment="用户名（小写）")
    display_name: Mapped[str] = mapped_column(String(64), comment="姓名")
    password_hash: Mapped[str] = mapped_column(String(255), comment="密码哈希（argon2id）")
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True, comment="所属党组织"
    )
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), unique=True, comment="关联党员"
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, comment="是否启用")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, comment="系统管理员")
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, comment="须修改密码")
    totp_secret: Mapped[str | None] = mapped_column(String(255), comment="动态口令密钥（加密）")
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, comment="启用动态口令")
    # The newest TOTP time step accepted (unix time // 30): a code is good once only.
    totp_last_step: Mapped[int | None] = mapped_column(Integer, comment="最近使用的动态口令时间步")
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="改密时间")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="最近登录")


class Post(TimestampMixin, Base):
    """A committee post held by a user in one organisation, with dates (ORG-05)."""

    __tablename__ = "posts"
    __table_args__ = {"comment": "党内职务"}

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True, comment="党组织"
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True, comment="任职人"
    )
    kind: Mapped[PostKind] = mapped_column(str_enum(PostKind), comment="职务")
    start_date: Mapped[date] = mapped_column(Date, comment="任职日期")
    end_date: Mapped[date | None] = mapped_column(Date, comment="离任日期")


class ApiClient(TimestampMixin, Base):
    """An OAuth2 client-credentials client: a unit organisation or a district system."""

    __tablename__ = "api_clients"
    __table_args__ = {"comment": "接口客户端"}

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True, comment="客户端标识")
    name: Mapped[str] = mapped_column(String(100), comment="名称")
    kind: Mapped[ClientKind] = mapped_column(str_enum(ClientKind), comment="类型")
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"),
        index=True,
        comment="所代表/授权的党组织",
    )
    secret_hash: Mapped[str] = mapped_column(String(255), comment="密钥哈希")
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list, comment="授权范围")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, comment="是否启用")
