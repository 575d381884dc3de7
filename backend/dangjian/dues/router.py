from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter

from dangjian.core.errors import PROBLEM_RESPONSES, Unprocessable
from dangjian.core.routing import TransactionalRoute
from dangjian.deps import PrincipalDep
from dangjian.dues import rules
from dangjian.dues.schemas import DuesCalculateIn, DuesCalculation

router = APIRouter(
    prefix="/dues",
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
