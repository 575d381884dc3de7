"""/compliance — meetings held against the work system, attendance, the absence ladder
(MTG-02, MTG-09, DISC-01)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from dangjian.compliance import service as compliance
from dangjian.compliance.schemas import AbsenceReport, AttendanceReport, MeetingCompliance
from dangjian.compliance.service.grid_export import export_grid
from dangjian.core.errors import PROBLEM_RESPONSES
from dangjian.core.exports import XLSX, xlsx_response
from dangjian.core.routing import TransactionalRoute
from dangjian.deps import NowDep, PrincipalDep, SessionDep, TodayDep

router = APIRouter(route_class=TransactionalRoute, responses=PROBLEM_RESPONSES)

OrgQuery = Annotated[int, Query(description="党组织（含下级）")]
PeriodQuery = Annotated[
    str | None,
    Query(
        max_length=7,
        description="报告期：2026-11（月）、2026-Q4（季度）、2026-H2（半年）、2026（年）；默认本季度",
    ),
]


@router.get("/compliance/meetings", tags=["compliance"], response_model=MeetingCompliance)
async def meeting_compliance(
    org_id: OrgQuery,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    period: PeriodQuery = None,
) -> MeetingCompliance:
    """会议召开情况：各组织各类会议应开、已开、通知不足次数，对照当期工作制度（绿/黄/红）。"""
    return await compliance.meeting_compliance(session, principal, org_id, period, today)


@router.get(
    "/compliance/meetings/export",
    tags=["compliance"],
    responses={200: {"content": {XLSX: {}}}},
    response_class=Response,
)
async def export_meeting_compliance(
    org_id: OrgQuery,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    now: NowDep,
    period: PeriodQuery = None,
) -> Response:
    """导出三会一课召开情况表（.xlsx；各组织 × 各类会议：已开 / 应开、达标情况、通知不足次数）。"""
    content, filename = await export_grid(session, principal, org_id, period, today, now)
    return xlsx_response(content, filename, fallback="compliance.xlsx")


@router.get("/compliance/attendance", tags=["compliance"], response_model=AttendanceReport)
async def attendance(
    org_id: OrgQuery,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    period: PeriodQuery = None,
) -> AttendanceReport:
    """党员参加组织生活情况：应到、出席、请假、缺席次数（按姓名排列，不排名）。"""
    return await compliance.attendance(session, principal, org_id, period, today)


@router.get("/compliance/absences", tags=["compliance"], response_model=AbsenceReport)
async def absences(
    org_id: OrgQuery, session: SessionDep, principal: PrincipalDep, now: NowDep
) -> AbsenceReport:
    """连续无故缺席组织生活的党员（分级提示，由组织研究处理）。"""
    return await compliance.absences(session, principal, org_id, now)
