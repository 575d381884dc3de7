"""No server error on any input: out-of-range integers and dates, NUL characters, null in a partial
update and a wrong method are the client's 4xx, never a 500 (schemathesis found each of these on
PostgreSQL; test_schemathesis.py keeps looking)."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import pytest
from conftest import Ctx
from fastapi import APIRouter, Depends, FastAPI, Query

from dangjian.core.errors import refused_value
from dangjian.core.routing import TransactionalRoute

BIG = 2**31
HUGE = 2**40


def assert_problem(r: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    if code is not None:
        assert body["code"] == code, body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body
    return body


def field_codes(body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["code"] for e in body.get("errors", [])}


# --- 1. integers beyond 32 bits ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/members/{BIG}",
        f"/api/v1/organizations/{HUGE}",
        f"/api/v1/organizations/{2**70}/posts",
        "/api/v1/members?org_id=99999999999",
        f"/api/v1/users?organization_id={-(2**31) - 1}",
        f"/api/v1/audit?organization_id={HUGE}",
    ],
)
async def test_integer_beyond_32_bits_in_path_or_query_is_422(ctx: Ctx, url: str) -> None:
    r = await ctx.get(url, "admin")
    body = assert_problem(r, 422, "validation_error")
    assert "less_than_equal" in field_codes(body).values() or "greater_than_equal" in str(body)


async def test_bounds_are_in_the_api_document(ctx: Ctx) -> None:
    doc = (await ctx.client.get("/api/v1/openapi.json")).json()
    [param] = doc["paths"]["/api/v1/members/{member_id}"]["get"]["parameters"]
    assert param["schema"]["maximum"] == 2**31 - 1
    org_id = next(
        p for p in doc["paths"]["/api/v1/members"]["get"]["parameters"] if p["name"] == "org_id"
    )
    assert org_id["schema"]["anyOf"][0]["maximum"] == 2**31 - 1
    sort_order = doc["components"]["schemas"]["OrganizationCreate"]["properties"]["sort_order"]
    assert sort_order["maximum"] == 2**31 - 1


async def test_integer_beyond_32_bits_in_a_json_body_is_422(ctx: Ctx) -> None:
    r = await ctx.post(
        "/api/v1/organizations",
        "secretary",
        json={"parent_id": HUGE, "name": "测试党支部", "kind": "branch"},
    )
    body = assert_problem(r, 422, "validation_error")
    assert field_codes(body) == {"parent_id": "value_out_of_range"}
    r = await ctx.patch(
        f"/api/v1/organizations/{ctx.ids['own']}", "secretary", json={"sort_order": BIG}
    )
    assert field_codes(assert_problem(r, 422)) == {"sort_order": "value_out_of_range"}


def test_database_overflow_is_mapped_to_422() -> None:
    """The safety net under validation: what the database or date arithmetic cannot hold."""
    assert refused_value(OverflowError("Python int too large to convert to SQLite INTEGER"))
    assert refused_value(
        ValueError("invalid input for query argument $1: 2147483648 (value out of int32 range)")
    )
    assert refused_value(ValueError("year 10000 is out of range"))
    assert refused_value(ValueError("something else")) is None


async def test_real_database_refusals_are_recognised(ctx: Ctx) -> None:
    """The net knows the errors the drivers really raise (asyncpg, sqlite3)."""
    from sqlalchemy import select

    from dangjian.core.errors import INVALID_CHARACTER, VALUE_OUT_OF_RANGE
    from dangjian.models import Organization

    async with ctx.db.sessionmaker() as session:
        with pytest.raises(Exception) as caught:  # whatever the driver raises
            await session.execute(select(Organization).where(Organization.id == 2**64))
        assert refused_value(caught.value) == VALUE_OUT_OF_RANGE, repr(caught.value)
    if ctx.kind == "postgresql":
        async with ctx.db.sessionmaker() as session:
            with pytest.raises(Exception) as caught:
                await session.execute(select(Organization).where(Organization.name == "a\x00b"))
            assert refused_value(caught.value) == INVALID_CHARACTER, repr(caught.value)


# --- 2. NUL characters ------------------------------------------------------------------------


async def test_nul_in_a_json_string_is_422(ctx: Ctx) -> None:
    r = await ctx.post(
        "/api/v1/organizations",
        "secretary",
        json={"parent_id": ctx.ids["own"], "name": "测试\u0000党支部", "kind": "branch"},
    )
    assert_problem(r, 422, "invalid_character")
    # The text "\u0000" (an escaped backslash) is no NUL: it reaches validation as usual.
    r = await ctx.client.post(
        "/api/v1/organizations",
        content=b'{"parent_id": %d, "name": "\\\\u0000\\u515a\\u652f\\u90e8", "kind": "branch"}'
        % ctx.ids["own"],
        headers={**ctx.auth("secretary"), "Content-Type": "application/json"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "\\u0000党支部"


@pytest.mark.parametrize(
    "url", ["/api/v1/members?q=%00", "/api/v1/members?q=a%00b", "/api/v1/members/%00"]
)
async def test_nul_in_query_or_path_is_422(ctx: Ctx, url: str) -> None:
    assert_problem(await ctx.get(url, "secretary"), 422, "invalid_character")


async def test_nul_in_a_form_is_422(ctx: Ctx) -> None:
    r = await ctx.client.post(
        "/api/v1/auth/login", data={"username": "secretary\x00", "password": "x"}
    )
    assert_problem(r, 422, "invalid_character")


async def test_uploads_with_nul_bytes_still_work(ctx: Ctx) -> None:
    """Multipart bodies are binary: a file full of NUL bytes is not refused as a character."""
    r = await ctx.client.post(
        "/api/v1/members/import",
        headers=ctx.auth("secretary"),
        files={"file": ("roster.xlsx", b"PK\x03\x04\x00\x00\x00\x00", "application/octet-stream")},
    )
    assert r.status_code != 500 and r.json().get("code") != "invalid_character", r.text


# --- 3. dates far from this domain -----------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "from=0001-01-01T00:00:00%2B14:00",
        "to=9999-12-31T23:59:59-14:00",
        "from=1899-12-31T00:00:00Z",
    ],
)
async def test_datetime_out_of_range_in_a_query_is_422(ctx: Ctx, query: str) -> None:
    body = assert_problem(await ctx.get(f"/api/v1/meetings?{query}", "secretary"), 422)
    assert "date_out_of_range" in field_codes(body).values()


async def test_month_out_of_range_is_422(ctx: Ctx) -> None:
    for month in ("9999-12", "0001-01"):
        r = await ctx.get(
            f"/api/v1/dues/reports/monthly?org_id={ctx.ids['own']}&month={month}", "secretary"
        )
        assert_problem(r, 422, "validation_error")
    r = await ctx.get(
        f"/api/v1/dues/reports/monthly?org_id={ctx.ids['own']}&month=2100-12", "secretary"
    )
    assert r.status_code == 200, r.text


async def test_date_out_of_range_in_a_json_body_is_422(ctx: Ctx) -> None:
    r = await ctx.post(
        "/api/v1/organizations",
        "secretary",
        json={
            "parent_id": ctx.ids["own"],
            "name": "测试党支部",
            "kind": "branch",
            "established_on": "0001-01-01",
        },
    )
    assert field_codes(assert_problem(r, 422)) == {"established_on": "date_out_of_range"}


# --- 4. null in a partial update --------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "sort_order"])
async def test_patch_organization_with_null_is_422(ctx: Ctx, field: str) -> None:
    r = await ctx.patch(f"/api/v1/organizations/{ctx.ids['own']}", "secretary", json={field: None})
    body = assert_problem(r, 422, "validation_error")
    assert field_codes(body) == {field: "not_null"}
    # Leaving the field out still works, and nullable fields still clear.
    r = await ctx.patch(
        f"/api/v1/organizations/{ctx.ids['own']}", "secretary", json={"short_name": None}
    )
    assert r.status_code == 200, r.text


async def test_non_nullable_patch_fields_are_not_nullable_in_the_document(ctx: Ctx) -> None:
    schemas = (await ctx.client.get("/api/v1/openapi.json")).json()["components"]["schemas"]
    assert schemas["OrganizationUpdate"]["properties"]["name"]["type"] == "string"
    assert "anyOf" in schemas["OrganizationUpdate"]["properties"]["short_name"]
    for model, field in [
        ("UserUpdate", "display_name"),
        ("PostUpdate", "start_date"),
        ("MemberUpdate", "kind"),
        ("AttendeeUpdate", "written_opinion"),
    ]:
        assert "anyOf" not in schemas[model]["properties"][field], (model, field)


async def test_patch_user_with_null_is_422(ctx: Ctx) -> None:
    r = await ctx.get("/api/v1/users?size=1", "secretary")
    user_id = r.json()["items"][0]["id"]
    for field in ("display_name", "is_active"):
        r = await ctx.patch(f"/api/v1/users/{user_id}", "secretary", json={field: None})
        assert field_codes(assert_problem(r, 422)) == {field: "not_null"}


# --- 5. 405 names the allowed methods ---------------------------------------------------------


async def test_method_not_allowed_carries_allow(ctx: Ctx) -> None:
    r = await ctx.client.put(
        f"/api/v1/organizations/{ctx.ids['own']}", headers=ctx.auth("secretary")
    )
    assert_problem(r, 405, "method_not_allowed")
    allowed = {m.strip() for m in r.headers["allow"].split(",")}
    assert {"GET", "PATCH", "DELETE"} <= allowed and "PUT" not in allowed


# --- 6. the error answers in the API document ------------------------------------------------


async def test_error_answers_are_documented_as_problem_json(ctx: Ctx) -> None:
    doc = (await ctx.client.get("/api/v1/openapi.json")).json()
    responses = doc["paths"]["/api/v1/organizations/{org_id}"]["patch"]["responses"]
    for status in ("400", "401", "403", "404", "409", "412", "422", "428"):
        assert list(responses[status]["content"]) == ["application/problem+json"], status
    for operations in doc["paths"].values():
        for operation in operations.values():
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")) and "content" in answer:
                    assert "application/json" not in answer["content"], (operation, status)


async def _dependency(unit_id: int, year: Annotated[int, Query(ge=2000, le=2100)] = 2026) -> int:
    return unit_id


async def _things(
    thing_id: int, unit: Annotated[int, Depends(_dependency)], ids: Annotated[list[int], Query()]
) -> int:
    return thing_id


def test_route_class_bounds_dependency_parameters_too() -> None:
    """The mechanism, not one route: a dependency's plain int and a list of ints are bounded;
    explicit bounds are kept."""
    router = APIRouter(route_class=TransactionalRoute)
    router.get("/things/{thing_id}")(_things)
    app = FastAPI()
    app.include_router(router)
    operation = app.openapi()["paths"]["/things/{thing_id}"]["get"]
    schemas = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert schemas["thing_id"]["maximum"] == 2**31 - 1
    assert schemas["unit_id"]["minimum"] == -(2**31)
    assert schemas["year"]["minimum"] == 2000 and schemas["year"]["maximum"] == 2100
    assert schemas["ids"]["items"]["maximum"] == 2**31 - 1
