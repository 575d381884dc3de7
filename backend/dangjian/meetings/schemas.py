from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dangjian.core.schemas import NOT_NULL, InputModel
from dangjian.models.enums import (
    AgendaStatus,
    AttachmentPurpose,
    Attendance,
    AttendeeRole,
    Exclusion,
    FollowUp,
    LeaveStatus,
    MeetingStatus,
    MeetingType,
    VoteRule,
)


class MeetingCreate(InputModel):
    organization_id: int
    type: MeetingType
    title: str = Field(min_length=1, max_length=200)
    starts_at: datetime
    ends_at: datetime | None = Field(None, description="默认开始后 2 小时")
    place: str = Field("", max_length=200)
    host: str = Field("", max_length=64)
    recorder: str = Field("", max_length=64)
    materials: str = Field("", max_length=5000, description="会议材料说明（随通知发送）")
    confidential: bool = False
    guests: list[str] = Field(
        default_factory=list, max_length=100, description="列席人员或受邀单位（不计入应到）"
    )
    late_reason: str | None = Field(
        None, max_length=500, description="补录原因：开始时间已过的会议须填写"
    )

    @model_validator(mode="after")
    def _ends_after_start(self) -> MeetingCreate:
        if self.ends_at is not None and self.ends_at <= self.starts_at:
            raise ValueError("结束时间须晚于开始时间")
        return self


class MeetingUpdate(InputModel):
    title: str | None = Field(None, min_length=1, max_length=200)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str | None = Field(None, max_length=200)
    host: str | None = Field(None, max_length=64)
    recorder: str | None = Field(None, max_length=64)
    materials: str | None = Field(None, max_length=5000)
    confidential: bool | None = None
    late_reason: str | None = Field(
        None, max_length=500, description="把开始时间改到过去（补录）时须填写原因"
    )


class QuorumRead(BaseModel):
    rule: VoteRule | None = Field(description="本类会议的表决规则；无则不计法定人数")
    expected: int = Field(description="应到（表决权人数，已扣除经同意不计入者）")
    present: int = Field(
        description="实到（到会的表决权人；党员大会的书面意见另计，见 written_opinions）"
    )
    excused: int
    absent: int
    sitting_in: int
    unmarked: int
    written_opinions: int
    met: bool | None
    minimum_present: int | None
    message: str | None


class MeetingListItem(BaseModel):
    id: int
    organization_id: int
    organization_name: str
    type: MeetingType
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    status: MeetingStatus
    notice_short: bool
    confidential: bool


class AttendeeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    member_id: int | None
    user_id: int | None
    name: str
    role: AttendeeRole
    voter: bool
    elderly: bool
    excluded: Exclusion | None
    excluded_consent: str | None
    leave_status: LeaveStatus | None
    leave_reason: str | None
    attendance: Attendance | None
    checked_in_at: datetime | None
    checked_in_by: str | None
    written_opinion: bool
    opinion: str | None
    has_account: bool = Field(description="有账号（站内通知可送达）")


class AgendaRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str
    status: AgendaStatus
    proposed_by: str
    decided_by: str | None
    decline_reason: str | None
    position: int
    from_resolution_id: int | None


class ResolutionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    meeting_id: int
    organization_id: int
    title: str
    candidate: str | None
    rule: VoteRule
    secret: bool
    yes: int
    no: int
    abstain: int
    invalid: int
    written_opinions: int
    expected: int
    present: int
    passed: bool
    emergency: bool
    message: str = ""
    voted_count: int = 0
    names: dict[str, list[str]] | None
    owner: str | None
    owner_user_id: int | None
    due_on: date | None
    follow_up: FollowUp | None
    evidence: str | None
    verified_meeting_id: int | None
    overdue: bool = False


class AttachmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    purpose: AttachmentPurpose
    name: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


class MinutesRead(BaseModel):
    minutes: str
    decisions_announced: str
    confidential: bool
    approved_at: datetime | None
    approved_by: str | None
    attachments: list[AttachmentRead]


