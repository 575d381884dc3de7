"""One error shape everywhere: RFC 9457 problem details with a stable `code` and Chinese text."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("dangjian")


class FieldProblem(BaseModel):
    field: str
    message: str
    code: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldProblem] | None = None


class AppError(Exception):
    """A business error with an HTTP status, a stable code and a Chinese message."""

    status = 400
    code = "bad_request"
    title = "请求有误"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.detail = detail or self.title
        if code:
            self.code = code
        self.headers = headers
        super().__init__(self.detail)


class NotFound(AppError):
    status, code, title = 404, "not_found", "对象不存在或无权访问"


class Forbidden(AppError):
    status, code, title = 403, "forbidden", "无权执行此操作"


class Unauthorized(AppError):
    status, code, title = 401, "unauthorized", "请先登录"


class Conflict(AppError):
    status, code, title = 409, "conflict", "与现有数据冲突"


class Unprocessable(AppError):
    status, code, title = 422, "invalid", "提交的数据不符合要求"


class TooManyRequests(AppError):
    status, code, title = 429, "too_many_requests", "请求过于频繁"


class PayloadTooLarge(AppError):
    status, code, title = 413, "payload_too_large", "请求内容过大"


_STATUS_TEXT = {
    400: ("bad_request", "请求有误"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "对象不存在或无权访问"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "与现有数据冲突"),
    412: ("precondition_failed", "数据已被他人修改，请刷新后重试"),
    413: ("payload_too_large", "请求内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    429: ("too_many_requests", "请求过于频繁"),
    500: ("internal_error", "服务器内部错误，请稍后再试"),
}

# pydantic error types → Chinese messages
_VALIDATION_TEXT = {
    "missing": "必填",
    "extra_forbidden": "不允许的字段",
    "string_too_short": "长度不足（至少 {min_length} 个字符）",
    "string_too_long": "过长（至多 {max_length} 个字符）",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为是/否",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式不正确",
    "enum": "取值不在允许范围内（{expected}）",
    "literal_error": "取值不在允许范围内（{expected}）",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "应大于 {gt}",
    "less_than": "应小于 {lt}",
    "string_pattern_mismatch": "格式不正确",
    "json_invalid": "JSON 格式错误",
    "model_attributes_type": "格式不正确",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "decimal_parsing": "应为数字",
    "uuid_parsing": "格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "datetime_type": "时间格式不正确",
    "date_future": "日期不正确",
    "timezone_aware": "时间须带时区",
    "float_parsing": "应为数字",
    "bool_type": "应为是/否",
    "int_from_float": "应为整数",
    "value_out_of_range": "超出允许范围（{minimum} 至 {maximum}）",
    "date_out_of_range": "日期须在 {minimum} 年至 {maximum} 年之间",
    "not_null": "不能为空值（不修改请省略该字段）",
}

INVALID_CHARACTER = ("invalid_character", "提交的数据不符合要求", "请求中含有不允许的空字符（NUL）")
VALUE_OUT_OF_RANGE = ("value_out_of_range", "提交的数据不符合要求", "数值或日期超出允许范围")

# Database refusals of a value (not of the statement): SQLSTATE classes 22003 numeric value out of
# range, 22008 datetime field overflow, 22021/22P05 a character the encoding cannot hold (NUL).
_RANGE_SQLSTATES = {"22003", "22008"}
_CHARACTER_SQLSTATES = {"22021", "22P05"}
# asyncpg refuses a parameter before sending it ("value out of int32 range"); datetime refuses a
# year past 9999 with a ValueError ("year 10000 is out of range").
_RANGE_TEXT = re.compile(
    r"out of int(16|32|64) range|year -?\d+ is out of range|date value out of range",
    re.IGNORECASE,
)


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(title=title, status=status, detail=detail, code=code, errors=errors)
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[-1] if loc else "")


def validation_problems(errors: list[Any]) -> list[FieldProblem]:
    out = []
    for err in errors:
        template = _VALIDATION_TEXT.get(err.get("type", ""))
        ctx = err.get("ctx") or {}
        if template:
            try:
                message = template.format(**ctx)
            except (KeyError, IndexError):
                message = template
        else:
            raw = ctx.get("error")
            message = str(raw) if raw else "取值不正确"
        out.append(
            FieldProblem(
                field=_field_name(tuple(err.get("loc", ()))),
                message=message,
                code=err.get("type", "invalid"),
            )
        )
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        return problem_response(exc.status, exc.code, exc.title, exc.detail, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = validation_problems(list(exc.errors()))
        detail = "；".join(f"{p.field}：{p.message}" for p in problems[:5])
        return problem_response(422, "validation_error", "提交的数据不符合要求", detail, problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, title = _STATUS_TEXT.get(exc.status_code, ("error", "请求失败"))
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else title
        headers = dict(exc.headers) if exc.headers else None
        return problem_response(
            exc.status_code, code, title, detail if _is_chinese(detail) else title, headers=headers
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        code, title = _STATUS_TEXT[500]
        return problem_response(500, code, title, title)

    async def _value_refused(request: Request, exc: Exception) -> JSONResponse:
        """A net under validation: a value the database or date arithmetic cannot hold is the
        client's 422, not a 500."""
        kind = refused_value(exc)
        if kind is None:
            return await _unexpected(request, exc)
        code, title, detail = kind
        return problem_response(422, code, title, detail)

    for refused in (OverflowError, ValueError, StatementError):
        app.add_exception_handler(refused, _value_refused)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        todo += [getattr(item, "orig", None), item.__cause__, item.__context__]
    return seen


def refused_value(exc: BaseException) -> tuple[str, str, str] | None:
    """(code, title, detail) when the exception is a refused value, else None."""
    for item in _chain(exc):
        state = getattr(item, "sqlstate", None) or getattr(item, "pgcode", None)
        if state in _CHARACTER_SQLSTATES:
            return INVALID_CHARACTER
        if state in _RANGE_SQLSTATES or isinstance(item, OverflowError):
            return VALUE_OUT_OF_RANGE
        if isinstance(item, StatementError):
            continue  # its text quotes the statement and parameters: look at .orig instead
        text = str(item)
        if "0x00" in text or "\\u0000" in text:
            return INVALID_CHARACTER
        if _RANGE_TEXT.search(text):
            return VALUE_OUT_OF_RANGE
    return None


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# What the generated client needs to know about error answers. FastAPI files a response model
# under application/json; main._problem_media_types moves every Problem answer of the document to
# application/problem+json, the type these answers carry.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "请求有误"},
    401: {"model": Problem, "description": "未登录或登录已失效"},
    403: {"model": Problem, "description": "无权执行此操作"},
    404: {"model": Problem, "description": "对象不存在或无权访问"},
    409: {"model": Problem, "description": "与现有数据冲突"},
    412: {"model": Problem, "description": "数据已被他人修改（If-Match 不符）"},
    413: {"model": Problem, "description": "请求内容过大"},
    422: {"model": Problem, "description": "提交的数据不符合要求"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
    429: {"model": Problem, "description": "请求过于频繁"},
}
