"""Meetings end to end through the API: notice and inbox, leave, sign-in, computed quorum and votes
(409 when the arithmetic says no), minutes confidentiality, agenda, emergencies, follow-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import Ctx, fresh_member
from sqlalchemy import select, update

from dangjian.core import clock
from dangjian.models import AuditLog, Meeting, Member
from dangjian.models.enums import MemberKind, MemberStatus

M = "/api/v1/meetings"


def at(days: float = 2, hours: float = 0) -> str:
    return (
        (datetime.now(UTC) + timedelta(days=days, hours=hours)).replace(microsecond=0).isoformat()
    )


async def create(ctx: Ctx, who: str, target: str, mtype: str, **extra: Any) -> dict[str, Any]:
    body = {
        "organization_id": ctx.ids[target],
        "type": mtype,
        "title": "测试会议",
        "starts_at": at(),
    }
    r = await ctx.post(M, who, json={**body, **extra})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def sheet(ctx: Ctx, meeting: dict[str, Any], marks: dict[int, str | None], **kw: Any):  # type: ignore[no-untyped-def]
    entries = [{"attendee_id": a, "attendance": s} for a, s in marks.items()]
    return await ctx.client.put(
        f"{M}/{meeting['id']}/attendance",
        headers=ctx.auth("secretary"),
        json={"entries": entries, **kw},
    )


async def begin(ctx: Ctx, meeting: dict[str, Any]) -> None:
    """Let the meeting's start time arrive (LEDG-03: it cannot be held before it begins)."""
    starts = datetime.now(UTC) - timedelta(minutes=5)
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(
            update(Meeting)
            .where(Meeting.id == meeting["id"])
            .values(starts_at=starts, ends_at=starts + timedelta(hours=2))
        )


def expected(meeting: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in meeting["attendees"] if a["role"] == "expected"]


async def my_member_id(ctx: Ctx, who: str = "member") -> int:
    return int((await ctx.get("/api/v1/me/member", who)).json()["id"])


