from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from dangjian.core.schemas import InputModel
from dangjian.policies.params import ParamKind


class PolicyItem(BaseModel):
    key: str
    label: str
    rule: str = Field(description="规则编号（RULES.md）")
    group: str
    kind: ParamKind
    options: dict[str, str] | None = Field(None, description="可选项（取值 → 中文说明）")
    value: Any = Field(description="在所查日期生效的取值")
    default: Any = Field(description="系统默认值")
    source: Literal["default", "inherited", "set"] = Field(
        description="来源：系统默认 / 继承自上级 / 本组织设置"
    )
    source_organization_id: int | None
    source_organization_name: str | None
    effective_from: date | None = Field(description="该取值的生效日期（系统默认为空）")


class PolicyRead(BaseModel):
    organization_id: int
    on: date = Field(description="所查日期")
    editable: bool = Field(description="当前用户可否修改本组织的参数")
    items: list[PolicyItem]


class PolicyUpdate(InputModel):
    values: dict[str, Any] = Field(
        min_length=1, description="参数 → 新取值；null 表示取消本组织的设置、恢复继承"
    )
    effective_from: date | None = Field(None, description="生效日期，默认今天；不得早于今天")
    note: str | None = Field(None, max_length=200)
