"""/users — accounts (create, reset password, deactivate)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dangjian.core.errors import PROBLEM_RESPONSES
from dangjian.core.routing import TransactionalRoute
from dangjian.core.schemas import Page, PageDep
from dangjian.deps import PrincipalDep, SessionDep, SettingsDep
from dangjian.models import User
from dangjian.users import service
from dangjian.users.schemas import PasswordReset, UserCreate, UserCreated, UserRead, UserUpdate


def _read(user: User, manageable: bool) -> UserRead:
    return UserRead.model_validate(user).model_copy(update={"manageable": manageable})


router = APIRouter(
    prefix="/users", tags=["users"], route_class=TransactionalRoute, responses=PROBLEM_RESPONSES
)


@router.get("", response_model=Page[UserRead])
async def list_users(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=50)] = None,
    organization_id: int | None = None,
) -> Page[UserRead]:
    """账号列表（本人管理范围内）。"""
    rows, total = await service.list_users(
        session,
        principal,
        q=q,
        organization_id=organization_id,
        page=page,
    )
    can = await service.manageable(session, principal, rows)
    return Page(
        items=[_read(r, r.id in can) for r in rows],
        total=total,
        page=page.page,
        size=page.size,
    )


@router.post("", response_model=UserCreated, status_code=status.HTTP_201_CREATED)
async def create_user(
    body: UserCreate, session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> UserCreated:
    """新建账号（返回一次性初始密码，首次登录须修改）。"""
    user, password = await service.create(session, principal, body, settings.password_hashing)
    can = await service.manageable(session, principal, [user])
    return UserCreated(user=_read(user, user.id in can), initial_password=password)


@router.get("/{user_id}", response_model=UserRead)
async def get_user(user_id: int, session: SessionDep, principal: PrincipalDep) -> UserRead:
    """账号详情。"""
    user, _ = await service.get_user(session, principal, user_id)
    return _read(user, user.id in await service.manageable(session, principal, [user]))


@router.patch("/{user_id}", response_model=UserRead)
async def update_user(
    user_id: int,
    body: UserUpdate,
    session: SessionDep,
    principal: PrincipalDep,
) -> UserRead:
    """修改账号（姓名、启用/停用；停用立即生效）。持有人职务与本人同级或更高时拒绝。"""
    user = await service.update(session, principal, user_id, body)
    return _read(user, user.id in await service.manageable(session, principal, [user]))


@router.post("/{user_id}/reset-password", response_model=PasswordReset)
async def reset_password(
    user_id: int, session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> PasswordReset:
    """重置密码（返回一次性密码，持有人须修改；原有会话全部失效，持有人收到站内通知）。"""
    password = await service.reset_password(session, principal, user_id, settings.password_hashing)
    return PasswordReset(initial_password=password)