class MeetingRead(MeetingListItem):
    host: str
    recorder: str
    materials: str
    notified_at: datetime | None
    notice_days_required: int | None
    cancel_reason: str | None
    held_at: datetime | None
    emergency: bool
    emergency_reason: str | None
    version: int
    quorum: QuorumRead
    attendees: list[AttendeeRead]
    agenda: list[AgendaRead]
    resolutions: list[ResolutionRead]
    materials_attachments: list[AttachmentRead]
    minutes: MinutesRead | None = Field(description="无权查看保密纪要时为空")
    minutes_hidden: bool
    can_manage: bool
    can_decide_agenda: bool
    to_deliver: list[str] = Field(description="无账号的年老体弱党员：议程和决议须由专人送达")


class MyMeetingRead(MeetingListItem):
    """A meeting as one of its invitees sees it (我的会议)."""

    host: str
    materials: str
    agenda: list[AgendaRead]
    me: AttendeeRead
    materials_attachments: list[AttachmentRead]
    check_in_open: bool
    resolutions: list[ResolutionRead]
    minutes: MinutesRead | None
    minutes_hidden: bool


class AttendeeAdd(InputModel):
    name: str = Field(min_length=1, max_length=100)
    member_id: int | None = None
    role: AttendeeRole = AttendeeRole.sitting_in


class AttendeeUpdate(InputModel):
    """Exclusion (MTG-07) or an opinion recorded for an elderly member by staff (MEM-04)."""

    excluded: Exclusion | None = None
    excluded_consent: str | None = Field(None, max_length=300)
    written_opinion: Annotated[bool | None, NOT_NULL] = None
    opinion: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _consent_with_exclusion(self) -> AttendeeUpdate:
        if self.excluded is not None and not (self.excluded_consent or "").strip():
            raise ValueError("不计入应到人数须注明上级党组织同意及支部大会表决情况")
        return self


class AttendanceEntry(InputModel):
    attendee_id: int
    attendance: Attendance | None


class AttendanceSheet(InputModel):
    entries: list[AttendanceEntry] = Field(min_length=1, max_length=500)
    reason: str | None = Field(None, max_length=300, description="会后更正签到须填写理由")


class LeaveRequest(InputModel):
    reason: str = Field(min_length=1, max_length=300)


class LeaveDecision(InputModel):
    approve: bool


class CheckIn(InputModel):
    token: str = Field(min_length=8, max_length=64)


class CheckInCode(BaseModel):
    token: str
    path: str = Field(description="二维码内容：SPA 中的扫码签到页")
    opens_at: datetime
    closes_at: datetime


class OpinionCreate(InputModel):
    opinion: str = Field(min_length=1, max_length=2000)


class CancelRequest(InputModel):
    reason: str = Field(min_length=1, max_length=500)


class HoldRequest(InputModel):
    emergency: bool = False
    emergency_reason: str | None = Field(None, max_length=500)


class AgendaCreate(InputModel):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)


class AgendaDecision(InputModel):
    accept: bool
    reason: str | None = Field(None, max_length=300)


class ResolutionCreate(InputModel):
    title: str = Field(min_length=1, max_length=300)
    candidate: str | None = Field(None, max_length=100, description="逐个表决时的对象")
    rule: VoteRule | None = Field(None, description="默认按会议类型；党员大会选举用 election")
    secret: bool | None = Field(
        None, description="无记名投票；不填时举手表决，选举（election）为无记名投票"
    )
    yes: int = Field(ge=0)
    no: int = Field(0, ge=0)
    abstain: int = Field(0, ge=0)
    invalid: int = Field(0, ge=0)
    declared: Literal["passed", "failed"] | None = Field(
        None, description="记为通过时若票数不足，返回 409 并说明"
    )
    emergency: bool = Field(False, description="紧急情况下不足半数作出的重大决定")
    names: dict[Literal["yes", "no", "abstain"], list[str]] | None = Field(
        None, description="公开表决可记录姓名；无记名投票不得记录"
    )
    voted_attendee_ids: list[int] | None = Field(
        None, description="已投票者（只记谁投了票，不记怎么投）；默认为实到表决权人"
    )


class FollowUpUpdate(InputModel):
    owner: str | None = Field(None, max_length=100)
    owner_user_id: int | None = None
    due_on: date | None = None
    follow_up: FollowUp | None = None
    evidence: str | None = Field(None, max_length=5000)
    verified_meeting_id: int | None = None


class MinutesUpdate(InputModel):
    minutes: str = Field(max_length=50_000)
    decisions_announced: str = Field("", max_length=10_000)
    confidential: bool | None = None
