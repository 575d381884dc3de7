from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from dangjian.core.schemas import NOT_NULL, InputModel, OutputModel
from dangjian.models.enums import OrgCategory, OrgKind, PostKind
from dangjian.organizations.rules import TermStatus


class OrganizationCreate(InputModel):
    parent_id: int | None = Field(None, description="上级党组织；为空仅限系统管理员创建顶级组织")
    name: str = Field(min_length=2, max_length=100, description="党组织全称")
    short_name: str | None = Field(None, max_length=50)
    kind: OrgKind
    category: OrgCategory | None = None
    code: str | None = Field(None, max_length=32, pattern=r"^[0-9A-Za-z-]*$")
    established_on: date | None = None
    sort_order: int = 0


class OrganizationUpdate(InputModel):
    name: Annotated[str | None, NOT_NULL] = Field(None, min_length=2, max_length=100)
    short_name: str | None = Field(None, max_length=50)
    category: OrgCategory | None = None
    code: str | None = Field(None, max_length=32, pattern=r"^[0-9A-Za-z-]*$")
    established_on: date | None = None
    sort_order: Annotated[int | None, NOT_NULL] = None


class OrganizationMove(InputModel):
    new_parent_id: int


class OrganizationRead(OutputModel):
    id: int
    parent_id: int | None
    name: str
    short_name: str | None
    kind: OrgKind
    category: OrgCategory | None
    path: str
    depth: int
    code: str | None
    established_on: date | None
    sort_order: int


class OrganizationNode(OrganizationRead):
    member_count: int = Field(description="本组织及下级的党员人数")
    children: list[OrganizationNode] = Field(default_factory=list)


class PostCreate(InputModel):
    user_id: int
    kind: PostKind
    start_date: date
    end_date: date | None = None


class PostUpdate(InputModel):
    start_date: Annotated[date | None, NOT_NULL] = None
    end_date: date | None = None


class PostRead(OutputModel):
    id: int
    organization_id: int
    user_id: int
    user_display_name: str
    kind: PostKind
    start_date: date
    end_date: date | None
    active: bool
    editable: bool = Field(
        False,
        description="当前用户能否修改或免去该职务（须由上级党组织任免，且不能涉及本人）",
    )


class TermCreate(InputModel):
    number: int = Field(ge=1, le=100, description="届次")
    elected_on: date
    term_years: int | None = Field(None, ge=1, le=10, description="任期年限")
    approval_document: str | None = Field(None, max_length=200)


class TermRead(OutputModel):
    id: int
    organization_id: int
    number: int
    elected_on: date
    term_years: int
    ends_on: date
    approval_document: str | None
    status: TermStatus
