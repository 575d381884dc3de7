from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Header, Query

from dangjian.core.errors import PROBLEM_RESPONSES, Unprocessable
from dangjian.core.routing import TransactionalRoute
from dangjian.core.schemas import Page, PageDep
from dangjian.deps import PrincipalDep, SessionDep, TodayDep
from dangjian.dues import accounts, exemptions, payments, reports, rules, service
from dangjian.dues.schemas import (
    MONTH_PATTERN,
    ArrearsReport,
    AssessmentConfirm,
    AssessmentRead,
    DuesBasisCreate,
    DuesBasisList,
    DuesCalculateIn,
    DuesCalculation,
    ExemptionCreate,
    ExemptionDecision,
    ExemptionRead,
    LedgerGrid,
    MemberStatement,
    MonthlyCollection,
    NameQuery,
    PaymentCreate,
    PaymentRead,
    PaymentReverse,
    PaymentYearQuery,
    PublishedSummary,
    RemindRequest,
    RemindResult,
    RemitQuery,
    RemittanceUpdate,
    YearlyCollection,
)
from dangjian.models.enums import ExemptionStatus, PaymentKind

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


def _yuan(value: Decimal) -> str:
    return format(value.quantize(rules.CENT), "f")


def _decimal(text: str | None) -> Decimal | None:
    # The schema admits digits with at most two decimals only: Decimal() cannot fail here.
    return None if text is None else Decimal(text)


@router.post("/calculate", response_model=DuesCalculation)
async def calculate(
    body: DuesCalculateIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> DuesCalculation:
    """计算每月应交党费（按交纳类别和月缴费基数，扣除组织规定的项目）。"""
    # R: DUES-01 — the deductions the organisation's policy counts (income tax always)
    counted = await service.counted_deductions(session, principal, body.organization_id, today)
    basis = _decimal(body.basis)
    try:
        if body.deductions and basis is None:
            raise ValueError("扣除项只用于按月缴费基数计算的类别，请先填写月缴费基数")
        if basis is not None and body.deductions:
            basis = rules.after_deductions(
                basis,
                {k: Decimal(v) for k, v in body.deductions.items()},
                counted,
                service.DEDUCTION_LABELS,
            )
        result = rules.monthly_dues(body.category, basis, fixed_amount=_decimal(body.fixed_amount))
    except ValueError as exc:
        raise Unprocessable(str(exc), code="dues_input") from None
    return DuesCalculation(
        category=body.category,
        category_label=rules.DUES_CATEGORY_LABELS[body.category],
        rate=None if result.rate is None else format(result.rate, "f"),
        monthly_amount=format(result.monthly_amount, "f"),
        bracket=result.bracket,
        calculation_basis=None if result.rate is None or basis is None else _yuan(basis),
        deducted=[counted[k] for k in body.deductions],
    )


@bases_router.get("/{member_id}/dues-bases", response_model=DuesBasisList)
async def list_bases(
    member_id: int, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> DuesBasisList:
    """党员的党费基数：本月适用的与全部记录（收入基数仅有权者可见）。"""
    return await service.list_bases(session, principal, member_id, today)


@bases_router.post("/{member_id}/dues-bases", response_model=DuesBasisList, status_code=201)
async def add_basis(
    member_id: int,
    body: DuesBasisCreate,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
) -> DuesBasisList:
    """登记党费基数（自新收入开始的月份起适用；只增不改）。"""
    return await service.add_basis(session, principal, member_id, body, today)


# ---------------------------------------------------------------- ledger, payments, arrears

OrgQuery = Annotated[int, Query(description="党组织（含下级）")]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100, description="年度，默认今年")]


def _year(year: int | None, today: date) -> int:
    return year or today.year


@router.get("/ledger", response_model=LedgerGrid)
async def ledger_grid(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    org_id: OrgQuery,
    today: TodayDep,
    year: YearQuery = None,
    q: NameQuery = None,
) -> LedgerGrid:
    """党费台账：党员 × 月份（应交、已交、未交，按行按列合计）；可按姓名查找。"""
    return await accounts.grid(session, principal, org_id, _year(year, today), page, today, q)


@router.get("/members/{member_id}/statement", response_model=MemberStatement)
async def member_statement(
    member_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    year: YearQuery = None,
) -> MemberStatement:
    """党员个人党费明细：各月应交、已交、未交与交纳记录（本人可查看）。"""
    return await accounts.statement(session, principal, member_id, _year(year, today), today)


@router.post("/payments", response_model=PaymentRead, status_code=201)
async def create_payment(
    body: PaymentCreate,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=100,
            description="幂等键：同一键和相同内容只登记一次并返回同一结果；同一键不同内容将被拒绝",
        ),
    ] = None,
) -> PaymentRead:
    """登记党费收缴（按月、按季度、预交、补交、代交或自愿多交），生成连续编号的收据。"""
    return await payments.create_payment(session, principal, body, idempotency_key, today)


@router.get("/payments", response_model=Page[PaymentRead])
async def list_payments(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    org_id: Annotated[int | None, Query(description="收缴党组织（含下级）")] = None,
    member_id: int | None = None,
    year: PaymentYearQuery = None,
    remit: RemitQuery = None,
    kind: PaymentKind | None = None,
    q: NameQuery = None,
) -> Page[PaymentRead]:
    """党费收缴记录（新的在前）；可按党员姓名查找。"""
    return await payments.list_payments(
        session,
        principal,
        page,
        org_id=org_id,
        member_id=member_id,
        year=year,
        remit=remit,
        kind=kind,
        q=q,
    )


