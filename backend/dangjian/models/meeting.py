"""三会一课 and the other meetings (MTG-01..10): the meeting, who is expected, the agenda, the
votes and resolutions, attachments. Counts, quorum and outcomes are computed, never typed in."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dangjian.core.db import Base, TimestampMixin, UTCDateTime, str_enum
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


class Meeting(TimestampMixin, Base):
    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_org_starts", "organization_id", "starts_at"),
        {"comment": "会议"},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), comment="召开会议的党组织"
    )
    type: Mapped[MeetingType] = mapped_column(str_enum(MeetingType), comment="会议类型")
    title: Mapped[str] = mapped_column(String(200), comment="主题")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), comment="开始时间")
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), comment="结束时间")
    place: Mapped[str] = mapped_column(String(200), default="", comment="地点")
    host: Mapped[str] = mapped_column(String(64), default="", comment="主持人")
    recorder: Mapped[str] = mapped_column(String(64), default="", comment="记录人")
    materials: Mapped[str] = mapped_column(Text, default="", comment="会议材料说明")
    status: Mapped[MeetingStatus] = mapped_column(
        str_enum(MeetingStatus), default=MeetingStatus.draft, index=True, comment="状态"
    )
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="通知时间")
    # R: MTG-03 — the lead time required when the notice went out, and whether it was short.
    notice_days_required: Mapped[int | None] = mapped_column(Integer, comment="应提前通知天数")
    notice_short: Mapped[bool] = mapped_column(Boolean, default=False, comment="通知时间不足")
    cancel_reason: Mapped[str | None] = mapped_column(String(500), comment="取消原因")
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="确认召开时间")
    # R: MTG-06 — held below quorum in an emergency; its decisions go to the next committee.
    emergency: Mapped[bool] = mapped_column(Boolean, default=False, comment="紧急情况")
    emergency_reason: Mapped[str | None] = mapped_column(String(500), comment="紧急情况说明")
    checkin_token: Mapped[str] = mapped_column(String(64), comment="扫码签到口令")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, comment="纪要保密")
    minutes: Mapped[str] = mapped_column(Text, default="", comment="会议纪要")
    decisions_announced: Mapped[str] = mapped_column(Text, default="", comment="当场宣布的决定")
    minutes_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="审定时间")
    minutes_approved_by: Mapped[str | None] = mapped_column(String(100), comment="审定人")
    created_by: Mapped[str] = mapped_column(String(100), comment="创建人")
    version: Mapped[int] = mapped_column(Integer, default=1, comment="版本")


class MeetingAttendee(Base):
    """One person expected at (or sitting in on) a meeting, with leave and sign-in (MTG-09)."""

    __tablename__ = "meeting_attendees"
    __table_args__ = (
        Index("ix_meeting_attendees_meeting", "meeting_id"),
        Index("ix_meeting_attendees_member", "member_id"),
        {"comment": "参会人员"},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), comment="党员"
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, comment="账号"
    )
    name: Mapped[str] = mapped_column(String(100), comment="姓名或单位")
    role: Mapped[AttendeeRole] = mapped_column(str_enum(AttendeeRole), comment="应到/列席")
    # R: MTG-07 — formal members not under 留党察看 have a vote (snapshotted when invited).
    voter: Mapped[bool] = mapped_column(Boolean, default=False, comment="有表决权")
    elderly: Mapped[bool] = mapped_column(Boolean, default=False, comment="年老体弱（MEM-04）")
    excluded: Mapped[Exclusion | None] = mapped_column(str_enum(Exclusion), comment="不计入应到")
    excluded_consent: Mapped[str | None] = mapped_column(String(300), comment="上级同意及大会表决")
    leave_status: Mapped[LeaveStatus | None] = mapped_column(str_enum(LeaveStatus), comment="请假")
    leave_reason: Mapped[str | None] = mapped_column(String(300), comment="请假事由")
    leave_decided_by: Mapped[str | None] = mapped_column(String(100), comment="审批人")
    attendance: Mapped[Attendance | None] = mapped_column(str_enum(Attendance), comment="签到")
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="签到时间")
    checked_in_by: Mapped[str | None] = mapped_column(String(100), comment="签到方式/登记人")
    written_opinion: Mapped[bool] = mapped_column(Boolean, default=False, comment="会前书面意见")
    opinion: Mapped[str | None] = mapped_column(Text, comment="意见（MEM-04）")
    opinion_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="提交意见时间")

    @property
    def has_account(self) -> bool:
        """Messages reach this person in the app (else someone must deliver them, MEM-04)."""
        return self.user_id is not None


class AgendaItem(TimestampMixin, Base):
    """MTG-04: a proposed topic; the secretary accepts or declines it."""

    __tablename__ = "agenda_items"
    __table_args__ = {"comment": "议题"}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), comment="议题")
    description: Mapped[str] = mapped_column(Text, default="", comment="说明")
    status: Mapped[AgendaStatus] = mapped_column(str_enum(AgendaStatus), comment="状态")
    proposed_by: Mapped[str] = mapped_column(String(100), comment="提出人")
    decided_by: Mapped[str | None] = mapped_column(String(100), comment="决定人")
    decline_reason: Mapped[str | None] = mapped_column(String(300), comment="不采纳理由")
    position: Mapped[int] = mapped_column(Integer, default=0, comment="顺序")
    # MTG-06: an emergency decision carried to this meeting for report.
    from_resolution_id: Mapped[int | None] = mapped_column(
        ForeignKey("resolutions.id", ondelete="SET NULL"), comment="紧急决定"
    )


class Resolution(TimestampMixin, Base):
    """A question put to the vote, its tallies and the computed outcome; if passed, its
    follow-up (MTG-10). Secret ballots keep only the tallies and who has voted."""

    __tablename__ = "resolutions"
    __table_args__ = {"comment": "表决与决议"}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300), comment="表决事项")
    candidate: Mapped[str | None] = mapped_column(String(100), comment="候选人/对象（逐个表决）")
    rule: Mapped[VoteRule] = mapped_column(str_enum(VoteRule), comment="表决规则")
    secret: Mapped[bool] = mapped_column(Boolean, default=True, comment="无记名投票")
    yes: Mapped[int] = mapped_column(Integer, comment="赞成")
    no: Mapped[int] = mapped_column(Integer, default=0, comment="反对")
    abstain: Mapped[int] = mapped_column(Integer, default=0, comment="弃权")
    invalid: Mapped[int] = mapped_column(Integer, default=0, comment="无效")
    written_opinions: Mapped[int] = mapped_column(Integer, default=0, comment="书面意见")
    expected: Mapped[int] = mapped_column(Integer, comment="应到（表决时）")
    present: Mapped[int] = mapped_column(Integer, comment="实到（表决时）")
    passed: Mapped[bool] = mapped_column(Boolean, comment="通过")
    emergency: Mapped[bool] = mapped_column(Boolean, default=False, comment="紧急决定")
    # Snapshots taken when the vote closed: later roster changes do not rewrite history.
    entitled: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, comment="有表决权者")
    voted: Mapped[list[int]] = mapped_column(JSON, default=list, comment="已投票者（参会记录）")
    names: Mapped[dict[str, list[str]] | None] = mapped_column(JSON, comment="公开表决的姓名")
    owner: Mapped[str | None] = mapped_column(String(100), comment="落实责任人")
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="责任人账号"
    )
    due_on: Mapped[date | None] = mapped_column(Date, comment="完成时限")
    follow_up: Mapped[FollowUp | None] = mapped_column(str_enum(FollowUp), comment="落实情况")
    evidence: Mapped[str | None] = mapped_column(Text, comment="落实说明")
    verified_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), comment="核实的会议"
    )


class MeetingAttachment(Base):
    __tablename__ = "meeting_attachments"
    __table_args__ = {"comment": "会议附件"}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[AttachmentPurpose] = mapped_column(str_enum(AttachmentPurpose), comment="用途")
    name: Mapped[str] = mapped_column(String(200), comment="文件名（显示用）")
    stored: Mapped[str] = mapped_column(String(48), comment="存储文件名（生成）")
    content_type: Mapped[str] = mapped_column(String(100), comment="类型")
    size: Mapped[int] = mapped_column(Integer, comment="字节数")
    uploaded_by: Mapped[str] = mapped_column(String(100), comment="上传人")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), comment="上传时间")
