"""The shape of a to-do: a kind (a stable code the SPA labels), how many, and where it is done."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from dangjian.core.schemas import OutputModel


class TodoKind(StrEnum):
    """Every kind of to-do. A module that adds a provider adds its kinds here (and their
    Chinese and English texts in the SPA's locales, checked by a test)."""

    # meetings (三会一课)
    leave_requests = "leave_requests"  # 请假待审批 (MEM-03)
    meeting_notify = "meeting_notify"  # 会议待通知 (MTG-03)
    meeting_hold = "meeting_hold"  # 会议已到时间，待确认召开或取消 (LEDG-03)
    meeting_minutes = "meeting_minutes"  # 已召开，待填写纪要
    minutes_approve = "minutes_approve"  # 纪要待审定
    resolutions_overdue = "resolutions_overdue"  # 决议逾期未落实 (MTG-10)
    next_meeting = "next_meeting"  # 我将参加的会议
    # dues (党费)
    exemptions_decide = "exemptions_decide"  # 减免申请待支部决定 (DUES-03)
    exemptions_approve = "exemptions_approve"  # 减免申请待上级批准 (DUES-03)
    dues_arrears = "dues_arrears"  # 党员欠交党费 (DUES-08)
    dues_owed = "dues_owed"  # 我欠交的党费
    # roster
    corrections_review = "corrections_review"  # 信息更正待审核
    # inbox
    unread_notices = "unread_notices"  # 未读消息


class TodoRead(OutputModel):
    kind: TodoKind
    count: int = Field(description="件数（人数、条数）")
    link: str = Field(description="办理页面（前端路由）")
    subject: str | None = Field(None, description="对象，如会议主题")
    organization_name: str | None = None
    due_on: date | None = Field(None, description="时限")
    at: datetime | None = Field(None, description="时间，如会议开始时间")
    overdue: bool = Field(False, description="已逾期")
    mine: bool = Field(False, description="由本人负责（而非所管组织的事项）")
    amount: str | None = Field(None, description="金额（元），如欠交党费")
