from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from dangjian.core.schemas import NOT_NULL, InputModel, OutputModel


class UserCreate(InputModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    display_name: str = Field(min_length=1, max_length=64)
    organization_id: int
    member_id: int | None = None


class UserUpdate(InputModel):
    display_name: Annotated[str | None, NOT_NULL] = Field(None, min_length=1, max_length=64)
    is_active: Annotated[bool | None, NOT_NULL] = None


class UserRead(OutputModel):
    id: int
    username: str
    display_name: str
    organization_id: int | None
    member_id: int | None
    is_active: bool
    is_admin: bool
    must_change_password: bool
    totp_enabled: bool
    last_login_at: datetime | None
    manageable: bool = Field(
        False,
        description="当前用户能否重置该账号密码、停用或修改它（持有人职务不高于当前用户且非本人）",
    )


class UserCreated(OutputModel):
    user: UserRead
    initial_password: str = Field(description="初始密码，仅显示这一次；首次登录须修改")


class PasswordReset(OutputModel):
    initial_password: str = Field(
        description="一次性密码，仅显示这一次；持有人登录后须修改，原有登录已全部退出"
    )
