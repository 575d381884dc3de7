"""Self-service: correction requests decided by 组织委员 / 党务干事, and the member's own data export."""

from __future__ import annotations

import json

from conftest import Ctx

ME = "/api/v1/me/member"


async def test_a_member_asks_and_the_clerk_approves(ctx: Ctx) -> None:
    asked = await ctx.post(
        f"{ME}/corrections",
        "member",
        json={
            "changes": {"mobile": "13912345678", "grid_area": "幸福小区2号楼"},
            "reason": "换了手机号，也搬了楼",
        },
    )
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    pending = (
        await ctx.get("/api/v1/members/corrections", "clerk", params={"status": "pending"})
    ).json()
    assert [c["id"] for c in pending] == [asked.json()["id"]]
    decided = await ctx.post(
        f"/api/v1/members/corrections/{asked.json()['id']}/decision",
        "clerk",
        json={"approve": True, "note": "已电话核实"},
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    record = (await ctx.get(ME, "member")).json()
    assert record["mobile"] == "13912345678" and record["grid_area"] == "幸福小区2号楼"
    again = await ctx.post(
        f"/api/v1/members/corrections/{asked.json()['id']}/decision",
        "clerk",
        json={"approve": False},
    )
    assert again.status_code == 409 and again.json()["code"] == "correction_decided"
    mine = (await ctx.get(f"{ME}/corrections", "member")).json()
    assert mine[0]["decided_by"] == "东风社区党务干事" and mine[0]["decision_note"] == "已电话核实"


async def test_refusal_changes_nothing_and_some_fields_need_a_procedure(ctx: Ctx) -> None:
    before = (await ctx.get(ME, "member")).json()
    asked = await ctx.post(
        f"{ME}/corrections", "member", json={"changes": {"grid_area": "别处"}, "reason": "测试一下"}
    )
    refused = await ctx.post(
        f"/api/v1/members/corrections/{asked.json()['id']}/decision",
        "zuzhi",
        json={"approve": False, "note": "与实际不符"},
    )
    assert refused.json()["status"] == "refused"
    assert (await ctx.get(ME, "member")).json()["grid_area"] == before["grid_area"]
    procedure = await ctx.post(
        f"{ME}/corrections",
        "member",
        json={"changes": {"kind": "probationary"}, "reason": "想改类别"},
    )
    assert procedure.status_code == 422 and procedure.json()["code"] == "correction_not_allowed"
    # the deputy reads the roster but may not decide
    other = await ctx.post(
        f"{ME}/corrections", "member", json={"changes": {"grid_area": "某处"}, "reason": "再试一次"}
    )
    r = await ctx.post(
        f"/api/v1/members/corrections/{other.json()['id']}/decision",
        "deputy",
        json={"approve": True},
    )
    assert r.status_code == 403


async def test_the_member_exports_everything_held_about_them(ctx: Ctx) -> None:
    await ctx.post(
        f"{ME}/corrections",
        "member",
        json={"changes": {"grid_area": "幸福小区"}, "reason": "网格调整"},
    )
    r = await ctx.get(f"{ME}/export", "member")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    data = json.loads(r.content)
    assert data["member"]["name"] == "李建国" and "*" not in data["member"]["id_number"]
    assert len(data["corrections"]) == 1 and data["events"] == []
