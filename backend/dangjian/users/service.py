"""Accounts for the people of an organisation subtree (created by those who run it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.auth import service as auth_service
from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.authz.service import require, visible_organization
from dangjian.core import clock, security
from dangjian.core.cpu import run_cpu
from dangjian.core.errors import Conflict, NotFound
from dangjian.core.pagination import paginate
from dangjian.core.schemas import PageParams
from dangjian.models import Member, Organization, User
from dangjian.notifications import service as notifications
from dangjian.users.authority import (
    AccountOutranksYou,
    AdminAccountProtected,
    account_refusal,
    held_posts,
)
from dangjian.users.schemas import UserCreate, UserRead, UserUpdate

RESET_NOTICE_KIND = "password_reset"  # the inbox message kind, not a secret


def _snapshot(user: User) -> dict[str, Any]:
    return UserRead.model_validate(user).model_dump(mode="json", exclude={"manageable"})


async def manageable(session: AsyncSession, principal: Principal, users: list[User]) -> set[int]:
    """Ids of the (visible) accounts the caller may reset, deactivate and edit."""
    posts = await held_posts(session, (u.id for u in users))
    return {u.id for u in users if account_refusal(principal, u, posts.get(u.id, [])) is None}


async def _require_manageable(
    session: AsyncSession,
    principal: Principal,
    user: User,
    org: Organization | None,
    action: str,
) -> None:
    """403 when the account's holder outranks the caller (one rule with `manageable`).

    An attempted takeover is audited with the target's organisation, so that whoever reads the
    audit trail there sees it: the row is committed in the request's own session (nothing else
    has been written yet) before the refusal rolls the rest back — one connection per request.
    """
    posts = await held_posts(session, [user.id])
    refusal = account_refusal(principal, user, posts.get(user.id, []))
    if refusal is None:
        return
    if isinstance(refusal, AccountOutranksYou | AdminAccountProtected):
        await audit.record(
            session,
            actor=principal,
            action=f"{action}_refused",
            entity="user",
            entity_id=user.id,
            organization_path=org.path if org else None,
            after={"code": refusal.code},
        )
        await session.commit()
    raise refusal


def _scoped_users(principal: Principal):  # type: ignore[no-untyped-def]
    return (
        select(User)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .where(principal.readable(Organization.path, Cap.users_manage))
    )


async def list_users(
    session: AsyncSession,
    principal: Principal,
    *,
    q: str | None,
    organization_id: int | None,
    page: PageParams,
) -> tuple[list[User], int]:
    stmt = _scoped_users(principal)
    if q:
        stmt = stmt.where(
            User.username.contains(q, autoescape=True)
            | User.display_name.contains(q, autoescape=True)
        )
    if organization_id is not None:
        stmt = stmt.where(User.organization_id == organization_id)
    return await paginate(session, stmt, order_by=[User.id], page=page)


async def get_user(
    session: AsyncSession, principal: Principal, user_id: int
) -> tuple[User, Organization | None]:
    user = await session.scalar(_scoped_users(principal).where(User.id == user_id))
    if user is None:
        raise NotFound()
    org = await session.get(Organization, user.organization_id) if user.organization_id else None
    return user, org


async def create(
    session: AsyncSession,
    principal: Principal,
    body: UserCreate,
    hashing: security.Argon2Parameters,
) -> tuple[User, str]:
    org = await visible_organization(session, principal, body.organization_id)
    require(principal, Cap.users_manage, org)
    username = auth_service.normalise_username(body.username)
    if await session.scalar(select(User.id).where(User.username == username)):
        raise Conflict("用户名已被使用", code="username_taken")
    if body.member_id is not None:
        member = await session.scalar(
            select(Member)
            .join(Organization, Organization.id == Member.organization_id)
            .where(
                Member.id == body.member_id,
                principal.readable(Organization.path, Cap.users_manage),
            )
        )
        if member is None:
            raise NotFound("党员不存在或不在本组织范围内", code="member_not_found")
        if await session.scalar(select(User.id).where(User.member_id == member.id)):
            raise Conflict("该党员已有账号", code="member_has_account")
    password = security.generate_password()
    user = User(
        username=username,
        display_name=body.display_name,
        organization_id=org.id,
        member_id=body.member_id,
        password_hash=await run_cpu(security.hash_password, password, hashing),
        must_change_password=True,
    )
    session.add(user)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="user.create",
        entity="user",
        entity_id=user.id,
        organization_path=org.path,
        after=_snapshot(user),
    )
    return user, password


async def update(
    session: AsyncSession,
    principal: Principal,
    user_id: int,
    body: UserUpdate,
) -> User:
    user, org = await get_user(session, principal, user_id)
    await _require_manageable(session, principal, user, org, "user.update")
    before = _snapshot(user)
    changes = body.model_dump(exclude_unset=True)
    for key, value in changes.items():
        setattr(user, key, value)
    if changes.get("is_active") is False:
        await auth_service.revoke_user_sessions(session, user.id, "deactivated")
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="user.update",
        entity="user",
        entity_id=user.id,
        organization_path=org.path if org else None,
        before=before,
        after=_snapshot(user),
    )
    return user


async def reset_password(
    session: AsyncSession,
    principal: Principal,
    user_id: int,
    hashing: security.Argon2Parameters,
) -> str:
    """A new one-time password; the holder must change it, is signed out everywhere and told."""
    user, org = await get_user(session, principal, user_id)
    await _require_manageable(session, principal, user, org, "user.password_reset")
    password = security.generate_password()
    user.password_hash = await run_cpu(security.hash_password, password, hashing)
    user.must_change_password = True
    await auth_service.revoke_user_sessions(session, user.id, "password_reset")
    await auth_service.clear_failures(session, user.username)
    at = clock.local(clock.now())
    await notifications.send(
        session,
        [user.id],
        kind=RESET_NOTICE_KIND,
        title="您的密码已被重置",
        body=(
            f"您的密码已由{principal.label}于{at:%Y-%m-%d %H:%M}重置，原有登录已全部退出。"
            "请使用对方告知的一次性密码登录，并立即设置新密码。"
            "如果您没有申请重置，请尽快联系上级党组织。"
        ),
    )
    await audit.record(
        session,
        actor=principal,
        action="user.password_reset",
        entity="user",
        entity_id=user.id,
        organization_path=org.path if org else None,
    )
    return password
