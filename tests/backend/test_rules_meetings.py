"""Rule fidelity of meetings and compliance (issue 12, items 5, 6, 9): written opinions count
only when handed in before the start (MTG-07), the emergency below quorum is a committee rule
(MTG-06), the vote rule follows the meeting type (MTG-05/06/07), and the meeting types an
organisation is required to hold follow its kind and committee (MTG-02 × ORG-03)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from conftest import Ctx, fresh_member
from sqlalchemy import func, select, update

from dangjian.core import clock
from dangjian.models import AuditLog, Meeting, MeetingAttendee, Member, Organization
from dangjian.models.enums import MemberKind, MemberStatus, OrgCategory, OrgKind

M = "/api/v1/meetings"
C = "/api/v1/compliance"


def at(days: float = 2) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


async def create(ctx: Ctx, target: str, mtype: str, **extra: Any) -> dict[str, Any]:
    body = {"organization_id": ctx.ids[target], "type": mtype, "title": "测试会议"}
    r = await ctx.post(M, "secretary", json={"starts_at": at(), **body, **extra})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def voters(meeting: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in meeting["attendees"] if a["role"] == "expected" and a["voter"]]


async def move_start(ctx: Ctx, meeting_id: int, days: float) -> None:
    """Put the meeting's start `days` from now (negative: it has begun)."""
    starts = datetime.now(UTC) + timedelta(days=days)
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(
            update(Meeting)
            .where(Meeting.id == meeting_id)
            .values(starts_at=starts, ends_at=starts + timedelta(hours=2))
        )


# ---------------------------------------------------------------- item 5: MTG-07, MTG-06


