"""/members — the roster; /me/member — a member's own record."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Header, Query, Response, UploadFile, status

from dangjian.core.errors import PROBLEM_RESPONSES, Problem
from dangjian.core.exports import XLSX, xlsx_response
from dangjian.core.routing import TransactionalRoute, read_only
from dangjian.core.schemas import Page, PageDep
from dangjian.deps import CipherDep, FilesDep, NowDep, PrincipalDep, SessionDep, TodayDep
from dangjian.members import corrections, importing, photos, service, stats_export
from dangjian.members.enums import Category
from dangjian.members.schemas import (
    CorrectionCreate,
    CorrectionDecision,
    CorrectionRead,
    CorrectionStatus,
    EventCreate,
    EventRead,
    ImportResult,
    MemberCreate,
    MemberListItem,
    MemberListKind,
    MemberRead,
    MemberSort,
    MemberStatistics,
    MemberUpdate,
    RevealRead,
)
from dangjian.models.enums import Gender, MemberKind, MemberStatus

router = APIRouter(
    prefix="/members", tags=["members"], route_class=TransactionalRoute, responses=PROBLEM_RESPONSES
)
me_router = APIRouter(
    prefix="/me", tags=["me"], route_class=TransactionalRoute, responses=PROBLEM_RESPONSES
)


@router.get("", response_model=Page[MemberListItem])
@read_only
async def list_members(
    session: SessionDep,
    principal: PrincipalDep,
    cipher: CipherDep,
    page: PageDep,
    today: TodayDep,
    org_id: Annotated[int | None, Query(description="党组织（含下级）")] = None,
    kind: MemberKind | None = None,
    category: Category | None = None,
    status_: Annotated[MemberStatus | None, Query(alias="status")] = None,
    gender: Gender | None = None,
    age_min: Annotated[int | None, Query(ge=0, le=150)] = None,
    age_max: Annotated[int | None, Query(ge=0, le=150)] = None,
    joined_from: date | None = None,
    joined_to: date | None = None,
    q: Annotated[str | None, Query(max_length=32, description="姓名，或身份证/手机号后4位")] = None,
    list_: Annotated[MemberListKind | None, Query(alias="list", description="工作清单")] = None,
    sort: MemberSort = MemberSort.name,
) -> Page[MemberListItem]:
    """党员花名册（按组织范围筛选；个人信息默认脱敏）。"""
    filters = service.ListFilters(
        org_id=org_id,
        kind=kind,
        category=category,
        status=status_,
        gender=gender,
        age_min=age_min,
        age_max=age_max,
        joined_from=joined_from,
        joined_to=joined_to,
        q=q,
        list=list_,
        sort=sort,
    )
    items, total = await service.list_members(
        session, principal, cipher, filters, page=page, today=today
    )
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.post("", response_model=MemberRead, status_code=status.HTTP_201_CREATED)
async def create_member(
    body: MemberCreate,
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    cipher: CipherDep,
    today: TodayDep,
) -> MemberRead:
    """登记建卡：新增党员（身份证号校验，出生日期与性别自动推导）。"""
    read, tag = await service.create_member(session, principal, cipher, body, today)
    response.headers["ETag"] = tag
    return read


@router.get("/import-template", responses={200: {"content": {XLSX: {}}}}, response_class=Response)
async def import_template(session: SessionDep, principal: PrincipalDep) -> Response:
    """党员花名册导入模板（含可选值下拉列表与填写说明；所在党组织可从本人可管理的党支部、党小组中选择）。"""
    return xlsx_response(
        await importing.import_template(session, principal),
        "党员花名册导入模板.xlsx",
        fallback="roster.xlsx",
    )


@router.post("/import", response_model=ImportResult)
async def import_members(
    file: Annotated[UploadFile, File(description="党员花名册 .xlsx")],
    session: SessionDep,
    principal: PrincipalDep,
    cipher: CipherDep,
    dry_run: Annotated[bool, Query(description="true：只检查不写入")] = True,
) -> ImportResult:
    """导入党员花名册：先预检（逐格列出问题），确认后整批写入；按身份证号匹配，重复导入不重复登记。"""
    content = await file.read()
    return await importing.import_roster(session, principal, cipher, content, dry_run=dry_run)


@router.post("/import-problems", responses={200: {"content": {XLSX: {}}}}, response_class=Response)
async def import_problems(
    file: Annotated[UploadFile, File(description="党员花名册 .xlsx")],
    session: SessionDep,
    principal: PrincipalDep,
    cipher: CipherDep,
) -> Response:
    """导入问题清单（.xlsx）：重新检查上传的花名册（不写入），逐行列出问题，便于对照修改。"""
    content = await importing.problem_list(session, principal, cipher, await file.read())
    return xlsx_response(content, "党员花名册导入问题清单.xlsx", fallback="import-problems.xlsx")


@router.get("/export", responses={200: {"content": {XLSX: {}}}}, response_class=Response)
async def export_members(
    session: SessionDep,
    principal: PrincipalDep,
    cipher: CipherDep,
    today: TodayDep,
    org_id: int | None = None,
    kind: MemberKind | None = None,
    category: Category | None = None,
    status_: Annotated[MemberStatus | None, Query(alias="status")] = None,
    gender: Gender | None = None,
    q: Annotated[str | None, Query(max_length=32)] = None,
    list_: Annotated[MemberListKind | None, Query(alias="list")] = None,
    full: Annotated[bool, Query(description="含完整个人信息（需相应权限，记入审计）")] = False,
) -> Response:
    """导出党员花名册（.xlsx；默认脱敏，首行注明导出人与时间）。"""
    filters = service.ListFilters(
        org_id=org_id, kind=kind, category=category, status=status_, gender=gender, q=q, list=list_
    )
    content, _ = await importing.export_roster(
        session, principal, cipher, filters, full=full, today=today
    )
    return xlsx_response(content, f"党员花名册_{today:%Y%m%d}.xlsx", fallback="roster.xlsx")


@router.get("/statistics", response_model=MemberStatistics)
async def member_statistics(
    org_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    on: date | None = None,
) -> MemberStatistics:
    """党员统计（按类别、性别、年龄段、学历、民族、岗位、入党时间段，及历年增减）；
    `on` 为过去某日时按当日在册情况统计。"""
    return await service.statistics(session, principal, org_id, on or today)


@router.get("/statistics/export", responses={200: {"content": {XLSX: {}}}}, response_class=Response)
async def export_member_statistics(
    org_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    now: NowDep,
    on: date | None = None,
) -> Response:
    """导出党员统计（.xlsx；与统计页相同：各分类人数与占比、历年增减）。"""
    content, filename = await stats_export.export_statistics(
        session, principal, org_id, on or today, now
    )
    return xlsx_response(content, filename, fallback="statistics.xlsx")


@router.get("/corrections", response_model=list[CorrectionRead])
async def list_corrections(
    session: SessionDep,
    principal: PrincipalDep,
    cipher: CipherDep,
    status_: Annotated[CorrectionStatus | None, Query(alias="status")] = None,
) -> list[CorrectionRead]:
    """党员信息更正申请（本人管理范围内；身份证号、手机号、住址按权限脱敏）。"""
    return await corrections.listing(session, principal, cipher, status_)


@router.post("/corrections/{correction_id}/decision", response_model=CorrectionRead)
async def decide_correction(
    correction_id: int,
    body: CorrectionDecision,
    session: SessionDep,
    principal: PrincipalDep,
    cipher: CipherDep,
) -> CorrectionRead:
    """审核更正申请：同意则按申请内容修改党员信息，不同意则注明理由。"""
    return await corrections.decide(session, principal, cipher, correction_id, body)


@router.get("/{member_id}", response_model=MemberRead)
async def get_member(
    member_id: int,
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    cipher: CipherDep,
    today: TodayDep,
) -> MemberRead:
    """党员详情（响应头 ETag 用于修改时的 If-Match）。"""
    read, tag = await service.get_member(session, principal, cipher, member_id, today)
    response.headers["ETag"] = tag
    return read


@router.patch(
    "/{member_id}",
    response_model=MemberRead,
    responses={412: {"model": Problem}, 428: {"model": Problem}},
)
async def update_member(
    member_id: int,
    body: MemberUpdate,
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    cipher: CipherDep,
    today: TodayDep,
    if_match: Annotated[str | None, Header()] = None,
) -> MemberRead:
    """修改党员信息（须带 If-Match；数据已被他人修改时返回 412）。"""
    read, tag = await service.update_member(
        session, principal, cipher, member_id, body, if_match, today
    )
    response.headers["ETag"] = tag
    return read


@router.get("/{member_id}/events", response_model=list[EventRead])
async def list_member_events(
    member_id: int, session: SessionDep, principal: PrincipalDep
) -> list[EventRead]:
    """党籍状态与增减事件（历史记录，只增不改）。"""
    return await service.list_events(session, principal, member_id)


@router.post("/{member_id}/events", response_model=EventRead, status_code=status.HTTP_201_CREATED)
async def add_member_event(
    member_id: int, body: EventCreate, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> EventRead:
    """登记状态事件（转出、死亡、失联、留党察看……），当前状态随之推导。"""
    return await service.add_event(session, principal, member_id, body, today)


@router.post("/{member_id}/reveal", response_model=RevealRead, responses={429: {"model": Problem}})
async def reveal_member(
    member_id: int, session: SessionDep, principal: PrincipalDep, cipher: CipherDep
) -> RevealRead:
    """查看完整身份证号、手机号、住址（记入审计，限频）。"""
    return await service.reveal(session, principal, cipher, member_id)


@router.get(
    "/{member_id}/photo",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "照片（JPEG）"}},
)
async def get_member_photo(
    member_id: int, session: SessionDep, principal: PrincipalDep, files: FilesDep
) -> Response:
    """党员照片（本人或有花名册查看权限者）。"""
    content = await photos.read_photo(session, principal, files, member_id)
    return Response(content, media_type="image/jpeg")  # API answers carry Cache-Control: no-store


@router.put("/{member_id}/photo", status_code=status.HTTP_204_NO_CONTENT)
async def set_member_photo(
    member_id: int,
    file: Annotated[UploadFile, File(description="JPG、PNG 或 WebP 照片")],
    session: SessionDep,
    principal: PrincipalDep,
    files: FilesDep,
) -> None:
    """上传或更换党员照片（重新编码为 JPEG，去除拍摄地点等元数据）。"""
    await photos.set_photo(session, principal, files, member_id, await file.read())


@router.delete("/{member_id}/photo", status_code=status.HTTP_204_NO_CONTENT)
async def delete_member_photo(
    member_id: int, session: SessionDep, principal: PrincipalDep, files: FilesDep
) -> None:
    """删除党员照片。"""
    await photos.delete_photo(session, principal, files, member_id)


@me_router.get("/member", response_model=MemberRead)
async def my_member(
    session: SessionDep, principal: PrincipalDep, cipher: CipherDep, today: TodayDep
) -> MemberRead:
    """本人的党员信息（不脱敏）。"""
    return await service.my_member(session, principal, cipher, today)


@me_router.get("/member/corrections", response_model=list[CorrectionRead])
async def my_corrections(
    session: SessionDep, principal: PrincipalDep, cipher: CipherDep
) -> list[CorrectionRead]:
    """本人的更正申请及处理结果。"""
    return await corrections.mine(session, principal, cipher)


@me_router.post(
    "/member/corrections", response_model=CorrectionRead, status_code=status.HTTP_201_CREATED
)
async def request_correction(
    body: CorrectionCreate, session: SessionDep, principal: PrincipalDep, cipher: CipherDep
) -> CorrectionRead:
    """申请更正本人信息（由组织委员或党务干事审核）。"""
    return await corrections.request(session, principal, cipher, body)


@me_router.get(
    "/member/export",
    responses={200: {"content": {"application/json": {}}}},
    response_class=Response,
)
async def export_my_data(
    session: SessionDep, principal: PrincipalDep, cipher: CipherDep, today: TodayDep
) -> Response:
    """导出本人的全部个人信息（个人信息保护法）。"""
    content = await corrections.self_export(session, principal, cipher, today)
    return Response(
        content,
        media_type="application/json",
        headers={"Content-Disposition": "attachment; filename=my-member-data.json"},
    )
