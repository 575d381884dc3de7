from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi import APIRouter

from dangjian.core.errors import PROBLEM_RESPONSES, Unprocessable
from dangjian.core.routing import TransactionalRoute
from dangjian.deps import PrincipalDep, SessionDep
from dangjian.dues import rules, service
from dangjian.dues.schemas import (
    DuesBasisCreate,
    DuesBasisList,
    DuesCalculateIn,
    DuesCalculation,
)

router = APIRouter(
    prefix="/dues",
    tags=["dues"],
    route_class=TransactionalRoute,
    responses=PROBLEM_RESPONSES,
)

bases_router = APIRouter(
    prefix="/members",
    tags=["dues"],
    route_class=TransactionalRoute,
    responses=PROBLEM_RESPONSES,
)


def _decimal(text: str | None) -> Decimal | None:
    # The schema admits digits with at most two decimals only: Decimal() cannot fail here.
    return None if text is None else Decimal(text)


@router.post("/calculate", response_model=DuesCalculation)
async def calculate(body: DuesCalculateIn, _principal: PrincipalDep) -> DuesCalculation:
    """计算每月应交党费（按交纳类别和月缴费基数）。"""
    try:
        result = rules.monthly_dues(
            body.category, _decimal(body.basis), fixed_amount=_decimal(body.fixed_amount)
        )
    except ValueError as exc:
        raise Unprocessable(str(exc), code="dues_input") from None
    return DuesCalculation(
        category=body.category,
        category_label=rules.DUES_CATEGORY_LABELS[body.category],
        rate=None if result.rate is None else format(result.rate, "f"),
        monthly_amount=format(result.monthly_amount, "f"),
        bracket=result.bracket,
    )


@bases_router.get("/{member_id}/dues-bases", response_model=DuesBasisList)
async def list_bases(member_id: int, session: SessionDep, principal: PrincipalDep) -> DuesBasisList:
    """党员的党费基数：本月适用的与全部记录（收入基数仅有权者可见）。"""
    return await service.list_bases(session, principal, member_id, date.today())


@bases_router.post("/{member_id}/dues-bases", response_model=DuesBasisList, status_code=201)
async def add_basis(
    member_id: int, body: DuesBasisCreate, session: SessionDep, principal: PrincipalDep
) -> DuesBasisList:
    """登记党费基数（自新收入开始的月份起适用；只增不改）。"""
    return await service.add_basis(session, principal, member_id, body, date.today())
