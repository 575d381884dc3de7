"""/me/todos — the caller's to-dos (待办) for 工作台."""

from __future__ import annotations

from fastapi import APIRouter

from dangjian.core.errors import PROBLEM_RESPONSES
from dangjian.core.routing import TransactionalRoute, read_only
from dangjian.deps import PrincipalDep, SessionDep, TodayDep
from dangjian.todos.registry import todos_for
from dangjian.todos.schemas import TodoRead

router = APIRouter(
    prefix="/me/todos", tags=["todos"], route_class=TransactionalRoute, responses=PROBLEM_RESPONSES
)


@router.get("", response_model=list[TodoRead])
@read_only
async def my_todos(session: SessionDep, principal: PrincipalDep, today: TodayDep) -> list[TodoRead]:
    """我的待办：由各项记录算出（待审批、待通知、待填写纪要、欠交党费、未读消息等），每项链接到办理页面。"""
    return await todos_for(session, principal, today)
