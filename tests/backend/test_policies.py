"""Work-system policies: defaults in code, inheritance down the tree, versioning by date (MTG-02,
MTG-03, DISC-01 parameters)."""

from __future__ import annotations

from datetime import timedelta

from conftest import Ctx
from sqlalchemy import select

from dangjian.core import clock
from dangjian.models import AuditLog, PolicyValue

KEY = "meetings.frequency.committee"


def url(ctx: Ctx, target: str) -> str:
    return f"/api/v1/organizations/{ctx.ids[target]}/policy"


async def item(ctx: Ctx, target: str, key: str = KEY, who: str = "secretary", **params: str):  # type: ignore[no-untyped-def]
    r = await ctx.get(url(ctx, target), who, params=params)
    assert r.status_code == 200, r.text
    return next(i for i in r.json()["items"] if i["key"] == key)


async def put(ctx: Ctx, target: str, who: str, values: dict, **extra: object):  # type: ignore[no-untyped-def, type-arg]
    return await ctx.client.put(
        url(ctx, target), headers=ctx.auth(who), json={"values": values, **extra}
    )


async def test_defaults_come_from_code_with_their_rule(ctx: Ctx) -> None:
    committee = await item(ctx, "child")
    assert committee["value"] == {"count": 1, "period": "month"}  # MTG-02 default
    assert committee["source"] == "default" and committee["rule"] == "MTG-02"
    assert committee["label"] == "支部委员会最少次数"
    joint = await item(ctx, "own", "meetings.notice_days.joint_meeting")
    assert joint["value"] == 7 and joint["rule"] == "MTG-03"
    ladder = await item(ctx, "own", "discipline.absence_months")
    assert ladder["value"] == [2, 4, 6] and ladder["rule"] == "DISC-01"


async def test_values_are_inherited_from_the_nearest_organisation_that_set_them(ctx: Ctx) -> None:
    street = await put(ctx, "parent", "street", {KEY: {"count": 2, "period": "month"}})
    assert street.status_code == 200, street.text
    inherited = await item(ctx, "child")
    assert inherited["value"] == {"count": 2, "period": "month"}
    assert inherited["source"] == "inherited"
    assert inherited["source_organization_id"] == ctx.ids["parent"]
    assert (await put(ctx, "own", "secretary", {KEY: {"count": 3, "period": "month"}})).is_success
    assert (await item(ctx, "own"))["source"] == "set"
    nearest = await item(ctx, "group")
    assert nearest["value"]["count"] == 3 and nearest["source_organization_id"] == ctx.ids["own"]
    # null clears this organisation's setting: the street's value applies again
    assert (await put(ctx, "own", "secretary", {KEY: None})).is_success
    again = await item(ctx, "child")
    assert again["value"]["count"] == 2 and again["source_organization_id"] == ctx.ids["parent"]
    # the sibling community inherits the street's value too, untouched by /1/2/'s choices
    assert (await item(ctx, "sibling", who="street"))["value"]["count"] == 2


async def test_a_change_today_does_not_change_what_was_in_force_last_quarter(ctx: Ctx) -> None:
    today = clock.today()
    last_quarter = today - timedelta(days=120)
    async with ctx.db.sessionmaker() as s, s.begin():
        s.add(
            PolicyValue(
                organization_id=ctx.ids["own"],
                key=KEY,
                value={"count": 2, "period": "month"},
                effective_from=last_quarter - timedelta(days=30),
                set_by="测试",
            )
        )
    assert (await put(ctx, "own", "secretary", {KEY: {"count": 4, "period": "month"}})).is_success
    then = await item(ctx, "child", on=last_quarter.isoformat())
    assert then["value"]["count"] == 2
    assert (await item(ctx, "child"))["value"]["count"] == 4
    # the past stays as it was: a setting may not start before today
    past = await put(
        ctx, "own", "secretary", {KEY: {"count": 1, "period": "month"}},
        effective_from=(today - timedelta(days=1)).isoformat(),
    )  # fmt: skip
    assert past.status_code == 422 and past.json()["code"] == "policy_past"
    # a future date applies from then on, not before
    soon = today + timedelta(days=40)
    future = await put(
        ctx, "own", "secretary", {KEY: {"count": 5, "period": "month"}},
        effective_from=soon.isoformat(),
    )  # fmt: skip
    assert future.status_code == 200
    assert (await item(ctx, "child"))["value"]["count"] == 4
    assert (await item(ctx, "child", on=soon.isoformat()))["value"]["count"] == 5


async def test_bad_values_are_refused_in_chinese_and_nothing_is_written(ctx: Ctx) -> None:
    for values in [
        {KEY: {"count": -1, "period": "month"}},
        {KEY: {"count": 1, "period": "fortnight"}},
        {KEY: 3},
        {"meetings.notice_days.committee": 100},
        {"discipline.absence_months": [4, 2, 6]},
        {"no.such.param": 1},
    ]:
        r = await put(ctx, "own", "secretary", values)
        assert r.status_code == 422, values
        assert r.json()["code"] == "policy_invalid"
    r = await put(ctx, "own", "secretary", {KEY: {"count": 0, "period": "fortnight"}})
    assert "支部委员会最少次数" in r.json()["detail"] and "周期" in r.json()["detail"]
    async with ctx.db.sessionmaker() as s:
        assert (await s.scalars(select(PolicyValue))).all() == []


async def test_who_may_set_and_what_the_audit_keeps(ctx: Ctx) -> None:
    r = await ctx.get(url(ctx, "own"), "deputy")
    assert r.status_code == 200 and r.json()["editable"] is False
    assert (await ctx.get(url(ctx, "own"), "secretary")).json()["editable"] is True
    denied = await put(ctx, "own", "deputy", {KEY: {"count": 2, "period": "month"}})
    assert denied.status_code == 403
    assert (await ctx.get(url(ctx, "own"), "secretary2")).status_code == 404
    ok = await put(ctx, "own", "secretary", {KEY: {"count": 2, "period": "month"}}, note="换届后")
    assert ok.status_code == 200
    async with ctx.db.sessionmaker() as s:
        entry = await s.scalar(select(AuditLog).where(AuditLog.action == "policy.update"))
    assert entry is not None
    assert entry.before == {KEY: {"count": 1, "period": "month"}}
    assert entry.after is not None and entry.after["note"] == "换届后"
