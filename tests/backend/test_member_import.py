"""Roster import and export (.xlsx): dry run with every problem, all-or-nothing, idempotence,
matching by ID number, masked export with its audit line (MEM-01)."""

from __future__ import annotations

import io
from typing import Any

from conftest import Ctx
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from dangjian.core import idcard
from dangjian.members.xlsx import HEADERS
from dangjian.models import AuditLog, Member

M = "/api/v1/members"
BRANCH = "第一党支部（幸福小区）"


def number(n: int) -> str:
    from datetime import date

    return idcard.make("110105", date(1980, 1, 1 + n % 28), 50 + n, male=n % 2 == 0)


def row(n: int, **overrides: Any) -> dict[str, Any]:
    values = {
        "姓名": f"导入党员{n}",
        "公民身份号码": number(n),
        "民族": "汉族",
        "学历": "大学本科",
        "人员类别": "正式党员",
        "所在党组织": BRANCH,
        "入党日期": "2005-07-01",
        "转正日期": "2006-07-01",
        "手机号码": f"139{n:08d}",
        "人员分类": "离退休、年老体弱",
    }
    values.update(overrides)
    return values


def sheet(rows: list[dict[str, Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "党员花名册"
    ws.append(HEADERS)
    for values in rows:
        ws.append([values.get(h) for h in HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


async def upload(ctx: Ctx, content: bytes, *, dry_run: bool, who: str = "clerk") -> dict[str, Any]:
    r = await ctx.post(
        f"{M}/import",
        who,
        params={"dry_run": str(dry_run).lower()},
        files={"file": ("roster.xlsx", content, "application/octet-stream")},
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def member_count(ctx: Ctx) -> int:
    async with ctx.db.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(Member)) or 0)


async def test_template_has_the_roster_columns(ctx: Ctx) -> None:
    r = await ctx.get(f"{M}/import-template", "clerk")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert [c.value for c in ws[1]] == HEADERS
    assert (await ctx.get(f"{M}/import-template", "deputy")).status_code == 403


async def test_template_offers_the_callers_branches_and_groups(ctx: Ctx) -> None:
    """Issue 18 item 7: 所在党组织 is a drop-down of what the caller may put members in."""
    book = load_workbook(io.BytesIO((await ctx.get(f"{M}/import-template", "clerk")).content))
    ws, lists = book["党员花名册"], book["可选值"]
    letter = "ABCDEFGHIJKLMNOPQRST"[HEADERS.index("所在党组织")]
    rules = [r for r in ws.data_validations.dataValidation if f"{letter}2" in str(r.sqref)]
    assert len(rules) == 1 and rules[0].type == "list"
    offered = [c.value for c in lists[letter][1:] if c.value]
    assert BRANCH in offered and "东风社区党委" in offered and "东风街道党工委" not in offered
    assert not any("向阳" in str(v) for v in offered)
    other = load_workbook(
        io.BytesIO((await ctx.get(f"{M}/import-template", "secretary2")).content)
    )["可选值"]
    assert "向阳社区第一党小组" in [c.value for c in other[letter][1:]]


async def test_the_problem_list_downloads_as_a_formula_safe_workbook(ctx: Ctx) -> None:
    content = sheet([row(40), row(41, 民族="-1+HYPERLINK(1)"), row(42, 所在党组织="无此支部")])
    r = await ctx.post(
        f"{M}/import-problems",
        "clerk",
        files={"file": ("roster.xlsx", content, "application/octet-stream")},
    )
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert "共 3 行，1 行无误，2 行有问题" in str(rows[0][0]) and "clerk" not in str(rows[0][0])
    assert rows[1] == ("行号", "列", "填写的内容", "问题")
    assert rows[2][:2] == (3, "民族") and rows[2][2] == "-1+HYPERLINK(1)"
    assert ws.cell(row=3, column=3).data_type == "s"  # text, never a formula
    assert rows[3][3] == "找不到名为“无此支部”的党组织"
    forbidden = await ctx.post(
        f"{M}/import-problems",
        "member",
        files={"file": ("roster.xlsx", content, "application/octet-stream")},
    )
    assert forbidden.status_code == 403


async def test_dry_run_reports_every_problem_with_row_and_column(ctx: Ctx) -> None:
    bad_checksum = number(1)[:-1] + ("0" if number(1)[-1] != "0" else "1")
    content = sheet(
        [
            row(1, 公民身份号码=bad_checksum),
            row(2, 民族="火星族"),
            row(3, 入党日期="2005-02-30"),
            row(4, 所在党组织="向阳社区第一党小组"),
            row(5),
            row(6, 公民身份号码=number(5)),
            row(7, 所在党组织="第一党支部（幸福小区"),
            row(8, 所在党组织="东风社区党委"),
        ]
    )
    before = await member_count(ctx)
    result = await upload(ctx, content, dry_run=True)
    problems = {(p["row"], p["column"]): p["message"] for p in result["problems"]}
    assert "校验码" in problems[(2, "公民身份号码")]
    assert "民族" in problems[(3, "民族")]
    assert problems[(4, "入党日期")] == "日期不存在"
    # Issue 18 item 7: an organisation outside the caller's scope (向阳社区) and a mistyped
    # name read the same — whether it exists elsewhere is not told
    assert problems[(5, "所在党组织")] == "找不到名为“向阳社区第一党小组”的党组织"
    assert problems[(8, "所在党组织")] == "找不到名为“第一党支部（幸福小区”的党组织"
    assert problems[(7, "公民身份号码")] == "与第 6 行重复"
    # the wizard's counters: of the 8 rows only sheet rows 6 and 9 have no problem
    assert (result["rows"], result["good_rows"], result["problem_rows"]) == (8, 2, 6)
    assert result["applied"] is False and await member_count(ctx) == before
    # a real import of the same file is all-or-nothing: nothing is written
    real = await upload(ctx, content, dry_run=False)
    assert real["applied"] is False and await member_count(ctx) == before


async def test_import_is_idempotent_and_updates_by_id_number(ctx: Ctx) -> None:
    rows = [row(n) for n in range(10, 15)]
    before = await member_count(ctx)
    first = await upload(ctx, sheet(rows), dry_run=False)
    assert first["applied"] is True and first["to_create"] == 5
    assert await member_count(ctx) == before + 5
    again = await upload(ctx, sheet(rows), dry_run=False)
    assert (again["to_create"], again["to_update"], again["unchanged"]) == (0, 0, 5)
    rows[2]["所在网格"] = "和平里3号楼"
    changed = await upload(ctx, sheet(rows), dry_run=False)
    assert (changed["to_create"], changed["to_update"], changed["unchanged"]) == (0, 1, 4)
    assert await member_count(ctx) == before + 5
    async with ctx.db.sessionmaker() as s:
        audits = (await s.scalars(select(AuditLog).where(AuditLog.action == "member.import"))).all()
    assert len(audits) == 3 and audits[0].after is not None and len(audits[0].after["created"]) == 5


async def test_a_member_registered_elsewhere_cannot_be_taken_over(ctx: Ctx) -> None:
    await upload(
        ctx, sheet([row(30, 所在党组织="向阳社区第一党小组")]), dry_run=False, who="secretary2"
    )
    result = await upload(ctx, sheet([row(30)]), dry_run=True)
    # outside the caller's scope: neither where nor whether the number is registered
    assert result["problems"][0]["message"] == (
        "该身份证号码无法登记：如该党员的组织关系在其他党组织，请通过组织关系转接办理"
    )


async def test_export_is_masked_by_default_names_the_exporter_and_round_trips(ctx: Ctx) -> None:
    params = {"org_id": ctx.ids["child"]}
    masked = await ctx.get(f"{M}/export", "deputy", params=params)
    ws = load_workbook(io.BytesIO(masked.content)).worksheets[0]
    title, header, first = (list(r) for r in ws.iter_rows(min_row=1, max_row=3, values_only=True))
    assert (
        "导出人：东风社区党委副书记" in str(title[0])
        and "deputy" not in str(title[0])
        and "已脱敏" in str(title[0])
    )
    assert header == HEADERS and "*" in str(first[1])
    full = await ctx.get(f"{M}/export", "clerk", params={**params, "full": "true"})
    ws = load_workbook(io.BytesIO(full.content)).worksheets[0]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows and all(idcard.is_valid(str(r[1])) for r in rows)
    async with ctx.db.sessionmaker() as s:
        audit = await s.scalar(
            select(AuditLog)
            .where(AuditLog.action == "member.export")
            .order_by(AuditLog.seq.desc())
            .limit(1)
        )
    assert audit is not None and audit.after is not None and audit.after["full"] is True
    # the full export imports back without changing anything
    result = await upload(ctx, full.content, dry_run=True)
    assert result["problems"] == [] and result["unchanged"] == len(rows)
