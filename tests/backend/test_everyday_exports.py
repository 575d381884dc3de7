"""Exports staff expect on the pages they use (issue 18): 党员统计, the 三会一课 grid and the audit
log as .xlsx — each what its page shows, scoped to the caller's organisation subtree (404
outside), audited like the ledger exports — and the meeting form's past-start refusal (LEDG-03).
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from conftest import Ctx
from openpyxl import load_workbook
from sqlalchemy import select

from dangjian.audit.labels import action_label
from dangjian.compliance.schemas import MeetingComplianceRow
from dangjian.compliance.service.grid_export import cell_text
from dangjian.core import clock
from dangjian.meetings.enums import MEETING_TYPE_LABELS
from dangjian.models import AuditLog, Meeting

STATS = "/api/v1/members/statistics"
GRID = "/api/v1/compliance/meetings"
AUDIT = "/api/v1/audit"


def sheet(content: bytes) -> list[list[Any]]:
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


async def audited(ctx: Ctx, action: str) -> list[AuditLog]:
    async with ctx.db.sessionmaker() as s:
        return list((await s.scalars(select(AuditLog).where(AuditLog.action == action))).all())


# ---------------------------------------------------------------- 党员统计


async def test_statistics_export_is_what_the_page_shows(ctx: Ctx) -> None:
    page = await ctx.get(STATS, "secretary", params={"org_id": ctx.ids["own"]})
    assert page.status_code == 200, page.text
    stats = page.json()
    r = await ctx.get(f"{STATS}/export", "secretary", params={"org_id": ctx.ids["own"]})
    assert r.status_code == 200, r.text
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    rows = sheet(r.content)
    assert "党员统计" in rows[0][0] and "东风社区党委" in rows[0][0]
    assert rows[1] == ["统计项", "分类", "人数", "占比"]
    by = {(row[0], row[1]): row[2] for row in rows[2:]}
    assert by[("总体", "在册党员")] == stats["total"]
    kinds = {k["key"]: k["count"] for k in stats["by_kind"]}
    assert by.get(("党员类别", "正式党员"), 0) == kinds.get("formal", 0)
    genders = {g["key"]: g["count"] for g in stats["by_gender"]}
    assert by.get(("性别", "女"), 0) == genders.get("female", 0)
    for band in stats["by_age_band"]:
        assert by[("年龄结构", f"{band['key']}岁")] == band["count"]  # as the page labels them
    [entry] = await audited(ctx, "stats.export")
    assert entry.entity == "member_statistics" and entry.entity_id == str(ctx.ids["own"])
    assert entry.after is not None and entry.after["total"] == stats["total"]


async def test_statistics_export_outside_the_scope_is_not_found(ctx: Ctx) -> None:
    for target in ("sibling", "parent", "outside"):
        r = await ctx.get(f"{STATS}/export", "secretary", params={"org_id": ctx.ids[target]})
        assert r.status_code == 404, (target, r.text)
    r = await ctx.get(f"{STATS}/export", "member", params={"org_id": ctx.ids["own"]})
    assert r.status_code == 404
    assert await audited(ctx, "stats.export") == []


# ---------------------------------------------------------------- 三会一课 grid


async def test_compliance_grid_export_lays_out_the_report_as_shown(ctx: Ctx) -> None:
    params = {"org_id": ctx.ids["own"], "period": f"{clock.today().year}"}
    report = (await ctx.get(GRID, "secretary", params=params)).json()
    assert report["rows"], report
    r = await ctx.get(f"{GRID}/export", "secretary", params=params)
    assert r.status_code == 200, r.text
    rows = sheet(r.content)
    assert "三会一课" in rows[0][0] and report["period"] in rows[0][0]
    header = rows[1]
    assert header[0] == "党组织"
    shown = {row["type"] for row in report["rows"]}
    assert set(header[1:]) == {MEETING_TYPE_LABELS[t] for t in shown}  # type: ignore[index]
    names = list(dict.fromkeys(row["organization_name"] for row in report["rows"]))
    assert [str(row[0]).strip("　") for row in rows[2:]] == names
    # every cell: 已开 / 应开 and the state, as the page's cell
    first = report["rows"][0]
    line = next(row for row in rows[2:] if str(row[0]).strip("　") == first["organization_name"])
    column = header.index(first["type_label"])
    assert line[column] == cell_text(MeetingComplianceRow.model_validate(first))
    assert f"{first['held']} / {first['required']}" in line[column]
    [entry] = await audited(ctx, "compliance.export")
    assert entry.entity == "meeting_compliance" and entry.organization_path is not None


async def test_compliance_grid_export_outside_the_scope_is_not_found(ctx: Ctx) -> None:
    for target in ("sibling", "lookalike", "outside"):
        r = await ctx.get(f"{GRID}/export", "secretary", params={"org_id": ctx.ids[target]})
        assert r.status_code == 404, (target, r.text)
    bad = await ctx.get(
        f"{GRID}/export", "secretary", params={"org_id": ctx.ids["own"], "period": "2026-X9"}
    )
    assert bad.status_code == 422


def test_cell_text_states() -> None:
    base: dict[str, Any] = {
        "organization_id": 1,
        "organization_name": "支部",
        "organization_path": "/1/",
        "type": "committee",
        "type_label": "支部委员会",
        "count": 1,
        "per": "month",
        "per_label": "每月",
        "required": 3,
        "held": 1,
        "short_notice": 1,
        "counted_from": "2026-01-01",
        "counted_to": "2026-03-31",
        "colour": "amber",
    }
    row = MeetingComplianceRow.model_validate(base)
    assert cell_text(row) == "1 / 3（尚未达到），通知不足 1 次"
    none = MeetingComplianceRow.model_validate(
        {**base, "required": 0, "held": 0, "short_notice": 0, "colour": "green"}
    )
    assert cell_text(none) == "0 / 0（本期无应开要求）"


# ---------------------------------------------------------------- 审计日志


async def _some_changes(ctx: Ctx) -> None:
    for name in ("甲", "乙"):
        r = await ctx.patch(
            f"/api/v1/organizations/{ctx.ids['child']}", "secretary", json={"short_name": name}
        )
        assert r.status_code == 200, r.text
    r = await ctx.patch(
        f"/api/v1/organizations/{ctx.ids['child']}", "street", json={"short_name": "丙"}
    )
    assert r.status_code == 200, r.text


async def test_audit_export_takes_the_list_filters(ctx: Ctx) -> None:
    await _some_changes(ctx)
    day = clock.today().isoformat()
    params = {"action": "organization.update", "person": "（secretary）", "date_from": day}
    listed = (await ctx.get(AUDIT, "street", params={**params, "size": 100})).json()
    assert listed["total"] == 2
    r = await ctx.get(f"{AUDIT}/export", "street", params={**params, "date_to": day})
    assert r.status_code == 200, r.text
    rows = sheet(r.content)
    assert rows[0][0].startswith("审计日志") and "修改组织" in rows[0][0]
    assert rows[1][:5] == ["序号", "时间", "操作者", "操作", "操作代码"]
    data = rows[2:]
    assert [row[0] for row in data] == [item["seq"] for item in listed["items"]]
    for row in data:
        assert row[3] == "修改组织" and row[4] == "organization.update"
        assert "（secretary）" in row[2] and row[5] == "组织"
        assert row[7].startswith("第一党支部")
        assert "甲" in row[10] or "乙" in row[10]
    # the export itself is audited, with its filters
    [entry] = await audited(ctx, "audit.export")
    assert entry.after is not None and entry.after["rows"] == 2
    assert entry.after["filters"]["action"] == "organization.update"
    # another day, an unknown person: nothing
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    later = await ctx.get(f"{AUDIT}/export", "street", params={"date_from": tomorrow})
    assert later.status_code == 200 and len(sheet(later.content)) == 2
    nobody = await ctx.get(f"{AUDIT}/export", "street", params={"person": "无此人"})
    assert len(sheet(nobody.content)) == 2
    wrong = await ctx.get(
        f"{AUDIT}/export", "street", params={"date_from": tomorrow, "date_to": day}
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "date_range_invalid"


async def test_audit_export_is_scoped_like_the_list(ctx: Ctx) -> None:
    await _some_changes(ctx)
    await ctx.patch(
        f"/api/v1/organizations/{ctx.ids['sibling']}", "street", json={"short_name": "向阳"}
    )
    r = await ctx.get(f"{AUDIT}/export", "secretary", params={"action": "organization.update"})
    assert r.status_code == 200, r.text
    orgs = {row[7] for row in sheet(r.content)[2:]}
    assert len(orgs) == 1 and orgs.pop().startswith("第一党支部")  # not 向阳
    for target in ("sibling", "parent", "outside"):
        out = await ctx.get(
            f"{AUDIT}/export", "secretary", params={"organization_id": ctx.ids[target]}
        )
        assert out.status_code == 404, (target, out.text)
    assert (await ctx.get(f"{AUDIT}/export", "zuzhi")).status_code in (200, 404)
    zuzhi = await ctx.get(f"{AUDIT}/export", "zuzhi", params={"organization_id": ctx.ids["own"]})
    assert zuzhi.status_code == 404


def test_action_labels_compose_like_the_spa() -> None:
    assert action_label("meeting.create") == "安排会议"
    assert action_label("organization.create") == "新建组织"
    assert action_label("stats.export") == "导出党员统计"
    assert action_label("something.odd") == ""


# ---------------------------------------------------------------- LEDG-03 past start


async def test_a_meeting_starting_in_the_past_is_refused_with_a_clear_message(ctx: Ctx) -> None:
    start = (clock.now() - timedelta(hours=3)).isoformat()
    body = {
        "organization_id": ctx.ids["own"],
        "type": "org_life",
        "title": "组织生活会",
        "starts_at": start,
    }
    r = await ctx.post("/api/v1/meetings", "secretary", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == "late_record_reason"
    assert "已过" in problem["detail"] and "请选择以后的时间" in problem["detail"]
    async with ctx.db.sessionmaker() as s:
        assert (await s.scalar(select(Meeting).where(Meeting.title == "组织生活会"))) is None


# ---------------------------------------------------------------- votes: open by default


async def test_a_vote_is_open_by_default_and_an_election_secret(ctx: Ctx) -> None:
    from test_meetings import create, expected, sheet

    meeting = await create(ctx, "secretary", "child", "branch_assembly")
    voters = [a for a in expected(meeting) if a["voter"]]
    await sheet(ctx, meeting, {a["id"]: "present" for a in voters})
    url = f"/api/v1/meetings/{meeting['id']}/resolutions"
    n = len(voters)
    r = await ctx.post(url, "secretary", json={"title": "接收预备党员", "yes": n // 2 + 1})
    assert r.status_code == 200, r.text
    r = await ctx.post(
        url,
        "secretary",
        json={"title": "选举支部委员", "candidate": "李四", "rule": "election", "yes": n},
    )
    assert r.status_code == 200, r.text
    by_title = {x["title"]: x for x in r.json()["resolutions"]}
    assert by_title["接收预备党员"]["secret"] is False  # 举手 unless asked otherwise
    assert by_title["选举支部委员"]["secret"] is True  # R: MTG-07a — elections by secret ballot
    named = await ctx.post(
        url,
        "secretary",
        json={"title": "表决", "yes": n // 2 + 1, "names": {"yes": [voters[0]["name"]]}},
    )
    assert named.status_code == 200, named.text  # an open vote may keep names
