from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

from dangjian.core.errors import PROBLEM_RESPONSES, Problem
from dangjian.core.routing import TransactionalRoute
from dangjian.deps import FilesDep, PrincipalDep, SessionDep, TodayDep
from dangjian.meetings import attachments, service
from dangjian.meetings.schemas import (
    AgendaCreate,
    AgendaDecision,
    AttachmentRead,
    AttendanceSheet,
    AttendeeAdd,
    AttendeeUpdate,
    CancelRequest,
    CheckIn,
    CheckInCode,
    FollowUpUpdate,
    HoldRequest,
    LeaveDecision,
    LeaveRequest,
    MeetingCreate,
    MeetingListItem,
    MeetingRead,
    MeetingUpdate,
    MinutesRead,
    MinutesUpdate,
    MyMeetingRead,
    OpinionCreate,
    ResolutionCreate,
    ResolutionRead,
)
from dangjian.models.enums import AttachmentPurpose, FollowUp, MeetingStatus, MeetingType

router = APIRouter(
    prefix="/meetings",
    tags=["meetings"],
    route_class=TransactionalRoute,
    responses=PROBLEM_RESPONSES,
)
resolutions_router = APIRouter(
    prefix="/resolutions",
    tags=["meetings"],
    route_class=TransactionalRoute,
    responses=PROBLEM_RESPONSES,
)
me_router = APIRouter(
    prefix="/me/meetings", tags=["me"], route_class=TransactionalRoute, responses=PROBLEM_RESPONSES
)
REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"model": Problem, "description": "quorum_not_met / majority_not_reached"}
}


@router.get("", response_model=list[MeetingListItem])
async def list_meetings(
    session: SessionDep,
    principal: PrincipalDep,
    org_id: Annotated[int | None, Query(description="党组织（含下级）")] = None,
    start: Annotated[datetime | None, Query(alias="from", description="开始时间不早于")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="开始时间早于")] = None,
    type_: Annotated[MeetingType | None, Query(alias="type")] = None,
    status_: Annotated[MeetingStatus | None, Query(alias="status")] = None,
) -> list[MeetingListItem]:
    """会议日历（按组织范围与时间段）。"""
    return await service.list_meetings(
        session, principal, org_id=org_id, start=start, end=end, mtype=type_, status=status_
    )


