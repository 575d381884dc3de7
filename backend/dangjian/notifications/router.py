from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dangjian.core.errors import PROBLEM_RESPONSES
from dangjian.core.routing import TransactionalRoute
from dangjian.core.schemas import Page, PageDep
from dangjian.deps import PrincipalDep, SessionDep
from dangjian.notifications import service
from dangjian.notifications.schemas import NotificationRead, UnreadCount

router = APIRouter(
    prefix="/me/notifications",
    tags=["notifications"],
    route_class=TransactionalRoute,
    responses=PROBLEM_RESPONSES,
)


@router.get("", response_model=Page[NotificationRead])
async def list_notifications(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    unread: Annotated[bool, Query(description="只看未读")] = False,
) -> Page[NotificationRead]:
    """我的消息（最新在前）。"""
    rows, total = await service.inbox(session, principal, unread_only=unread, page=page)
    items = [NotificationRead.model_validate(r) for r in rows]
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.get("/unread-count", response_model=UnreadCount)
async def unread_count(session: SessionDep, principal: PrincipalDep) -> UnreadCount:
    """未读消息数。"""
    return UnreadCount(unread=await service.unread_count(session, principal))


@router.post("/{notification_id}/read", status_code=status.HTTP_204_NO_CONTENT)
async def mark_read(notification_id: int, session: SessionDep, principal: PrincipalDep) -> None:
    """标为已读。"""
    await service.mark_read(session, principal, notification_id)


@router.post("/read-all", status_code=status.HTTP_204_NO_CONTENT)
async def mark_all_read(session: SessionDep, principal: PrincipalDep) -> None:
    """全部标为已读。"""
    await service.mark_all_read(session, principal)
