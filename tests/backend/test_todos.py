"""待办 (issue 18): each to-do is computed from the records, appears for the people who can act on
it (by the same tests as the action), links to where it is done, and goes once it is done. And
工作台 counts the caller's whole scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import Ctx
from dues_support import member as dues_member
from dues_support import now
from sqlalchemy import func, select, update
from test_dues_exemptions import applied, approve, decide
from test_meetings import begin, create

from dangjian.members.rules import ON_ROSTER
from dangjian.models import Meeting, Member, Organization

T = "/api/v1/me/todos"
M = "/api/v1/meetings"


async def todos(ctx: Ctx, who: str) -> list[dict[str, Any]]:
    r = await ctx.get(T, who)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def kinds_at(ctx: Ctx, who: str, link: str) -> list[str]:
    return sorted(i["kind"] for i in await todos(ctx, who) if i["link"] == link)


async def test_a_meeting_s_to_dos_follow_it_from_notice_to_approved_minutes(
    ctx: Ctx,
) -> None:
    meeting = await create(ctx, "secretary", "child", "branch_assembly", title="七月支部党员大会")
    link, mine = f"/meetings/{meeting['id']}", f"/my/meetings/{meeting['id']}"
    me = (await ctx.get("/api/v1/me/member", "member")).json()["id"]
    assert me in {a["member_id"] for a in meeting["attendees"] if a["role"] == "expected"}
    # R: MTG-03 — a draft is to be notified, by those who run the meeting only
    assert await kinds_at(ctx, "secretary", link) == ["meeting_notify"]
    assert await kinds_at(ctx, "zuzhi", link) == ["meeting_notify"]
    item = next(i for i in await todos(ctx, "secretary") if i["link"] == link)
    assert item["subject"] == "七月支部党员大会" and item["count"] == 1
    assert item["organization_name"] and item["at"]
    for who in ("xuanchuan", "secretary2", "member", "street"):
        assert await kinds_at(ctx, who, link) == [], who
    assert await kinds_at(ctx, "member", mine) == []  # a draft is not announced yet

    assert (await ctx.post(f"{M}/{meeting['id']}/notify", "secretary")).status_code == 200
    assert await kinds_at(ctx, "secretary", link) == []
    assert await kinds_at(ctx, "member", mine) == ["next_meeting"]
    assert "unread_notices" in {i["kind"] for i in await todos(ctx, "member")}

    # MEM-03: the member's leave request is the managers' to-do until decided
    asked = await ctx.post(
        f"/api/v1/me/meetings/{meeting['id']}/leave", "member", json={"reason": "出差"}
    )
    assert asked.status_code == 200
    assert await kinds_at(ctx, "member", mine) == []
    assert await kinds_at(ctx, "secretary", link) == ["leave_requests"]
    leave = next(i for i in await todos(ctx, "secretary") if i["kind"] == "leave_requests")
    assert leave["count"] == 1
    attendee = asked.json()["me"]["id"]
    r = await ctx.post(
        f"{M}/{meeting['id']}/attendees/{attendee}/leave",
        "secretary",
        json={"approve": True},
    )
    assert r.status_code == 200
    assert await kinds_at(ctx, "secretary", link) == []

    # LEDG-03: once its time has come it is to be confirmed held (or cancelled), overdue
    await begin(ctx, meeting)
    (hold,) = [i for i in await todos(ctx, "secretary") if i["link"] == link]
    assert hold["kind"] == "meeting_hold" and hold["overdue"] is True
    assert (await todos(ctx, "secretary"))[0]["overdue"] is True  # overdue items come first
    present = [
        {"attendee_id": a["id"], "attendance": "present"}
        for a in meeting["attendees"]
        if a["role"] == "expected" and a["id"] != attendee
    ]
    r = await ctx.client.put(
        f"{M}/{meeting['id']}/attendance",
        headers=ctx.auth("secretary"),
        json={"entries": present},
    )
    assert r.status_code == 200, r.text
    assert (await ctx.post(f"{M}/{meeting['id']}/hold", "secretary", json={})).status_code == 200
    assert await kinds_at(ctx, "secretary", link) == ["meeting_minutes"]
    minutes = {"minutes": "学习了党章。", "decisions_announced": ""}
    r = await ctx.client.put(
        f"{M}/{meeting['id']}/minutes", headers=ctx.auth("zuzhi"), json=minutes
    )
    assert r.status_code == 200, r.text
    # the minutes are approved by the secretary (meeting.agenda), not by the 组织委员
    assert await kinds_at(ctx, "secretary", link) == ["minutes_approve"]
    assert await kinds_at(ctx, "zuzhi", link) == []
    assert (await ctx.post(f"{M}/{meeting['id']}/minutes/approve", "secretary")).status_code == 200
    assert await kinds_at(ctx, "secretary", link) == []


async def test_an_overdue_resolution_is_its_owner_s_and_the_readers_to_do(
    ctx: Ctx,
) -> None:
    meeting = await create(ctx, "secretary", "own", "committee")
    await begin(ctx, meeting)
    committee = [a for a in meeting["attendees"] if a["role"] == "expected"]
    entries = [{"attendee_id": a["id"], "attendance": "present"} for a in committee]
    await ctx.client.put(
        f"{M}/{meeting['id']}/attendance",
        headers=ctx.auth("secretary"),
        json={"entries": entries},
    )
    voted = await ctx.post(
        f"{M}/{meeting['id']}/resolutions",
        "secretary",
        json={"title": "修缮活动室", "yes": len(committee)},
    )
    assert voted.status_code == 200, voted.text
    (resolution,) = voted.json()["resolutions"]
    user = (await ctx.get("/api/v1/auth/me", "member")).json()["user"]
    due = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
    r = await ctx.patch(
        f"/api/v1/resolutions/{resolution['id']}",
        "secretary",
        json={"owner": "党员", "owner_user_id": user["id"], "due_on": due},
    )
    assert r.status_code == 200, r.text
    (owned,) = [i for i in await todos(ctx, "member") if i["kind"] == "resolutions_overdue"]
    assert owned == owned | {
        "link": f"/my/meetings/{meeting['id']}",
        "subject": "修缮活动室",
        "mine": True,
        "overdue": True,
        "due_on": due,
    }
    staff = [i for i in await todos(ctx, "secretary") if i["kind"] == "resolutions_overdue"]
    assert [(i["link"], i["mine"]) for i in staff] == [(f"/meetings/{meeting['id']}", False)]
    assert not [i for i in await todos(ctx, "secretary2") if i["kind"] == "resolutions_overdue"]
    r = await ctx.patch(
        f"/api/v1/resolutions/{resolution['id']}",
        "secretary",
        json={"follow_up": "done", "evidence": "已完工"},
    )
    assert r.status_code == 200, r.text
    assert not [i for i in await todos(ctx, "member") if i["kind"] == "resolutions_overdue"]


async def test_exemptions_wait_for_the_branch_then_for_the_committee_above(
    ctx: Ctx,
) -> None:
    m = await dues_member(ctx, since=now() - 3)

    async def count(who: str, kind: str) -> int:
        return sum(i["count"] for i in await todos(ctx, who) if i["kind"] == kind)

    before = {w: await count(w, "exemptions_decide") for w in ("secretary", "street", "zuzhi")}
    e = await applied(ctx, m.id, now(), now() + 2)
    # R: DUES-03 — the branch's secretary decides; neither the 组织委员 nor the street
    assert await count("secretary", "exemptions_decide") == before["secretary"] + 1
    assert await count("zuzhi", "exemptions_decide") == before["zuzhi"]
    assert await count("street", "exemptions_decide") == before["street"]
    item = next(i for i in await todos(ctx, "secretary") if i["kind"] == "exemptions_decide")
    assert item["link"] == "/dues/exemptions?status=proposed"
    approvers = {w: await count(w, "exemptions_approve") for w in ("secretary", "street")}
    assert (await decide(ctx, "secretary", e["id"])).status_code == 200
    assert await count("secretary", "exemptions_decide") == before["secretary"]
    # the decider never approves their own decision; the committee above does
    assert await count("secretary", "exemptions_approve") == approvers["secretary"]
    assert await count("street", "exemptions_approve") == approvers["street"] + 1
    assert (await approve(ctx, "street", e["id"])).status_code == 200
    assert await count("street", "exemptions_approve") == approvers["street"]


async def test_arrears_are_the_collectors_to_do_and_the_member_s_own(ctx: Ctx) -> None:
    behind = await dues_member(ctx, since=now() - 5)
    arrears = [i for i in await todos(ctx, "zuzhi") if i["kind"] == "dues_arrears"]
    report = (
        await ctx.get("/api/v1/dues/arrears", "zuzhi", params={"org_id": ctx.ids["own"]})
    ).json()
    assert behind.id in {r["member_id"] for r in report["rows"]}
    assert [(i["link"], i["count"]) for i in arrears] == [
        (f"/dues/arrears?org={ctx.ids['own']}", len(report["rows"]))
    ]
    assert not [i for i in await todos(ctx, "xuanchuan") if i["kind"] == "dues_arrears"]
    # the member's own: every unpaid month up to last month, with the amount
    me = (await ctx.get("/api/v1/me/member", "member")).json()["id"]
    from dues_support import basis

    await basis(ctx, me, now() - 2)
    (owed,) = [i for i in await todos(ctx, "member") if i["kind"] == "dues_owed"]
    assert owed == owed | {"count": 2, "amount": "30.00", "link": "/my/dues"}


async def test_corrections_wait_for_those_who_may_write_the_roster(ctx: Ctx) -> None:
    def pending(items: list[dict[str, Any]]) -> int:
        return sum(i["count"] for i in items if i["kind"] == "corrections_review")

    before = {w: pending(await todos(ctx, w)) for w in ("clerk", "secretary", "xuanchuan")}
    asked = await ctx.post(
        "/api/v1/me/member/corrections",
        "member",
        json={"changes": {"grid_area": "幸福小区5号楼"}, "reason": "搬家"},
    )
    assert asked.status_code == 201, asked.text
    assert pending(await todos(ctx, "clerk")) == before["clerk"] + 1
    assert pending(await todos(ctx, "secretary")) == before["secretary"] + 1
    assert pending(await todos(ctx, "xuanchuan")) == before["xuanchuan"]  # no roster.write
    r = await ctx.post(
        f"/api/v1/members/corrections/{asked.json()['id']}/decision",
        "clerk",
        json={"approve": True},
    )
    assert r.status_code == 200
    assert pending(await todos(ctx, "clerk")) == before["clerk"]


async def test_the_inbox_to_do_goes_when_the_notices_are_read(ctx: Ctx) -> None:
    meeting = await create(ctx, "secretary", "child", "branch_assembly")
    await ctx.post(f"{M}/{meeting['id']}/notify", "secretary")
    (unread,) = [i for i in await todos(ctx, "member") if i["kind"] == "unread_notices"]
    assert unread["link"] == "/inbox" and unread["count"] >= 1
    assert (await ctx.post("/api/v1/me/notifications/read-all", "member")).status_code == 204
    assert not [i for i in await todos(ctx, "member") if i["kind"] == "unread_notices"]
    async with (
        ctx.db.sessionmaker() as s,
        s.begin(),
    ):  # a cancelled meeting is nobody's to-do
        await s.execute(
            update(Meeting).where(Meeting.id == meeting["id"]).values(status="cancelled")
        )
    assert await kinds_at(ctx, "member", f"/my/meetings/{meeting['id']}") == []


async def test_the_dashboard_counts_the_caller_s_whole_scope(ctx: Ctx) -> None:
    async def expected(path: str | None) -> tuple[int, int, int]:
        async with ctx.db.sessionmaker() as s:
            within = Organization.path.startswith(path) if path else Organization.id.is_not(None)
            orgs = await s.scalar(select(func.count()).select_from(Organization).where(within))
            rows = dict(
                (
                    await s.execute(
                        select(Member.kind, func.count())
                        .join(Organization, Organization.id == Member.organization_id)
                        .where(within, Member.status.in_(ON_ROSTER))
                        .group_by(Member.kind)
                    )
                ).all()
            )
        return int(orgs or 0), rows.get("formal", 0), rows.get("probationary", 0)

    async with ctx.db.sessionmaker() as s:
        street = await s.scalar(
            select(Organization.path).where(Organization.id == ctx.ids["parent"])
        )
        own = await s.scalar(select(Organization.path).where(Organization.id == ctx.ids["own"]))
    for who, path in (("street", street), ("secretary", own), ("admin", None)):
        scope = (await ctx.get("/api/v1/dashboard", who)).json()["scope"]
        got = (
            scope["organizations"],
            scope["member_counts"]["formal"],
            scope["member_counts"]["probationary"],
        )
        assert got == await expected(path), who
    assert (await ctx.get("/api/v1/dashboard", "admin")).json()["scope"]["organizations"] > 1
    member = (await ctx.get("/api/v1/dashboard", "member")).json()["scope"]
    assert member == {
        "organizations": 0,
        "member_counts": {"formal": 0, "probationary": 0},
    }