async def test_mtg05_mtg06_committee_notice_leave_quorum_votes_and_minutes(ctx: Ctx) -> None:
    meeting = await create(ctx, "secretary", "own", "committee", place="党群服务中心")
    committee = expected(meeting)
    size = len(committee)
    assert size >= 3 and all(a["voter"] for a in committee)
    assert meeting["quorum"]["rule"] == "committee" and meeting["quorum"]["expected"] == size
    member_id = await my_member_id(ctx)
    r = await ctx.post(
        f"{M}/{meeting['id']}/attendees", "secretary",
        json={"name": "列席党员", "member_id": member_id, "role": "sitting_in"},
    )  # fmt: skip
    assert r.status_code == 200
    guest = next(a for a in r.json()["attendees"] if a["member_id"] == member_id)
    assert guest["has_account"] is True
    assert r.json()["quorum"]["expected"] == size  # 列席 never counts (MTG-05)

    notified = await ctx.post(f"{M}/{meeting['id']}/notify", "secretary")
    assert notified.status_code == 200 and notified.json()["status"] == "notified"
    assert notified.json()["notice_short"] is False
    inbox = (await ctx.get("/api/v1/me/notifications", "member")).json()["items"]
    assert any("会议通知" in n["title"] and "党群服务中心" in n["body"] for n in inbox)
    mine = (await ctx.get("/api/v1/me/meetings", "member")).json()
    assert [m["id"] for m in mine] == [meeting["id"]]

    # MEM-03: leave asked beforehand and approved is "excused"
    leave = await ctx.post(
        f"/api/v1/me/meetings/{meeting['id']}/leave", "member", json={"reason": "出差"}
    )
    assert leave.status_code == 200 and leave.json()["me"]["leave_status"] == "requested"
    decided = await ctx.post(
        f"{M}/{meeting['id']}/attendees/{guest['id']}/leave", "secretary", json={"approve": True}
    )
    assert (
        next(a for a in decided.json()["attendees"] if a["id"] == guest["id"])["attendance"]
        == "excused"
    )

    # too few present: the resolution cannot pass, the meeting cannot be held (MTG-05/06)
    half = size // 2
    r = await sheet(ctx, meeting, {a["id"]: "present" for a in committee[:half]})
    assert r.json()["quorum"]["met"] is False
    vote = {"title": "同意开展结对帮扶", "yes": half, "declared": "passed"}
    refused = await ctx.post(f"{M}/{meeting['id']}/resolutions", "secretary", json=vote)
    assert refused.status_code == 409 and refused.json()["code"] == "quorum_not_met"
    assert f"应到 {size}" in refused.json()["detail"]
    await begin(ctx, meeting)
    held = await ctx.post(f"{M}/{meeting['id']}/hold", "secretary", json={})
    assert held.status_code == 409 and held.json()["code"] == "quorum_not_met"

    # enough present, but yes votes must exceed half of the committee, not of those present
    present = half + 1
    await sheet(ctx, meeting, {a["id"]: "present" for a in committee[:present]})
    short = {**vote, "yes": size // 2}
    r = await ctx.post(f"{M}/{meeting['id']}/resolutions", "secretary", json=short)
    assert r.status_code == 409 and r.json()["code"] == "majority_not_reached"
    ok = await ctx.post(
        f"{M}/{meeting['id']}/resolutions", "secretary", json={**vote, "yes": size // 2 + 1}
    )
    assert ok.status_code == 200, ok.text
    (resolution,) = ok.json()["resolutions"]
    mismatch = await ctx.post(
        f"{M}/{meeting['id']}/resolutions", "secretary",
        json={**vote, "yes": size // 2 + 1, "declared": "failed"},
    )  # fmt: skip
    assert mismatch.status_code == 409 and mismatch.json()["code"] == "declared_mismatch"
    assert resolution["passed"] is True and resolution["expected"] == size
    assert resolution["present"] == present and resolution["follow_up"] == "open"
    assert resolution["voted_count"] == present and resolution["names"] is None

    held = await ctx.post(f"{M}/{meeting['id']}/hold", "secretary", json={})
    assert held.status_code == 200 and held.json()["status"] == "held"
    absent = [a for a in expected(held.json()) if a["attendance"] == "absent"]
    assert len(absent) == size - present  # unmarked become absent when the meeting is held

    # MTG-08: confidential minutes — the excused guest and an absent committee member without
    # the confidential capability get 404; the discipline member gets them.
    saved = await ctx.client.put(
        f"{M}/{meeting['id']}/minutes",
        headers=ctx.auth("secretary"),
        json={"minutes": "讨论了结对帮扶。", "decisions_announced": "通过", "confidential": True},
    )
    assert saved.status_code == 200
    assert (await ctx.get(f"{M}/{meeting['id']}/minutes", "member")).status_code == 404
    detail = (await ctx.get(f"/api/v1/me/meetings/{meeting['id']}", "member")).json()
    assert detail["minutes"] is None and detail["minutes_hidden"] is True
    assert (await ctx.get(f"{M}/{meeting['id']}/minutes", "jijian")).status_code == 200
    assert (await ctx.get(f"{M}/{meeting['id']}/minutes", "street")).status_code == 200
    approved = await ctx.post(f"{M}/{meeting['id']}/minutes/approve", "secretary")
    assert approved.json()["status"] == "minutes_approved"
    archived = await ctx.post(f"{M}/{meeting['id']}/archive", "secretary")
    assert archived.json()["status"] == "archived"
    async with ctx.db.sessionmaker() as s:
        actions = set(await s.scalars(select(AuditLog.action).where(AuditLog.entity == "meeting")))
    assert {"meeting.create", "meeting.notify", "meeting.vote", "meeting.hold"} <= actions


async def test_mtg07_assembly_voters_exclusions_and_written_opinions(ctx: Ctx) -> None:
    branch = ctx.ids["child"]
    probationary = await fresh_member(ctx, branch, kind=MemberKind.probationary)
    under_watch = await fresh_member(ctx, branch, status=MemberStatus.probation)
    meeting = await create(ctx, "secretary", "child", "branch_assembly")
    people = {a["member_id"]: a for a in expected(meeting)}
    assert people[probationary.id]["voter"] is False  # 预备党员 have no vote
    assert people[under_watch.id]["voter"] is False  # nor members under 留党察看
    voters = [a for a in expected(meeting) if a["voter"]]
    assert meeting["quorum"]["rule"] == "assembly"
    assert meeting["quorum"]["expected"] == len(voters)

    ill = voters[0]
    refused = await ctx.patch(
        f"{M}/{meeting['id']}/attendees/{ill['id']}", "secretary", json={"excluded": "too_ill"}
    )
    assert refused.status_code == 422  # consent of the higher committee must be recorded
    r = await ctx.patch(
        f"{M}/{meeting['id']}/attendees/{ill['id']}", "secretary",
        json={"excluded": "too_ill", "excluded_consent": "街道党工委同意；支部大会表决通过"},
    )  # fmt: skip
    n = len(voters) - 1
    assert r.json()["quorum"]["expected"] == n
    rest = voters[1:]
    # one absent voter hands in a written opinion: counts toward the quorum (MTG-07)
    writer = rest[-1]
    await ctx.patch(
        f"{M}/{meeting['id']}/attendees/{writer['id']}", "secretary",
        json={"written_opinion": True, "opinion": "同意"},
    )  # fmt: skip
    needed = n // 2 + 1
    r = await sheet(ctx, meeting, {a["id"]: "present" for a in rest[: needed - 1]})
    q = r.json()["quorum"]
    assert q["present"] == needed - 1 and q["written_opinions"] == 1 and q["met"] is True
    # passed needs 2 × yes > expected — never "of those present"
    fail = await ctx.post(
        f"{M}/{meeting['id']}/resolutions", "secretary",
        json={"title": "接收预备党员", "candidate": "张三", "yes": n // 2, "declared": "passed"},
    )  # fmt: skip
    assert fail.status_code == 409 and fail.json()["code"] == "majority_not_reached"
    assert f"至少 {n // 2 + 1} 票" in fail.json()["detail"]
    ok = await ctx.post(
        f"{M}/{meeting['id']}/resolutions", "secretary",
        json={"title": "接收预备党员", "candidate": "张三", "yes": n // 2 + 1, "secret": True},
    )  # fmt: skip
    resolution = ok.json()["resolutions"][0]
    assert resolution["passed"] is True and resolution["written_opinions"] == 1
    # the entitled voters were snapshotted: a later roster change does not rewrite history
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(
            update(Member)
            .where(Member.id == rest[0]["member_id"])
            .values(status=MemberStatus.transferred_out)
        )
    again = (await ctx.get(f"{M}/{meeting['id']}", "secretary")).json()["resolutions"][0]
    assert again["expected"] == n and again["passed"] is True


async def test_secret_ballots_keep_no_names_and_elections_use_their_rule(ctx: Ctx) -> None:
    meeting = await create(ctx, "secretary", "child", "branch_assembly")
    voters = [a for a in expected(meeting) if a["voter"]]
    r = await ctx.post(
        f"{M}/{meeting['id']}/resolutions", "secretary",
        json={"title": "表决", "yes": 1, "secret": True, "names": {"yes": ["某人"]}},
    )  # fmt: skip
    assert r.status_code == 422 and r.json()["code"] == "secret_names"
    # MTG-07a: an election is valid only with more than 4/5 present
    n = len(voters)
    four_fifths = 4 * n // 5
    await sheet(ctx, meeting, {a["id"]: "present" for a in voters[:four_fifths]})
    invalid = await ctx.post(
        f"{M}/{meeting['id']}/resolutions", "secretary",
        json={"title": "选举支部委员", "candidate": "李四", "rule": "election",
              "yes": four_fifths, "declared": "passed"},
    )  # fmt: skip
    assert invalid.status_code == 409 and invalid.json()["code"] == "quorum_not_met"
    await sheet(ctx, meeting, {a["id"]: "present" for a in voters})
    elected = await ctx.post(
        f"{M}/{meeting['id']}/resolutions", "secretary",
        json={"title": "选举支部委员", "candidate": "李四", "rule": "election",
              "yes": n // 2 + 1, "declared": "passed"},
    )  # fmt: skip
    assert elected.status_code == 200 and elected.json()["resolutions"][0]["passed"] is True
    lecture = await create(ctx, "secretary", "own", "party_lecture")
    no_vote = await ctx.post(
        f"{M}/{lecture['id']}/resolutions", "secretary", json={"title": "x", "yes": 1}
    )
    assert no_vote.status_code == 422 and no_vote.json()["code"] == "vote_type"


async def test_mtg09_corrections_after_the_meeting_need_a_reason(ctx: Ctx) -> None:
    meeting = await create(ctx, "secretary", "own", "committee")
    committee = expected(meeting)
    await sheet(ctx, meeting, {a["id"]: "present" for a in committee})
    await begin(ctx, meeting)
    assert (await ctx.post(f"{M}/{meeting['id']}/hold", "secretary", json={})).status_code == 200
    target = committee[0]["id"]
    r = await sheet(ctx, meeting, {target: "absent"})
    assert r.status_code == 422 and r.json()["code"] == "correction_reason"
    r = await sheet(ctx, meeting, {target: "absent"}, reason="实际提前离会")
    assert r.status_code == 200
    async with ctx.db.sessionmaker() as s:
        entry = await s.scalar(
            select(AuditLog).where(AuditLog.action == "meeting.attendance_correct")
        )
    assert entry is not None and entry.after is not None and entry.after["reason"] == "实际提前离会"
    assert entry.before is not None and "present" in entry.before.values()


async def test_self_check_in_by_qr_within_the_window_only(ctx: Ctx) -> None:
    member_id = await my_member_id(ctx)
    org_id = (await ctx.get("/api/v1/me/member", "member")).json()["organization_id"]
    target = next(t for t, i in ctx.ids.items() if i == org_id)
    meeting = await create(ctx, "secretary", target, "org_life", starts_at=at(0, 0.25))
    await ctx.post(f"{M}/{meeting['id']}/notify", "secretary")
    code = (await ctx.get(f"{M}/{meeting['id']}/check-in-code", "secretary")).json()
    assert code["path"].startswith(f"/my/meetings/{meeting['id']}/check-in?token=")
    wrong = await ctx.post(
        f"/api/v1/me/meetings/{meeting['id']}/check-in", "member", json={"token": "x" * 20}
    )
    assert wrong.status_code == 404
    ok = await ctx.post(
        f"/api/v1/me/meetings/{meeting['id']}/check-in", "member", json={"token": code["token"]}
    )
    assert ok.status_code == 200 and ok.json()["me"]["attendance"] == "present"
    assert ok.json()["me"]["member_id"] == member_id
    later = await create(ctx, "secretary", target, "org_life", starts_at=at(3))
    await ctx.post(f"{M}/{later['id']}/notify", "secretary")
    token = (await ctx.get(f"{M}/{later['id']}/check-in-code", "secretary")).json()["token"]
    closed = await ctx.post(
        f"/api/v1/me/meetings/{later['id']}/check-in", "member", json={"token": token}
    )
    assert closed.status_code == 409 and closed.json()["code"] == "checkin_closed"
    # short notice (MTG-03) is flagged, not blocked
    assert meeting["notice_short"] is False
    assert (await ctx.get(f"{M}/{meeting['id']}", "secretary")).json()["notice_short"] is True


async def test_mtg04_agenda_proposed_by_members_set_by_the_secretary(ctx: Ctx) -> None:
    meeting = await create(ctx, "secretary", "own", "committee")
    proposed = await ctx.post(
        f"{M}/{meeting['id']}/agenda", "xuanchuan", json={"title": "开展读书月活动"}
    )
    item = proposed.json()["agenda"][0]
    assert item["status"] == "proposed" and item["proposed_by"] == "东风社区宣传委员"
    denied = await ctx.post(
        f"{M}/{meeting['id']}/agenda/{item['id']}/decision", "xuanchuan", json={"accept": True}
    )
    assert denied.status_code == 403
    no_reason = await ctx.post(
        f"{M}/{meeting['id']}/agenda/{item['id']}/decision", "secretary", json={"accept": False}
    )
    assert no_reason.status_code == 422
    accepted = await ctx.post(
        f"{M}/{meeting['id']}/agenda/{item['id']}/decision", "deputy", json={"accept": True}
    )
    assert accepted.json()["agenda"][0]["status"] == "accepted"
    direct = await ctx.post(f"{M}/{meeting['id']}/agenda", "secretary", json={"title": "换届准备"})
    assert [a["status"] for a in direct.json()["agenda"]] == ["accepted", "accepted"]
    member = await ctx.post(f"{M}/{meeting['id']}/agenda", "member", json={"title": "x"})
    assert member.status_code == 404


async def test_mtg06_emergency_decision_goes_to_the_next_committee_meeting(ctx: Ctx) -> None:
    meeting = await create(
        ctx, "secretary", "own", "committee", starts_at=at(-1), late_reason="当晚紧急召开，次日补录"
    )
    committee = expected(meeting)
    await sheet(ctx, meeting, {committee[0]["id"]: "present", committee[1]["id"]: "present"})
    plain = await ctx.post(f"{M}/{meeting['id']}/hold", "secretary", json={"emergency": True})
    assert plain.status_code == 422  # an emergency needs its reason
    held = await ctx.post(
        f"{M}/{meeting['id']}/hold", "secretary",
        json={"emergency": True, "emergency_reason": "防汛紧急转移"},
    )  # fmt: skip
    assert held.status_code == 200 and held.json()["emergency"] is True
    r = await ctx.post(
        f"{M}/{meeting['id']}/resolutions", "secretary",
        json={"title": "紧急转移低洼住户", "yes": 2, "emergency": True},
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["resolutions"][0]["emergency"] is True
    following = await create(ctx, "secretary", "own", "committee", starts_at=at(5))
    titles = [a["title"] for a in following["agenda"]]
    assert titles == ["报告紧急决定：紧急转移低洼住户"]
    another = await create(ctx, "secretary", "own", "committee", starts_at=at(9))
    assert another["agenda"] == []  # reported once


async def test_who_runs_which_meetings(ctx: Ctx) -> None:
    body = {"title": "党课", "starts_at": at()}
    lecture = {**body, "organization_id": ctx.ids["own"], "type": "party_lecture"}
    committee = {**lecture, "type": "committee"}
    assert (await ctx.post(M, "xuanchuan", json=lecture)).status_code == 201
    assert (await ctx.post(M, "xuanchuan", json=committee)).status_code == 403
    group = {**body, "organization_id": ctx.ids["group"], "type": "group_meeting"}
    assert (await ctx.post(M, "xiaozu", json=group)).status_code == 201
    assert (await ctx.post(M, "street", json=committee)).status_code == 403
    assert (await ctx.post(M, "secretary2", json=committee)).status_code == 404
    wrong_level = {**body, "organization_id": ctx.ids["group"], "type": "committee"}
    r = await ctx.post(M, "secretary", json=wrong_level)
    assert r.status_code == 422 and r.json()["code"] == "meeting_type_level"


async def test_attachments_are_checked_and_follow_confidentiality(ctx: Ctx) -> None:
    meeting = await create(ctx, "secretary", "own", "committee", confidential=True)
    member_id = await my_member_id(ctx)
    await ctx.post(
        f"{M}/{meeting['id']}/attendees", "secretary",
        json={"name": "列席", "member_id": member_id},
    )  # fmt: skip

    async def upload(name: str, content: bytes, purpose: str = "material"):  # type: ignore[no-untyped-def]
        return await ctx.post(
            f"{M}/{meeting['id']}/attachments", "secretary",
            files={"file": (name, content, "application/octet-stream")},
            data={"purpose": purpose},
        )  # fmt: skip

    fake = await upload("议程.pdf", b"just text")
    assert fake.status_code == 422 and fake.json()["code"] == "attachment_type"
    exe = await upload("tool.exe", b"MZ\x90\x00")
    assert exe.status_code == 422
    material = await upload("../../议程.pdf", b"%PDF-1.4 test")
    assert material.status_code == 201 and material.json()["name"] == "议程.pdf"
    secret = await upload("纪要附件.txt", "内部讨论".encode(), purpose="minutes")
    assert secret.status_code == 201
    await ctx.post(f"{M}/{meeting['id']}/notify", "secretary")
    got = await ctx.get(f"{M}/{meeting['id']}/attachments/{material.json()['id']}", "member")
    assert got.status_code == 200 and got.content == b"%PDF-1.4 test"
    assert got.headers["content-disposition"].startswith("attachment;")
    hidden = await ctx.get(f"{M}/{meeting['id']}/attachments/{secret.json()['id']}", "member")
    assert hidden.status_code == 404
    outsider = await ctx.get(
        f"{M}/{meeting['id']}/attachments/{material.json()['id']}", "inservice"
    )
    assert outsider.status_code == 404
    mine = (await ctx.get(f"/api/v1/me/meetings/{meeting['id']}", "member")).json()
    assert [a["name"] for a in mine["materials_attachments"]] == ["议程.pdf"]
    # a guest who sat in was in the room: the confidential minutes and their files are theirs too
    attendees = (await ctx.get(f"{M}/{meeting['id']}", "secretary")).json()["attendees"]
    guest = next(a for a in attendees if a["member_id"] == member_id)
    await sheet(ctx, meeting, {guest["id"]: "sitting_in"})
    shown = await ctx.get(f"{M}/{meeting['id']}/attachments/{secret.json()['id']}", "member")
    assert shown.status_code == 200


async def test_mtg10_follow_up_and_overdue_resolutions(ctx: Ctx) -> None:
    meeting = await create(ctx, "secretary", "own", "committee")
    committee = expected(meeting)
    await sheet(ctx, meeting, {a["id"]: "present" for a in committee})
    r = await ctx.post(
        f"{M}/{meeting['id']}/resolutions", "secretary",
        json={"title": "修缮活动室", "yes": len(committee)},
    )  # fmt: skip
    resolution = r.json()["resolutions"][0]
    past = (clock.today() - timedelta(days=3)).isoformat()
    patched = await ctx.patch(
        f"/api/v1/resolutions/{resolution['id']}", "secretary",
        json={"owner": "组织委员", "due_on": past, "follow_up": "in_progress"},
    )  # fmt: skip
    assert patched.status_code == 200 and patched.json()["overdue"] is True
    overdue = (await ctx.get("/api/v1/resolutions", "secretary", params={"overdue": "true"})).json()
    assert [x["id"] for x in overdue] == [resolution["id"]]
    unverified = await ctx.patch(
        f"/api/v1/resolutions/{resolution['id']}", "secretary", json={"follow_up": "verified"}
    )
    assert unverified.status_code == 422 and unverified.json()["code"] == "verified_meeting"
    done = await ctx.patch(
        f"/api/v1/resolutions/{resolution['id']}", "secretary",
        json={"follow_up": "verified", "verified_meeting_id": meeting["id"], "evidence": "已完工"},
    )  # fmt: skip
    assert done.json()["overdue"] is False
    assert (await ctx.get("/api/v1/resolutions", "secretary2")).json() == []


async def test_cancelling_a_notified_meeting_tells_the_invitees(ctx: Ctx) -> None:
    meeting = await create(ctx, "secretary", "own", "committee")
    await ctx.post(f"{M}/{meeting['id']}/notify", "secretary")
    no_reason = await ctx.post(f"{M}/{meeting['id']}/cancel", "secretary", json={"reason": ""})
    assert no_reason.status_code == 422
    r = await ctx.post(f"{M}/{meeting['id']}/cancel", "secretary", json={"reason": "台风停会"})
    assert r.json()["status"] == "cancelled"
    inbox = (await ctx.get("/api/v1/me/notifications", "deputy")).json()["items"]
    assert inbox[0]["title"].startswith("会议取消") and "台风停会" in inbox[0]["body"]
    again = await ctx.post(f"{M}/{meeting['id']}/notify", "secretary")
    assert again.status_code == 409 and again.json()["code"] == "meeting_state"


async def test_mem04_elderly_members_get_the_agenda_resolutions_and_a_say(ctx: Ctx) -> None:
    own = await ctx.get("/api/v1/me/member", "member")
    member_id, org_id = own.json()["id"], own.json()["organization_id"]
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(
            update(Member).where(Member.id == member_id).values(categories=["elderly_or_sick"])
        )
    no_phone = await fresh_member(ctx, org_id, categories=["elderly_or_sick"])
    target = next(t for t, i in ctx.ids.items() if i == org_id)
    meeting = await create(ctx, "secretary", target, "org_life")
    assert no_phone.name in meeting["to_deliver"]  # no account: delivered by hand
    await ctx.post(f"{M}/{meeting['id']}/notify", "secretary")
    inbox = (await ctx.get("/api/v1/me/notifications", "member")).json()["items"]
    assert any(n["kind"] == "meeting_agenda" for n in inbox)
    opinion = await ctx.post(
        f"/api/v1/me/meetings/{meeting['id']}/opinion", "member", json={"opinion": "同意议程"}
    )
    assert opinion.status_code == 200 and opinion.json()["me"]["opinion"] == "同意议程"
    # staff record the opinion of the member without a phone, and that is logged
    attendee = next(a for a in meeting["attendees"] if a["member_id"] == no_phone.id)
    r = await ctx.patch(
        f"{M}/{meeting['id']}/attendees/{attendee['id']}", "secretary",
        json={"opinion": "电话中表示同意", "written_opinion": True},
    )  # fmt: skip
    assert r.status_code == 200
    async with ctx.db.sessionmaker() as s:
        entry = await s.scalar(select(AuditLog).where(AuditLog.action == "meeting.attendee_update"))
    assert entry is not None and entry.after is not None
    assert entry.after["attendee"] == no_phone.name and "secretary" in (entry.actor_label or "")
