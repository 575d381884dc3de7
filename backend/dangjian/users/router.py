"""/users — accounts (create, reset password, deactivate)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dangjian.core.errors import PROBLEM_RESPONSES
from dangjian.core.routing import TransactionalRoute
from dangjian.core.schemas import Page, PageDep
from dangjian.deps import PrincipalDep, SessionDep
from dangjian.users import service
from dangjian.users.schemas import PasswordReset, UserCreate, UserCreated, UserRead, UserUpdate

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
        offset=page.offset,
        limit=page.size,
    )
    return Page(
        items=[UserRead.model_validate(r) for r in rows],
        total=total,
        page=page.page,
        size=page.size,
    )


@router.post("", response_model=UserCreated, status_code=status.HTTP_201_CREATED)
async def create_user(
    body: UserCreate, session: SessionDep, principal: PrincipalDep
) -> UserCreated:
    """新建账号（返回一次性初始密码，首次登录须修改）。"""
    user, password = await service.create(session, principal, body)
    return UserCreated(user=UserRead.model_validate(user), initial_password=password)


@router.get("/{user_id}", response_model=UserRead)
async def get_user(user_id: int, session: SessionDep, principal: PrincipalDep) -> UserRead:
    """账号详情。"""
    user, _ = await service.get_user(session, principal, user_id)
    return UserRead.model_validate(user)


@router.patch("/{user_id}", response_model=UserRead)
async def update_user(
    user_id: int, body: UserUpdate, session: SessionDep, principal: PrincipalDep
) -> UserRead:
    """修改账号（姓名、启用/停用；停用立即生效）。"""
    return UserRead.model_validate(await service.update(session, principal, user_id, body))


@router.post("/{user_id}/reset-password", response_model=PasswordReset)
async def reset_password(
    user_id: int, session: SessionDep, principal: PrincipalDep
) -> PasswordReset:
    """重置密码（返回一次性初始密码，原有会话全部失效）。"""
    return PasswordReset(initial_password=await service.reset_password(session, principal, user_id))
