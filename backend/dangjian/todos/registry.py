"""The registry of to-do providers: each module adds its providers here, in the order its items
appear on 工作台. A provider answers for the caller only, from the records, in the caller's scope
(the same tests as the actions its items link to), and returns nothing when none applies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.principal import Principal
from dangjian.dues import todos as dues
from dangjian.meetings.service import todos as meetings
from dangjian.members import corrections
from dangjian.notifications import service as notifications
from dangjian.todos.schemas import TodoKind, TodoRead

Provider = Callable[[AsyncSession, Principal, date], Awaitable[list[TodoRead]]]


async def _corrections(session: AsyncSession, principal: Principal, today: date) -> list[TodoRead]:
    n = await corrections.awaiting_count(session, principal)
    link = "/members/corrections"
    return [TodoRead(kind=TodoKind.corrections_review, count=n, link=link)] if n else []


async def _inbox(session: AsyncSession, principal: Principal, today: date) -> list[TodoRead]:
    if principal.user is None:
        return []
    n = await notifications.unread_count(session, principal)
    return [TodoRead(kind=TodoKind.unread_notices, count=n, link="/inbox")] if n else []


PROVIDERS: tuple[Provider, ...] = (
    meetings.staff_todos,
    meetings.resolution_todos,
    dues.staff_todos,
    _corrections,
    meetings.member_todos,
    dues.member_todos,
    _inbox,
)


async def todos_for(session: AsyncSession, principal: Principal, today: date) -> list[TodoRead]:
    """Every provider's items for the caller, overdue ones first (then in provider order)."""
    items = [item for provider in PROVIDERS for item in await provider(session, principal, today)]
    return sorted(items, key=lambda item: not item.overdue)
