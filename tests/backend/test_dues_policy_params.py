"""The dues parameters (DUES-01/02/08): their kinds — choice, choices, money range, months — are
checked with Chinese messages, and the farmers' range is what POST /members/{id}/dues-bases
applies."""

from __future__ import annotations

from typing import Any

from conftest import Ctx, fresh_member
from dues_support import LONG_AGO, now, ym
from sqlalchemy import select

from dangjian.models import PolicyValue
from dangjian.policies.params import check


def url(ctx: Ctx, target: str = "own") -> str:
    return f"/api/v1/organizations/{ctx.ids[target]}/policy"


async def put(ctx: Ctx, values: dict[str, Any], who: str = "secretary") -> Any:
    return await ctx.client.put(url(ctx), headers=ctx.auth(who), json={"values": values})


async def items(ctx: Ctx, target: str = "child") -> dict[str, Any]:
    r = await ctx.get(url(ctx, target), "secretary")
    assert r.status_code == 200, r.text
    return {i["key"]: i for i in r.json()["items"] if i["key"].startswith("dues.")}


def test_dues_param_kinds_are_checked_in_chinese() -> None:
    assert check("dues.mode", "annual_fixed") is None
    assert check("dues.mode", "weekly") == "应为可选项之一"
    assert check("dues.mode", ["annual_fixed"]) == "应为可选项之一"
    assert check("dues.deductions", []) is None
    assert check("dues.deductions", ["pension", "housing_fund"]) is None
    assert check("dues.deductions", ["pension", "pension"]) == "应为可选项的列表（不重复）"
    assert check("dues.deductions", ["bonus"]) == "应为可选项的列表（不重复）"
    assert check("dues.deductions", "pension") == "应为可选项的列表（不重复）"
    assert check("dues.farmer_range", ["0.30", "0.80"]) is None
    assert check("dues.farmer_range", ["0.5", "0.5"]) is None
    assert check("dues.farmer_range", ["0.80", "0.30"]) == "下限不能高于上限"
    for bad in (["0.30"], [0.3, 0.8], ["0.301", "0.80"], ["abc", "1.00"], "0.30-0.80"):
        assert "两个金额" in (check("dues.farmer_range", bad) or ""), bad
    # R: DUES-02 — within 0.20–1.00 yuan
    assert check("dues.farmer_range", ["0.10", "0.80"]) == "应在 0.20 元至 1.00 元之间"
    assert check("dues.farmer_range", ["0.30", "5.00"]) == "应在 0.20 元至 1.00 元之间"
    for key in ("dues.reminder_months", "dues.lapse_months"):
        assert check(key, 1) is None and check(key, 24) is None
        for bad in (0, 25, True, "3", 2.5, None):
            assert check(key, bad) == "月数应为 1–24 的整数", (key, bad)


async def test_dues_params_have_their_defaults_rules_and_labels(ctx: Ctx) -> None:
    dues = await items(ctx)
    assert dues["dues.mode"]["value"] == "monthly_basis" and dues["dues.mode"]["rule"] == "DUES-01"
    assert dues["dues.mode"]["kind"] == "choice"
    assert set(dues["dues.mode"]["options"]) == {"monthly_basis", "annual_fixed"}
    assert dues["dues.deductions"]["value"] == [] and dues["dues.deductions"]["kind"] == "choices"
    assert dues["dues.farmer_range"]["value"] == ["0.20", "1.00"]
    assert dues["dues.farmer_range"]["rule"] == "DUES-02"
    assert dues["dues.reminder_months"]["value"] == 3 and dues["dues.lapse_months"]["value"] == 6
    assert dues["dues.lapse_months"]["rule"] == "DUES-08"


async def test_dues_bad_values_are_refused_and_nothing_is_written(ctx: Ctx) -> None:
    for values, words in (
        ({"dues.mode": "weekly"}, "党费交纳额核定方式：应为可选项之一"),
        ({"dues.deductions": ["pension", "bonus"]}, "应为可选项的列表"),
        ({"dues.farmer_range": ["1.00", "0.50"]}, "农民党员每月交纳金额范围（元）：下限不能高于上限"),
        ({"dues.farmer_range": ["0.10", "0.50"]}, "应在 0.20 元至 1.00 元之间"),
        ({"dues.reminder_months": 0}, "欠交党费提醒月数：月数应为 1–24 的整数"),
        ({"dues.lapse_months": 30}, "月数应为 1–24 的整数"),
    ):  # fmt: skip
        r = await put(ctx, values)
        assert r.status_code == 422, values
        assert r.json()["code"] == "policy_invalid" and words in r.json()["detail"], r.json()
    async with ctx.db.sessionmaker() as s:
        assert (await s.scalars(select(PolicyValue))).all() == []
    ok = await put(
        ctx,
        {
            "dues.mode": "annual_fixed",
            "dues.deductions": ["pension", "housing_fund"],
            "dues.farmer_range": ["0.30", "0.80"],
            "dues.reminder_months": 2,
            "dues.lapse_months": 4,
        },
    )
    assert ok.status_code == 200, ok.text
    dues = await items(ctx)
    assert dues["dues.mode"]["value"] == "annual_fixed"
    assert dues["dues.mode"]["source"] == "inherited"
    assert dues["dues.deductions"]["value"] == ["pension", "housing_fund"]
    assert dues["dues.lapse_months"]["value"] == 4
    # only the 书记 (and street staff) set policies
    assert (await put(ctx, {"dues.mode": "monthly_basis"}, "zuzhi")).status_code == 403


async def test_dues02_the_farmer_range_applies_to_new_bases(ctx: Ctx) -> None:
    m = await fresh_member(ctx, ctx.ids["child"], joined_on=LONG_AGO)
    bases = f"/api/v1/members/{m.id}/dues-bases"

    async def add(amount: str) -> Any:
        body = {"category": "farmer", "fixed_amount": amount, "effective_month": ym(now())}
        return await ctx.post(bases, "zuzhi", json=body)

    assert (await add("0.20")).status_code == 201  # the default range: 0.20–1.00
    assert (await put(ctx, {"dues.farmer_range": ["0.30", "0.80"]})).status_code == 200
    low = await add("0.20")
    assert low.status_code == 422 and low.json()["code"] == "dues_input"
    assert "0.30元至0.80元" in low.json()["detail"]
    assert (await add("0.90")).status_code == 422
    ok = await add("0.50")
    assert ok.status_code == 201, ok.text
    listed = ok.json()
    assert listed["current"]["monthly_amount"] == "0.50"
    assert listed["current"]["bracket"] == "固定金额"
    assert (listed["policy"]["farmer_min"], listed["policy"]["farmer_max"]) == ("0.30", "0.80")
    # the deductions chosen are shown with the basis form (labels)
    assert (await put(ctx, {"dues.deductions": ["housing_fund"]})).status_code == 200
    r = await ctx.get(bases, "zuzhi")
    assert r.json()["policy"]["deductions"] == ["个人缴纳的住房公积金"]
    assert r.json()["policy"]["reminder_months"] == 3