async def test_mtg07_written_opinion_after_the_start_does_not_count(ctx: Ctx) -> None:
    meeting = await create(ctx, "child", "branch_assembly")
    writer, late = voters(meeting)[-1], voters(meeting)[-2]
    url = f"{M}/{meeting['id']}/attendees"
    before = await ctx.patch(
        f"{url}/{writer['id']}", "secretary", json={"written_opinion": True, "opinion": "同意"}
    )
    assert before.status_code == 200 and before.json()["quorum"]["written_opinions"] == 1
    await move_start(ctx, meeting["id"], -0.01)  # the meeting has begun
    refused = await ctx.patch(
        f"{url}/{late['id']}", "secretary", json={"written_opinion": True, "opinion": "同意"}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "opinion_too_late"
    # an opinion stored with a time after the start (e.g. before this rule) is not counted
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(  # the writer's opinion was handed in the day before
            update(MeetingAttendee)
            .where(MeetingAttendee.id == writer["id"])
            .values(opinion_at=datetime.now(UTC) - timedelta(days=1))
        )
        await s.execute(
            update(MeetingAttendee)
            .where(MeetingAttendee.id == late["id"])
            .values(written_opinion=True, opinion="同意", opinion_at=datetime.now(UTC))
        )
    q = (await ctx.get(f"{M}/{meeting['id']}", "secretary")).json()["quorum"]
    assert q["written_opinions"] == 1  # the one handed in beforehand only


async def test_mtg07_member_cannot_send_an_opinion_after_the_start(ctx: Ctx) -> None:
    meeting = await create(ctx, "own", "org_life")
    assert (await ctx.post(f"{M}/{meeting['id']}/notify", "secretary")).status_code == 200
    await move_start(ctx, meeting["id"], -0.01)
    r = await ctx.post(
        f"/api/v1/me/meetings/{meeting['id']}/opinion", "member", json={"opinion": "同意"}
    )
    assert r.status_code == 409 and r.json()["code"] == "opinion_too_late"


async def test_mtg06_assembly_cannot_be_held_below_quorum_as_an_emergency(ctx: Ctx) -> None:
    meeting = await create(ctx, "child", "branch_assembly", starts_at=at(-0.01))
    r = await ctx.post(
        f"{M}/{meeting['id']}/hold", "secretary",
        json={"emergency": True, "emergency_reason": "防汛紧急转移"},
    )  # fmt: skip
    assert r.status_code == 422 and r.json()["code"] == "emergency_vote"
    got = (await ctx.get(f"{M}/{meeting['id']}", "secretary")).json()
    assert got["status"] == "draft" and got["emergency"] is False


# ---------------------------------------------------------------- item 6: the rule from the type


async def test_mtg07_party_lecture_refuses_votes_even_with_an_assembly_rule(ctx: Ctx) -> None:
    meeting = await create(ctx, "own", "party_lecture")
    vote = {"title": "接收预备党员", "yes": 1, "rule": "assembly"}
    r = await ctx.post(f"{M}/{meeting['id']}/resolutions", "secretary", json=vote)
    assert r.status_code == 422 and r.json()["code"] == "vote_type"
    got = (await ctx.get(f"{M}/{meeting['id']}", "secretary")).json()
    assert got["resolutions"] == []


async def test_mtg06_committee_vote_cannot_be_counted_by_the_assembly_rule(ctx: Ctx) -> None:
    meeting = await create(ctx, "own", "committee")
    for rule in ("assembly", "election"):
        r = await ctx.post(
            f"{M}/{meeting['id']}/resolutions", "secretary",
            json={"title": "决定", "yes": 1, "rule": rule},
        )  # fmt: skip
        assert r.status_code == 422, (rule, r.text)
        assert r.json()["code"] in {"vote_rule", "vote_type"}


async def test_mtg07_assembly_vote_cannot_be_counted_by_the_committee_rule(ctx: Ctx) -> None:
    meeting = await create(ctx, "child", "branch_assembly")
    r = await ctx.post(
        f"{M}/{meeting['id']}/resolutions", "secretary",
        json={"title": "接收预备党员", "yes": 1, "rule": "committee"},
    )  # fmt: skip
    assert r.status_code == 422 and r.json()["code"] == "vote_rule"
    # the rule the type decides by may be repeated
    sheet = {
        "entries": [{"attendee_id": a["id"], "attendance": "present"} for a in voters(meeting)]
    }
    await ctx.client.put(
        f"{M}/{meeting['id']}/attendance", headers=ctx.auth("secretary"), json=sheet
    )
    ok = await ctx.post(
        f"{M}/{meeting['id']}/resolutions", "secretary",
        json={"title": "接收预备党员", "yes": len(voters(meeting)), "rule": "assembly"},
    )  # fmt: skip
    assert ok.status_code == 200, ok.text
    assert ok.json()["resolutions"][0]["rule"] == "assembly"


# ---------------------------------------------------------------- item 9: MTG-02 × ORG-03


async def _formal_count(ctx: Ctx, org_id: int) -> int:
    async with ctx.db.sessionmaker() as s:
        path = await s.scalar(select(Organization.path).where(Organization.id == org_id))
        n = await s.scalar(
            select(func.count(Member.id))
            .join(Organization, Organization.id == Member.organization_id)
            .where(
                Organization.path.startswith(path),
                Member.kind == MemberKind.formal,
                Member.status == MemberStatus.normal,
            )
        )
    return int(n or 0)


async def _new_branch(ctx: Ctx, name: str) -> int:
    async with ctx.db.sessionmaker() as s, s.begin():
        parent = await s.get(Organization, ctx.ids["own"])
        assert parent is not None
        org = Organization(
            name=name,
            kind=OrgKind.branch,
            category=OrgCategory.branch,
            parent_id=parent.id,
            path="/pending/",
            depth=parent.depth + 1,
        )
        s.add(org)
        await s.flush()
        org.path = f"{parent.path}{org.id}/"
        return int(org.id)


async def _compliance(ctx: Ctx, period: str) -> dict[str, Any]:
    r = await ctx.get(
        f"{C}/meetings", "secretary", params={"org_id": ctx.ids["own"], "period": period}
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _types(body: dict[str, Any], org_id: int) -> set[str]:
    return {r["type"] for r in body["rows"] if r["organization_id"] == org_id}


async def test_org03_mtg02_branch_without_committee_is_not_required_a_committee_meeting(
    ctx: Ctx,
) -> None:
    small = await _new_branch(ctx, "小支部（六名正式党员）")
    for _ in range(6):
        await fresh_member(ctx, small)
    await fresh_member(ctx, small, kind=MemberKind.probationary)  # 预备党员 do not count
    await fresh_member(ctx, small, status=MemberStatus.deceased)  # off the roster
    big = await _new_branch(ctx, "大支部（七名正式党员）")
    for _ in range(7):
        await fresh_member(ctx, big)
    assert await _formal_count(ctx, small) == 6
    period = f"{clock.today().year}"
    body = await _compliance(ctx, period)
    assert "committee" not in _types(body, small)
    assert "branch_assembly" in _types(body, small)  # a branch still holds its assembly
    assert "committee" in _types(body, big)
    committee_rows = [r for r in body["rows"] if r["organization_id"] == small]
    assert all(r["colour"] != "red" or r["type"] != "committee" for r in committee_rows)


async def test_org03_mtg02_community_committee_is_not_required_a_branch_assembly(
    ctx: Ctx,
) -> None:
    period = f"{clock.today().year}"
    body = await _compliance(ctx, period)
    own = _types(body, ctx.ids["own"])
    assert "branch_assembly" not in own
    assert "committee" in own  # the community Party committee meets as a committee


async def test_org03_a_branch_held_assembly_still_counts(ctx: Ctx) -> None:
    """A regression guard: the branch's own assembly is still counted where it is required."""
    today = clock.today()
    starts = datetime.combine(today.replace(day=1), time(10), tzinfo=clock.zone())
    async with ctx.db.sessionmaker() as s, s.begin():
        from dangjian.models.enums import MeetingStatus, MeetingType

        s.add(
            Meeting(
                organization_id=ctx.ids["child"],
                type=MeetingType.branch_assembly,
                title="支部党员大会",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                status=MeetingStatus.held,
                held_at=starts,
                checkin_token="t" * 20,
                created_by="测试",
            )
        )
    body = await _compliance(ctx, f"{today.year}-{today.month:02d}")
    rows = [
        r
        for r in body["rows"]
        if r["organization_id"] == ctx.ids["child"] and r["type"] == "branch_assembly"
    ]
    assert len(rows) <= 1 and all(r["held"] == 1 for r in rows)


# ---------------------------------------------------------------- item 8: LEDG-03


async def test_ledg03_meeting_in_three_weeks_cannot_be_held_today(ctx: Ctx) -> None:
    meeting = await create(ctx, "own", "org_life", starts_at=at(21))
    r = await ctx.post(f"{M}/{meeting['id']}/hold", "secretary", json={})
    assert r.status_code == 409 and r.json()["code"] == "meeting_not_started"
    got = (await ctx.get(f"{M}/{meeting['id']}", "secretary")).json()
    assert got["status"] == "draft" and got["held_at"] is None
    # within the tolerance (starts in ten minutes) it may be confirmed
    soon = await create(ctx, "own", "org_life", starts_at=at(10 / 1440))
    ok = await ctx.post(f"{M}/{soon['id']}/hold", "secretary", json={})
    assert ok.status_code == 200 and ok.json()["status"] == "held"


async def test_ledg03_start_in_the_past_is_a_late_record_with_a_reason(ctx: Ctx) -> None:
    body = {"organization_id": ctx.ids["own"], "type": "org_life", "title": "组织生活会"}
    past = {**body, "starts_at": at(-3)}
    refused = await ctx.post(M, "secretary", json=past)
    assert refused.status_code == 422 and refused.json()["code"] == "late_record_reason"
    r = await ctx.post(M, "secretary", json={**past, "late_reason": "系统停用期间召开，会后补录"})
    assert r.status_code == 201, r.text
    meeting = r.json()
    notice = await ctx.post(f"{M}/{meeting['id']}/notify", "secretary")
    assert notice.status_code == 422 and notice.json()["code"] == "meeting_start_past"
    held = await ctx.post(f"{M}/{meeting['id']}/hold", "secretary", json={})
    assert held.status_code == 200
    async with ctx.db.sessionmaker() as s:
        entry = await s.scalar(
            select(AuditLog).where(
                AuditLog.action == "meeting.create", AuditLog.entity_id == str(meeting["id"])
            )
        )
    assert entry is not None and entry.after is not None
    assert entry.after["late_record_reason"] == "系统停用期间召开，会后补录"


async def test_ledg03_draft_moved_into_the_past_needs_a_late_reason(ctx: Ctx) -> None:
    meeting = await create(ctx, "own", "org_life")
    url = f"{M}/{meeting['id']}"
    r = await ctx.patch(url, "secretary", json={"starts_at": at(-2), "ends_at": at(-1.9)})
    assert r.status_code == 422 and r.json()["code"] == "late_record_reason"
    ok = await ctx.patch(
        url, "secretary", json={"starts_at": at(-2), "ends_at": at(-1.9), "late_reason": "补录"}
    )
    assert ok.status_code == 200, ok.text


async def test_ledg03_held_meeting_cannot_be_moved_into_the_future(ctx: Ctx) -> None:
    meeting = await create(ctx, "own", "org_life", starts_at=at(10 / 1440))
    assert (await ctx.post(f"{M}/{meeting['id']}/hold", "secretary", json={})).status_code == 200
    r = await ctx.patch(
        f"{M}/{meeting['id']}", "secretary", json={"starts_at": at(21), "ends_at": at(21.1)}
    )
    assert r.status_code == 409 and r.json()["code"] == "meeting_not_started"
