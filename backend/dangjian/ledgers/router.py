"""/ledgers — the meeting books and the dues books (register, payments, arrears) as .xlsx
exports (LEDG-01)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from dangjian.core.errors import PROBLEM_RESPONSES
from dangjian.core.exports import XLSX, xlsx_response
from dangjian.core.routing import TransactionalRoute
from dangjian.deps import NowDep, PrincipalDep, SessionDep, TodayDep
from dangjian.dues.schemas import NameQuery, PaymentYearQuery, RemitQuery
from dangjian.ledgers import service as ledgers
from dangjian.ledgers.service import LedgerBook
from dangjian.models.enums import PaymentKind

router = APIRouter(route_class=TransactionalRoute, responses=PROBLEM_RESPONSES)

OrgQuery = Annotated[int, Query(description="党组织（含下级）")]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100, description="年度，默认今年")]


@router.get(
    "/ledgers/meetings",
    tags=["ledgers"],
    responses={200: {"content": {XLSX: {}}}},
    response_class=Response,
)
async def meeting_ledger(
    session: SessionDep,
    principal: PrincipalDep,
    org_id: Annotated[int, Query(description="党组织（仅本组织，不含下级）")],
    type_: Annotated[LedgerBook, Query(alias="type", description="党员大会记录簿或支委会记录簿")],
    today: TodayDep,
    now: NowDep,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年度，默认今年")] = None,
) -> Response:
    """导出党员大会记录簿 / 支委会记录簿（.xlsx；首行注明导出人与时间，保密内容按权限隐去）。"""
    content, filename = await ledgers.meeting_ledger(
        session, principal, org_id, type_, year or today.year, now
    )
    return xlsx_response(content, filename, fallback="ledger.xlsx")


@router.get(
    "/ledgers/dues",
    tags=["ledgers"],
    responses={200: {"content": {XLSX: {}}}},
    response_class=Response,
)
async def dues_register(
    session: SessionDep,
    principal: PrincipalDep,
    org_id: OrgQuery,
    today: TodayDep,
    now: NowDep,
    year: YearQuery = None,
) -> Response:
    """导出党费收缴登记册（.xlsx；每名党员各月交纳情况）。"""
    content, filename = await ledgers.dues_register(
        session, principal, org_id, year or today.year, today, now
    )
    return xlsx_response(content, filename, fallback="dues.xlsx")


@router.get(
    "/ledgers/dues/payments",
    tags=["ledgers"],
    responses={200: {"content": {XLSX: {}}}},
    response_class=Response,
)
async def dues_payments(
    session: SessionDep,
    principal: PrincipalDep,
    org_id: Annotated[int, Query(description="收缴党组织（含下级）")],
    now: NowDep,
    year: PaymentYearQuery = None,
    remit: RemitQuery = None,
    kind: PaymentKind | None = None,
    q: NameQuery = None,
) -> Response:
    """导出党费收缴记录（.xlsx；筛选条件与收缴记录页相同，新的在前）。"""
    content, filename = await ledgers.payments_export(
        session, principal, now, org_id=org_id, year=year, remit=remit, kind=kind, q=q
    )
    return xlsx_response(content, filename, fallback="dues-payments.xlsx")


@router.get(
    "/ledgers/dues/arrears",
    tags=["ledgers"],
    responses={200: {"content": {XLSX: {}}}},
    response_class=Response,
)
async def dues_arrears(
    session: SessionDep, principal: PrincipalDep, org_id: OrgQuery, today: TodayDep, now: NowDep
) -> Response:
    """导出欠交党费提醒名单（.xlsx；按组织、姓名排列，列出欠交月份和金额）。"""
    content, filename = await ledgers.arrears_export(session, principal, org_id, today, now)
    return xlsx_response(content, filename, fallback="dues-arrears.xlsx")
