from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from dangjian.core import idcard
from dangjian.core.schemas import NOT_NULL, InputModel, OutputModel
from dangjian.members.enums import (
    ETHNICITIES,
    WORK_POSTS,
    Category,
    Degree,
    Education,
    EventType,
    NewStratum,
    ProfessionalTitle,
    RemovalKind,
)
from dangjian.models.enums import Gender, MemberKind, MemberStatus

MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"


class MemberListKind(StrEnum):
    """The lists the work needs (MEM-04, MEM-05, MEM-08, probation)."""

    elderly_or_sick = "elderly_or_sick"
    birthdays = "birthdays"
    lost_contact = "lost_contact"
    probationary = "probationary"


class MemberSort(StrEnum):
    name = "name"
    joined_on = "joined_on"
    joined_on_desc = "-joined_on"
    birth_date = "birth_date"
    birth_date_desc = "-birth_date"
    id = "id"


class MemberListItem(OutputModel):
    id: int
    name: str
    gender: Gender
    age: int | None
    organization_id: int
    organization_name: str
    kind: MemberKind
    status: MemberStatus
    categories: list[str]
    joined_on: date | None
    party_standing_years: int
    id_number: str | None = Field(description="默认脱敏：前4位+后4位")
    mobile: str | None = Field(description="默认脱敏：后4位")
    masked: bool
    # what a list= view adds
    political_birthday: date | None = None
    conversion_due: date | None = None
    lost_contact_since: date | None = None
    stop_membership_due: date | None = None
    self_lapsed_due: date | None = None


class MemberRead(MemberListItem):
    birth_date: date | None
    ethnicity: str | None
    education: str | None
    degree: str | None
    converted_on: date | None
    standing_correction_months: int
    work_post: str | None
    work_started_on: date | None
    professional_title: str | None
    new_stratum: str | None
    landline: str | None
    registered_residence: str | None
    address: str | None = Field(description="现居住地；无完整信息权限时不返回")
    grid_area: str | None
    home_unit_id: int | None
    has_photo: bool = Field(..., description="是否有照片（GET /members/{id}/photo）")
    version: int
    updated_at: datetime


class MemberUpdate(InputModel):
    """Partial update (exclude_unset); sent with If-Match."""

    name: Annotated[str | None, NOT_NULL] = Field(None, min_length=1, max_length=64)
    organization_id: Annotated[int | None, NOT_NULL] = None
    id_number: str | None = Field(None, description="18 位公民身份号码（GB 11643 校验）")
    birth_date: date | None = None
    gender: Annotated[Gender | None, NOT_NULL] = None
    ethnicity: str | None = None
    education: Education | None = None
    degree: Degree | None = None
    kind: Annotated[MemberKind | None, NOT_NULL] = None
    joined_on: date | None = None
    converted_on: date | None = None
    standing_correction_months: Annotated[int | None, NOT_NULL] = Field(None, ge=-600, le=600)
    work_post: str | None = None
    work_started_on: date | None = None
    professional_title: ProfessionalTitle | None = None
    new_stratum: NewStratum | None = None
    mobile: str | None = Field(None, pattern=MOBILE_PATTERN)
    landline: str | None = Field(None, max_length=32)
    registered_residence: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=200)
    grid_area: str | None = Field(None, max_length=64)
    categories: Annotated[list[Category] | None, NOT_NULL] = None

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, value: str | None) -> str | None:
        if value is None:
            return value
        value = value.strip().upper()
        if not idcard.is_valid(value):
            raise ValueError("公民身份号码无效（位数、出生日期或校验码不正确）")
        return value

    @field_validator("ethnicity")
    @classmethod
    def _ethnicity(cls, value: str | None) -> str | None:
        if value is not None and value not in ETHNICITIES:
            raise ValueError("民族不在国家标准（GB/T 3304）列表中")
        return value

    @field_validator("work_post")
    @classmethod
    def _work_post(cls, value: str | None) -> str | None:
        if value is not None and value not in WORK_POSTS:
            raise ValueError("工作岗位不在全国党员信息系统的岗位列表中")
        return value

    @model_validator(mode="after")
    def _cross_check(self) -> MemberUpdate:
        if self.id_number:
            derived = idcard.birth_date_of(self.id_number)
            if self.birth_date is not None and derived != self.birth_date:
                raise ValueError("出生日期与公民身份号码不一致")
            if self.gender is not None and idcard.gender_of(self.id_number) != self.gender.value:
                raise ValueError("性别与公民身份号码不一致")
        if self.joined_on and self.converted_on and self.converted_on < self.joined_on:
            raise ValueError("转正日期不能早于入党日期")
        return self


