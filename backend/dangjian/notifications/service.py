from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.principal import Principal
from dangjian.core.db import utcnow
from dangjian.core.errors import Forbidden, NotFound
from dangjian.core.pagination import paginate
from dangjian.core.schemas import PageParams
from dangjian.models import Notification


async def send(
    session: AsyncSession,
    user_ids: Iterable[int],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
) -> int:
    """Put one message in each user's inbox (once per user); returns how many were sent."""
    recipients = sorted(set(user_ids))
    session.add_all(
        Notification(user_id=u, kind=kind, title=title, body=body, link=link) for u in recipients
    )
    await session.flush()
    return len(recipients)


def _user_id(principal: Principal) -> int:
    if principal.user is None:
        raise Forbidden("仅限用户账号", code="user_only")
    return principal.user.id


async def inbox(
    session: AsyncSession, principal: Principal, *, unread_only: bool, page: PageParams
) -> tuple[list[Notification], int]:
    stmt = select(Notification).where(Notification.user_id == _user_id(principal))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    order = [Notification.created_at.desc(), Notification.id.desc()]
    return await paginate(session, stmt, order_by=order, page=page)


async def unread_count(session: AsyncSession, principal: Principal) -> int:
    return (
        await session.scalar(
            select(func.count()).where(
                Notification.user_id == _user_id(principal), Notification.read_at.is_(None)
            )
        )
        or 0
    )


async def mark_read(session: AsyncSession, principal: Principal, notification_id: int) -> None:
    result = await session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.user_id == _user_id(principal))
        .values(read_at=func.coalesce(Notification.read_at, utcnow()))
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound()
    await audit.record(
        session, actor=principal, action="notification.read", entity="notification",
        entity_id=notification_id,
    )  # fmt: skip


async def mark_all_read(session: AsyncSession, principal: Principal) -> None:
    result = await session.execute(
        update(Notification)
        .where(Notification.user_id == _user_id(principal), Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    await audit.record(
        session, actor=principal, action="notification.read_all", entity="notification",
        after={"count": result.rowcount},  # type: ignore[attr-defined]
    )  # fmt: skip
