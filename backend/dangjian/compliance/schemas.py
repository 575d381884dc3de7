"""The compliance reports as they are answered: meetings held against the work system with a
colour (MTG-02/03), attendance per member (MTG-09) and the absence cases (DISC-01).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from dangjian.core.schemas import OutputModel
from dangjian.models.enums import MeetingType
from dangjian.policies.params import Period


class Colour(StrEnum):
    green = "green"  # held ≥ required
    amber = "amber"  # held < required, and not (nothing held in a period that is over)
    red = "red"  # nothing held although required, and the counted period is over


class MeetingComplianceRow(OutputModel):
    organization_id: int
    organization_name: str
    organization_path: str
    type: MeetingType
    type_label: str
    count: int = Field(
        description="工作制度：每个周期最少次数（统计区间最后一个制度周期第一天生效的参数）"
    )
    per: Period = Field(description="工作制度：周期（同上）")
    per_label: str
    required: int = Field(
        description="应召开次数：在报告期内结束的各制度周期的最少次数之和，"
        "每个周期按其第一天生效的工作制度参数计"
    )
    held: int = Field(description="已召开次数（统计区间内）")
    short_notice: int = Field(description="其中通知时间不足的次数")
    counted_from: date = Field(description="统计区间起")
    counted_to: date = Field(description="统计区间止")
    colour: Colour


class ColourTotals(OutputModel):
    green: int = 0
    amber: int = 0
    red: int = 0


class MeetingCompliance(OutputModel):
    org_id: int
    period: str
    starts_on: date
    ends_on: date
    policy_on: date = Field(
        description="工作制度参数适用至哪一天（报告期末）：每个制度周期按其第一天生效的参数评判"
    )
    rows: list[MeetingComplianceRow]
    totals: ColourTotals


class AttendanceRow(OutputModel):
    member_id: int
    name: str
    organization_name: str
    expected: int = Field(description="应到次数")
    present: int = Field(description="出席次数")
    excused: int = Field(description="请假次数（已批准）")
    absent: int = Field(description="缺席次数")
    rate_percent: int = Field(description="出席率（%，四舍五入）")


class AttendanceReport(OutputModel):
    org_id: int
    period: str
    starts_on: date
    ends_on: date
    rows: list[AttendanceRow] = Field(description="按姓名排列（不按出席率排名）")


class AbsenceCase(OutputModel):
    member_id: int
    name: str
    organization_name: str
    months: int = Field(description="连续无故缺席组织生活的月数")
    level: int = Field(description="分级：1 批评教育，2 纪律处分，3 按自行脱党处理")  # R: DISC-01
    level_label: str
    since: str = Field(description="本次连续缺席的第一个月（YYYY-MM）")
    latest: str = Field(description="最近一个缺席的月份（YYYY-MM）")


class AbsenceReport(OutputModel):
    org_id: int
    on: date
    rows: list[AbsenceCase] = Field(description="每一项都由组织研究处理，平台不自动处置")