class MemberCreate(MemberUpdate):
    """登记建卡: the required facts of a new roster record (the rest as in MemberUpdate)."""

    name: str = Field(min_length=1, max_length=64)
    organization_id: int
    id_number: str = Field(description="18 位公民身份号码（GB 11643 校验）")
    kind: MemberKind
    joined_on: date


class EventCreate(InputModel):
    type: EventType
    occurred_on: date
    reason: str = Field(min_length=2, max_length=500)
    document: str | None = Field(None, max_length=200, description="决定文件（文号）")
    ends_on: date | None = Field(None, description="留党察看的截止日期")
    removal_kind: RemovalKind | None = None

    @model_validator(mode="after")
    def _shape(self) -> EventCreate:
        if self.type is EventType.party_probation and self.ends_on is None:
            raise ValueError("留党察看须填写截止日期")
        if self.ends_on is not None and self.ends_on <= self.occurred_on:
            raise ValueError("截止日期须晚于事件日期")
        if self.type is EventType.removal and self.removal_kind is None:
            raise ValueError("除名须注明类型")
        return self


class EventRead(OutputModel):
    id: int
    member_id: int
    organization_id: int
    type: EventType
    occurred_on: date
    ends_on: date | None
    reason: str
    document: str | None
    removal_kind: RemovalKind | None
    recorded_by: str
    created_at: datetime


class RevealRead(OutputModel):
    id_number: str | None
    mobile: str | None
    address: str | None


class CountRow(OutputModel):
    key: str
    count: int


class FlowRow(OutputModel):
    year: int
    type: EventType
    count: int


class MemberStatistics(OutputModel):
    organization_id: int
    on: date = Field(description="统计日期：按当日在册情况（之后的事件不影响）")
    total: int
    by_kind: list[CountRow]
    by_gender: list[CountRow]
    by_age_band: list[CountRow]
    by_education: list[CountRow]
    minority: int
    by_ethnicity: list[CountRow]
    by_work_post: list[CountRow]
    by_joining_period: list[CountRow]
    flows: list[FlowRow] = Field(description="按年份、事件类型统计的党员增减")


class ImportProblem(OutputModel):
    row: int = Field(description="Excel 行号")
    column: str
    value: str
    message: str


class ImportResult(OutputModel):
    dry_run: bool
    applied: bool = Field(description="是否已写入（有任何问题时整批不写入）")
    rows: int = Field(description="数据行数")
    to_create: int
    to_update: int
    unchanged: int
    good_rows: int = Field(description="没有问题的行数")
    problem_rows: int = Field(description="有问题的行数")
    problems: list[ImportProblem]


class CorrectionStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    refused = "refused"


class CorrectionCreate(InputModel):
    changes: MemberUpdate = Field(description="申请更正的内容（只填要改的项）")
    reason: str = Field(min_length=2, max_length=500)


class CorrectionDecision(InputModel):
    approve: bool
    note: str | None = Field(None, max_length=500)


class CorrectionRead(OutputModel):
    id: int
    member_id: int
    member_name: str
    organization_id: int
    changes: dict[str, object] = Field(
        description="申请更正的内容；身份证号、手机号、固定电话、住址按权限脱敏（同党员信息）"
    )
    masked: bool = Field(False, description="true：个人信息已脱敏")
    reason: str
    status: CorrectionStatus
    requested_by: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime
