from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from dangjian.core.errors import PROBLEM_RESPONSES
from dangjian.core.routing import TransactionalRoute
from dangjian.deps import PrincipalDep, SessionDep, TodayDep
from dangjian.policies import service
from dangjian.policies.schemas import PolicyRead, PolicyUpdate

router = APIRouter(
    prefix="/organizations",
    tags=["policies"],
    route_class=TransactionalRoute,
    responses=PROBLEM_RESPONSES,
)


@router.get("/{org_id}/policy", response_model=PolicyRead)
async def get_policy(
    org_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    on: Annotated[date | None, Query(description="查询哪一天生效的参数，默认今天")] = None,
) -> PolicyRead:
    """工作制度参数：每项的取值及来源（系统默认 / 继承自上级 / 本组织设置）。"""
    return await service.read(session, principal, org_id, on or today)


@router.put("/{org_id}/policy", response_model=PolicyRead)
async def put_policy(
    org_id: int, body: PolicyUpdate, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> PolicyRead:
    """设置工作制度参数（自生效日期起对本组织及下级适用；null 恢复继承）。"""
    return await service.update(session, principal, org_id, body, today)
