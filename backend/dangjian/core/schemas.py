"""Shared schema bases, value ranges every input must keep, and pagination."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from annotated_types import Ge, Le
from fastapi import Depends, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

T = TypeVar("T")

MAX_PAGE_SIZE = 100

# Every integer a client sends fits a 32-bit signed column (PostgreSQL INTEGER, the ids).
INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
# Every date a client sends lies in these years: enough for birth dates and Party history, and far
# enough from year 1 and 9999 that offsets, "+ 1 month" and UTC conversion cannot overflow.
YEAR_MIN = 1900
YEAR_MAX = 2100
MONTH_PATTERN = r"^(19\d{2}|20\d{2}|2100)-(0[1-9]|1[0-2])$"

BoundedInt = Annotated[int, Ge(INT32_MIN), Le(INT32_MAX)]


def check_int(value: int) -> int:
    if not INT32_MIN <= value <= INT32_MAX:
        raise PydanticCustomError(
            "value_out_of_range",
            "超出允许范围（{minimum} 至 {maximum}）",
            {"minimum": INT32_MIN, "maximum": INT32_MAX},
        )
    return value


def check_year(value: date) -> date:
    """A date or datetime within YEAR_MIN..YEAR_MAX (datetime is a date subclass)."""
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise PydanticCustomError(
            "date_out_of_range",
            "日期须在 {minimum} 年至 {maximum} 年之间",
            {"minimum": YEAR_MIN, "maximum": YEAR_MAX},
        )
    return value


BoundedDate = Annotated[date, AfterValidator(check_year)]
BoundedDateTime = Annotated[datetime, AfterValidator(check_year)]


def check_ranges(value: Any) -> Any:
    """Refuse out-of-range integers and dates anywhere in a validated value (lists, dicts too)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return check_int(value)
    if isinstance(value, date):
        return check_year(value)
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            check_ranges(item)
    elif isinstance(value, dict):
        for item in value.values():
            check_ranges(item)
    return value


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("not_null", "不能为空值（不修改请省略该字段）")
    return value


class _NotNull:
    """Marks a field of a partial update that may be left out but not sent as null (its column
    is NOT NULL): `name: Annotated[str | None, NOT_NULL] = Field(None, ...)`. Validation refuses
    an explicit null with 422; the API schema drops the null alternative."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(_refuse_null, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        json_schema: dict[str, Any] = handler(schema)
        options = json_schema.get("anyOf")
        if isinstance(options, list):
            rest = [o for o in options if o != {"type": "null"}]
            if len(rest) == 1:
                json_schema.pop("anyOf")
                json_schema.update(rest[0])
            else:
                json_schema["anyOf"] = rest
        return json_schema


NOT_NULL = _NotNull()


def _bound_json_ints(schema: dict[str, Any]) -> None:
    """The documented side of check_ranges: integers carry the 32-bit minimum/maximum."""
    if schema.get("type") == "integer":
        schema.setdefault("minimum", INT32_MIN)
        schema.setdefault("maximum", INT32_MAX)
    for value in schema.values():
        if isinstance(value, dict):
            _bound_json_ints(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _bound_json_ints(item)


def _input_json_schema(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        _bound_json_ints(prop)


class InputModel(BaseModel):
    """Base for request bodies: unknown fields are refused; integers fit 32 bits and dates lie in
    YEAR_MIN..YEAR_MAX in every field (422 instead of a database overflow)."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=_input_json_schema
    )

    @field_validator("*", mode="after")
    @classmethod
    def _keep_in_range(cls, value: Any) -> Any:
        return check_ranges(value)


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int


class PageParams(BaseModel):
    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


async def _page_params(
    page: Annotated[int, Query(ge=1, le=100_000, description="页码，从 1 开始")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="每页条数，至多 100")] = 20,
) -> PageParams:
    return PageParams(page=page, size=size)


PageDep = Annotated[PageParams, Depends(_page_params)]