@router.post("", response_model=MeetingRead, status_code=status.HTTP_201_CREATED)
async def create_meeting(
    body: MeetingCreate, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """安排会议（草稿）：按会议类型自动生成应到人员名单。"""
    return await service.create_meeting(session, principal, body)


@router.get("/{meeting_id}", response_model=MeetingRead)
async def get_meeting(meeting_id: int, session: SessionDep, principal: PrincipalDep) -> MeetingRead:
    """会议详情：应到人员、请假与签到、法定人数、议程、表决、纪要。"""
    return await service.get_meeting(session, principal, meeting_id)


@router.patch("/{meeting_id}", response_model=MeetingRead)
async def update_meeting(
    meeting_id: int, body: MeetingUpdate, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """修改会议信息。"""
    return await service.update_meeting(session, principal, meeting_id, body)


@router.post("/{meeting_id}/notify", response_model=MeetingRead)
async def notify_meeting(
    meeting_id: int, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """发送会议通知（站内消息）；提前时间不足时标记。"""
    return await service.notify(session, principal, meeting_id)


@router.post("/{meeting_id}/cancel", response_model=MeetingRead)
async def cancel_meeting(
    meeting_id: int, body: CancelRequest, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """取消会议（须说明原因，已通知的人员会收到取消消息）。"""
    return await service.cancel(session, principal, meeting_id, body.reason)


@router.post("/{meeting_id}/hold", response_model=MeetingRead, responses=REFUSED)
async def hold_meeting(
    meeting_id: int, body: HoldRequest, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """确认会议已召开（委员会、党员大会须到会过半；紧急情况另行标记）。"""
    return await service.hold(session, principal, meeting_id, body)


@router.put("/{meeting_id}/attendance", response_model=MeetingRead)
async def sign_in_sheet(
    meeting_id: int, body: AttendanceSheet, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """签到表：逐人登记到会、请假、缺席、列席（会后更正须填写理由）。"""
    return await service.sign_in_sheet(session, principal, meeting_id, body)


@router.post("/{meeting_id}/attendees", response_model=MeetingRead)
async def add_attendee(
    meeting_id: int, body: AttendeeAdd, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """增加参会人员（列席人员、受邀单位或补充的应到人员）。"""
    return await service.add_attendee(session, principal, meeting_id, body)


@router.patch("/{meeting_id}/attendees/{attendee_id}", response_model=MeetingRead)
async def update_attendee(
    meeting_id: int,
    attendee_id: int,
    body: AttendeeUpdate,
    session: SessionDep,
    principal: PrincipalDep,
) -> MeetingRead:
    """不计入应到人数（须上级同意及大会表决），或代年老体弱党员登记书面意见。"""
    return await service.update_attendee(session, principal, meeting_id, attendee_id, body)


@router.post("/{meeting_id}/attendees/{attendee_id}/leave", response_model=MeetingRead)
async def decide_leave(
    meeting_id: int,
    attendee_id: int,
    body: LeaveDecision,
    session: SessionDep,
    principal: PrincipalDep,
) -> MeetingRead:
    """审批请假（批准即为"请假"，不计缺席）。"""
    return await service.decide_leave(session, principal, meeting_id, attendee_id, body.approve)


@router.get("/{meeting_id}/check-in-code", response_model=CheckInCode)
async def check_in_code(
    meeting_id: int, session: SessionDep, principal: PrincipalDep
) -> CheckInCode:
    """扫码签到的二维码内容与有效时间。"""
    meeting, opens, closes = await service.check_in_code(session, principal, meeting_id)
    path = f"/my/meetings/{meeting.id}/check-in?token={quote(meeting.checkin_token)}"
    return CheckInCode(token=meeting.checkin_token, path=path, opens_at=opens, closes_at=closes)


@router.post("/{meeting_id}/agenda", response_model=MeetingRead)
async def propose_topic(
    meeting_id: int, body: AgendaCreate, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """提出议题（委员提出，书记确定；书记提出的直接列入）。"""
    return await service.propose_topic(session, principal, meeting_id, body)


@router.post("/{meeting_id}/agenda/{item_id}/decision", response_model=MeetingRead)
async def decide_topic(
    meeting_id: int,
    item_id: int,
    body: AgendaDecision,
    session: SessionDep,
    principal: PrincipalDep,
) -> MeetingRead:
    """采纳或不采纳议题。"""
    return await service.decide_topic(session, principal, meeting_id, item_id, body)


@router.post("/{meeting_id}/resolutions", response_model=MeetingRead, responses=REFUSED)
async def record_vote(
    meeting_id: int, body: ResolutionCreate, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """登记表决结果：是否通过由应到、实到与票数计算，不能手填。"""
    return await service.record_vote(session, principal, meeting_id, body)


@router.get("/{meeting_id}/minutes", response_model=MinutesRead)
async def get_minutes(meeting_id: int, session: SessionDep, principal: PrincipalDep) -> MinutesRead:
    """会议纪要（保密纪要仅到会人员、委员会及街道可见）。"""
    return await service.minutes_of(session, principal, meeting_id)


@router.put("/{meeting_id}/minutes", response_model=MeetingRead)
async def save_minutes(
    meeting_id: int, body: MinutesUpdate, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """填写会议纪要与当场宣布的决定。"""
    return await service.save_minutes(session, principal, meeting_id, body)


@router.post("/{meeting_id}/minutes/approve", response_model=MeetingRead)
async def approve_minutes(
    meeting_id: int, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """审定会议纪要。"""
    return await service.approve_minutes(session, principal, meeting_id)


@router.post("/{meeting_id}/archive", response_model=MeetingRead)
async def archive_meeting(
    meeting_id: int, session: SessionDep, principal: PrincipalDep
) -> MeetingRead:
    """归档。"""
    return await service.archive(session, principal, meeting_id)


@router.post(
    "/{meeting_id}/attachments", response_model=AttachmentRead, status_code=status.HTTP_201_CREATED
)
async def upload_attachment(
    meeting_id: int,
    file: Annotated[UploadFile, File(description="PDF、Word、Excel、PowerPoint、图片或文本")],
    session: SessionDep,
    principal: PrincipalDep,
    files: FilesDep,
    purpose: Annotated[
        AttachmentPurpose, Form(description="material：会议材料；minutes：纪要附件")
    ] = AttachmentPurpose.material,
) -> AttachmentRead:
    """上传会议附件（按内容检查类型，以生成的文件名保存）。"""
    return await attachments.upload(
        session, principal, files, meeting_id, purpose, file.filename or "附件", await file.read()
    )


@router.get(
    "/{meeting_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download_attachment(
    meeting_id: int,
    attachment_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    files: FilesDep,
) -> Response:
    """下载会议附件。"""
    row, content = await attachments.download(session, principal, files, meeting_id, attachment_id)
    return Response(
        content,
        media_type=row.content_type,
        headers={
            "Content-Disposition": "attachment; filename=attachment; "
            f"filename*=UTF-8''{quote(row.name)}"
        },
    )


@router.delete("/{meeting_id}/attachments/{attachment_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_attachment(
    meeting_id: int,
    attachment_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    files: FilesDep,
) -> None:
    """删除会议附件。"""
    await attachments.delete(session, principal, files, meeting_id, attachment_id)


@resolutions_router.get("", response_model=list[ResolutionRead])
async def list_resolutions(
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    org_id: int | None = None,
    follow_up: FollowUp | None = None,
    overdue: Annotated[bool, Query(description="只看逾期未落实")] = False,
    mine: Annotated[bool, Query(description="只看我负责落实的")] = False,
) -> list[ResolutionRead]:
    """决议落实情况。"""
    return await service.list_resolutions(
        session,
        principal,
        org_id=org_id,
        follow_up=follow_up,
        overdue=overdue,
        mine=mine,
        today=today,
    )


@resolutions_router.patch("/{resolution_id}", response_model=ResolutionRead)
async def update_follow_up(
    resolution_id: int,
    body: FollowUpUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
) -> ResolutionRead:
    """更新决议落实：责任人、时限、进展、落实说明、在哪次会议上核实。"""
    return await service.update_follow_up(session, principal, resolution_id, body, today)


@me_router.get("", response_model=list[MeetingListItem])
async def my_meetings(session: SessionDep, principal: PrincipalDep) -> list[MeetingListItem]:
    """我的会议（我被通知参加的）。"""
    return await service.my_meetings(session, principal)


@me_router.get("/{meeting_id}", response_model=MyMeetingRead)
async def my_meeting(
    meeting_id: int, session: SessionDep, principal: PrincipalDep
) -> MyMeetingRead:
    """我的会议详情：议程、我的签到与请假、决议和纪要。"""
    return await service.my_meeting(session, principal, meeting_id)


@me_router.post("/{meeting_id}/leave", response_model=MyMeetingRead)
async def request_leave(
    meeting_id: int, body: LeaveRequest, session: SessionDep, principal: PrincipalDep
) -> MyMeetingRead:
    """请假（会前提出，由主持人审批）。"""
    return await service.request_leave(session, principal, meeting_id, body.reason)


@me_router.post("/{meeting_id}/check-in", response_model=MyMeetingRead)
async def check_in(
    meeting_id: int, body: CheckIn, session: SessionDep, principal: PrincipalDep
) -> MyMeetingRead:
    """扫码签到（会前30分钟至会后30分钟；非必须，工作人员登记同样有效）。"""
    return await service.check_in(session, principal, meeting_id, body.token)


@me_router.post("/{meeting_id}/opinion", response_model=MyMeetingRead)
async def send_opinion(
    meeting_id: int, body: OpinionCreate, session: SessionDep, principal: PrincipalDep
) -> MyMeetingRead:
    """提交会前书面意见（不能到会时）。"""
    return await service.send_opinion(session, principal, meeting_id, body.opinion)