@router.get("/payments/{payment_id}", response_model=PaymentRead)
async def get_payment(payment_id: int, session: SessionDep, principal: PrincipalDep) -> PaymentRead:
    """一笔收缴记录（收据）。"""
    return await payments.get_payment(session, principal, payment_id)


@router.post("/payments/{payment_id}/reverse", response_model=PaymentRead, status_code=201)
async def reverse_payment(
    payment_id: int,
    body: PaymentReverse,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
) -> PaymentRead:
    """冲正一笔登记有误的收缴（生成相反的记录，原记录保留）。"""
    return await payments.reverse_payment(session, principal, payment_id, body, today)


@router.post("/payments/{payment_id}/remittance", response_model=PaymentRead)
async def record_remittance(
    payment_id: int,
    body: RemittanceUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
) -> PaymentRead:
    """登记自愿多交党费（一次1000元以上）已全额上缴中央。"""
    return await payments.record_remittance(session, principal, payment_id, body, today)


@router.get("/arrears", response_model=ArrearsReport)
async def arrears(
    session: SessionDep, principal: PrincipalDep, org_id: OrgQuery, today: TodayDep
) -> ArrearsReport:
    """欠交党费的党员（达到提醒月数）与连续未交达到规定月数的自行脱党案例。"""
    return await accounts.arrears_report(session, principal, org_id, today)


@router.post("/arrears/remind", response_model=RemindResult)
async def remind(
    body: RemindRequest,
    session: SessionDep,
    principal: PrincipalDep,
    org_id: OrgQuery,
    today: TodayDep,
) -> RemindResult:
    """向欠交党费的党员发送站内提醒（注明月份和金额）。"""
    return await accounts.remind(session, principal, org_id, body, today)


# ---------------------------------------------------------------- reductions and exemptions


@router.get("/exemptions", response_model=list[ExemptionRead])
async def list_exemptions(
    session: SessionDep,
    principal: PrincipalDep,
    org_id: Annotated[int | None, Query(description="党组织（含下级）")] = None,
    status: ExemptionStatus | None = None,
    member_id: int | None = None,
) -> list[ExemptionRead]:
    """少交、免交党费的申请与审批。"""
    return await exemptions.list_exemptions(session, principal, org_id, status, member_id)


@router.post("/exemptions", response_model=ExemptionRead, status_code=201)
async def apply_exemption(
    body: ExemptionCreate, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> ExemptionRead:
    """申请少交或免交党费（写明理由和期间）。"""
    return await exemptions.apply(session, principal, body, today)


@router.post("/exemptions/{exemption_id}/decide", response_model=ExemptionRead)
async def decide_exemption(
    exemption_id: int, body: ExemptionDecision, session: SessionDep, principal: PrincipalDep
) -> ExemptionRead:
    """党支部研究决定（同意后报上一级党委批准）。"""
    return await exemptions.decide(session, principal, exemption_id, body)


@router.post("/exemptions/{exemption_id}/approve", response_model=ExemptionRead)
async def approve_exemption(
    exemption_id: int, body: ExemptionDecision, session: SessionDep, principal: PrincipalDep
) -> ExemptionRead:
    """上一级党委批准（批准后计入党费台账）。"""
    return await exemptions.approve(session, principal, exemption_id, body)


# ---------------------------------------------------------------- assessment and reports


@router.get("/assessment", response_model=AssessmentRead)
async def get_assessment(
    session: SessionDep,
    principal: PrincipalDep,
    org_id: OrgQuery,
    today: TodayDep,
    year: YearQuery = None,
) -> AssessmentRead:
    """年初核定名单：本年度每名党员的月交纳额（按年核定方式）。"""
    return await reports.assessment(session, principal, org_id, _year(year, today), today)


@router.post("/assessment", response_model=AssessmentRead, status_code=201)
async def confirm_assessment(
    body: AssessmentConfirm, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> AssessmentRead:
    """确认年初核定名单。"""
    return await reports.confirm_assessment(session, principal, body, today)


@router.get("/reports/monthly", response_model=MonthlyCollection)
async def monthly_report(
    session: SessionDep,
    principal: PrincipalDep,
    org_id: OrgQuery,
    today: TodayDep,
    month: Annotated[
        str | None, Query(pattern=MONTH_PATTERN, description="月份 YYYY-MM，默认本月")
    ] = None,
) -> MonthlyCollection:
    """月度党费收缴情况（按下级组织）。"""
    return await reports.monthly(
        session, principal, org_id, month or f"{today.year:04d}-{today.month:02d}", today
    )


@router.get("/reports/yearly", response_model=YearlyCollection)
async def yearly_report(
    session: SessionDep,
    principal: PrincipalDep,
    org_id: OrgQuery,
    today: TodayDep,
    year: YearQuery = None,
) -> YearlyCollection:
    """年度党费收缴情况（逐月）。"""
    return await reports.yearly(session, principal, org_id, _year(year, today))


@router.get("/reports/published", response_model=PublishedSummary)
async def published_summary(
    session: SessionDep,
    principal: PrincipalDep,
    org_id: OrgQuery,
    today: TodayDep,
    year: YearQuery = None,
) -> PublishedSummary:
    """年度党费收缴情况公布稿（只有数字，不含姓名）。"""
    return await reports.published(session, principal, org_id, _year(year, today))
