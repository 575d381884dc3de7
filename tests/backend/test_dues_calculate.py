"""POST /api/v1/dues/calculate: money as decimal strings in and out, 422s in Chinese (DUES-02)."""

from __future__ import annotations

from typing import Any

from conftest import Ctx

from dangjian.main import create_app
from dangjian.models.enums import DuesCategory

URL = "/api/v1/dues/calculate"


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


async def test_dues02_strings_in_and_strings_out(ctx: Ctx) -> None:
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (
            {"category": "salaried", "basis": "3000.00"},
            {"rate": "0.005", "monthly_amount": "15.00", "bracket": "3000元（含）以下"},
        ),
        (
            {"category": "salaried", "basis": "3000.01"},
            {
                "rate": "0.01",
                "monthly_amount": "30.00",
                "bracket": "3000元以上至5000元（含）",
            },
        ),
        (
            {"category": "annual_salary", "basis": "10000"},
            {"rate": "0.015", "monthly_amount": "150.00"},
        ),
        ({"category": "self_employed", "basis": "10000.01"}, {"rate": "0.02"}),
        ({"category": "salaried", "basis": "1001"}, {"monthly_amount": "5.01"}),
        ({"category": "salaried", "basis": " 0.5 "}, {"monthly_amount": "0.00"}),
        (
            {"category": "retired", "basis": "5000.01"},
            {"rate": "0.01", "monthly_amount": "50.00", "bracket": "5000元以上"},
        ),
        (
            {"category": "farmer", "fixed_amount": "0.5"},
            {"rate": None, "monthly_amount": "0.50", "bracket": "每月0.20元至1.00元"},
        ),
        (
            {"category": "low_income", "basis": None},
            {
                "rate": None,
                "monthly_amount": "0.20",
                "category_label": "领取最低生活保障金",
            },
        ),
    ]
    for body, expected in cases:
        response = await ctx.post(URL, "member", json=body)
        assert response.status_code == 200, (body, response.text)
        answer = response.json()
        assert set(answer) == {
            "category",
            "category_label",
            "rate",
            "monthly_amount",
            "bracket",
            "calculation_basis",  # R: DUES-01 — the basis after the policy's deductions
            "deducted",
        }
        assert answer["category"] == body["category"]
        assert is_chinese(answer["category_label"])
        assert {k: answer[k] for k in expected} == expected, body
        assert all(
            isinstance(v, str)
            for k, v in answer.items()
            if k not in ("rate", "calculation_basis", "deducted")
        )
        assert answer["calculation_basis"] is None or isinstance(answer["calculation_basis"], str)


async def test_every_category_answers(ctx: Ctx) -> None:
    for category in DuesCategory:
        body: dict[str, str] = {"category": category.value}
        if category is DuesCategory.farmer:
            body["fixed_amount"] = "1.00"
        elif category in {"salaried", "annual_salary", "self_employed", "retired"}:
            body["basis"] = "4000"
        response = await ctx.post(URL, "resident", json=body)
        assert response.status_code == 200, response.text


BAD_INPUT: list[tuple[dict[str, Any], str, str]] = [
    (
        {"category": "salaried"},
        "dues_input",
        "请填写「在职（按月领取工资）」党员的月缴费基数",
    ),
    (
        {"category": "student", "basis": "3000.00"},
        "dues_input",
        "「学生」党员按固定金额交纳党费，不填写月缴费基数",
    ),
    (
        {"category": "farmer"},
        "dues_input",
        "请填写农民党员每月交纳的金额（0.20元至1.00元）",
    ),
    (
        {"category": "farmer", "fixed_amount": "1.50"},
        "dues_input",
        "农民党员每月交纳金额应在0.20元至1.00元之间（收到 1.50 元）",
    ),
    (
        {"category": "retired", "basis": "6000", "fixed_amount": "0.50"},
        "dues_input",
        "「离退休」党员按月缴费基数和比例计算党费，不填写固定金额",
    ),
    (
        {"category": "salaried", "basis": "abc"},
        "validation_error",
        "basis：金额应为数字（元），至多两位小数，如 3000.00",
    ),
    (
        {"category": "salaried", "basis": "-1.00"},
        "validation_error",
        "basis：金额应为数字",
    ),
    ({"category": "salaried", "basis": "3000.001"}, "validation_error", "至多两位小数"),
    ({"category": "salaried", "basis": "1e3"}, "validation_error", "金额应为数字"),
    (
        {"category": "salaried", "basis": "1000000000"},
        "validation_error",
        "金额应为数字",
    ),
    ({"category": "salaried", "basis": 3000.5}, "validation_error", "basis：应为文本"),
    (
        {"category": "miner", "basis": "1.00"},
        "validation_error",
        "category：取值不在允许范围内",
    ),
    ({"basis": "1.00"}, "validation_error", "category：必填"),
    (
        {"category": "salaried", "basis": "1.00", "rate": "0.5"},
        "validation_error",
        "rate：不允许的字段",
    ),
]


async def test_bad_input_is_a_chinese_422(ctx: Ctx) -> None:
    for body, code, detail in BAD_INPUT:
        response = await ctx.post(URL, "member", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["code"] == code, (body, problem)
        assert detail in problem["detail"], (body, problem)
        assert is_chinese(problem["detail"]) and is_chinese(problem["title"])


async def test_anyone_signed_in_may_calculate_nobody_else(ctx: Ctx) -> None:
    body = {"category": "salaried", "basis": "3000.00"}
    for principal in ("member", "secretary", "resident", "admin", "unit_client"):
        response = await ctx.post(URL, principal, json=body)
        assert response.status_code == 200, (principal, response.text)
    anonymous = await ctx.post(URL, None, json=body)
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"] == "请先登录"
    wrong = await ctx.client.post(URL, json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert is_chinese(wrong.json()["detail"])


def test_the_openapi_schema_says_money_is_a_string() -> None:
    schemas = create_app().openapi()["components"]["schemas"]
    basis = schemas["DuesCalculateIn"]["properties"]["basis"]["anyOf"][0]
    assert basis == {
        "type": "string",
        "pattern": r"^\d{1,9}(\.\d{1,2})?$",
        "examples": ["3000.00"],
    }
    out = schemas["DuesCalculation"]["properties"]
    assert out["monthly_amount"]["type"] == "string"
    assert {"type": "string"} in out["rate"]["anyOf"]
    assert schemas["DuesCalculateIn"]["additionalProperties"] is False
