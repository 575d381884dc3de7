"""Issue 18 (dues): name search on 党费台账 and 收缴记录, the 收缴记录 and 欠交党费 exports —
scoped to the caller's subtree (another community answers 404), formula-safe through the shared
workbook helper, audited (LEDG-01, DUES-08/10). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io

from conftest import Ctx
from dues_support import API, member, now, paid, ym
from openpyxl import load_workbook
from sqlalchemy import select

from dangjian.core import clock
from dangjian.core.calendar import month_start
from dangjian.ledgers.service.dues import ARREARS_COLUMNS, PAYMENT_COLUMNS, months_text
from dangjian.models import AuditLog

LEDGERS = "/api/v1/ledgers/dues"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(content: bytes):  # type: ignore[no-untyped-def]
    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    return ws


async def _group(ctx: Ctx, name: str) -> int:
    org = await ctx.post(
        "/api/v1/organizations", "zuzhi",
        json={"parent_id": ctx.ids["child"], "name": name, "kind": "group"},
    )  # fmt: skip
    assert org.status_code == 201, org.text
    return int(org.json()["id"])


async def test_dues10_ledger_and_payments_search_by_name(ctx: Ctx) -> None:
    ctx.ids["search"] = await _group(ctx, "查找小组")
    wang = await member(ctx, "search", since=now() - 2, name="王建国")
    wang2 = await member(ctx, "search", since=now() - 2, name="王建华")
    li = await member(ctx, "search", since=now() - 2, name="李%明")  # a LIKE wildcard in a name
    for m in (wang, wang2, li):
        await paid(ctx, "zuzhi", m.id, [now() - 2], "15.00")
    year = month_start(now() - 2).year
    base = f"{API}/ledger?org_id={ctx.ids['search']}&year={year}"

    async def names(url: str) -> list[str]:
        r = await ctx.get(url, "zuzhi")
        assert r.status_code == 200, r.text
        return sorted(row["name"] for row in r.json()["rows"])

    assert await names(base) == sorted(["王建国", "王建华", "李%明"])
    assert await names(f"{base}&q=建") == sorted(["王建国", "王建华"])
    assert await names(f"{base}&q=王建国") == ["王建国"]
    assert await names(f"{base}&q=%25") == ["李%明"]  # the wildcard is matched literally
    assert await names(f"{base}&q=%20%20") == sorted(["王建国", "王建华", "李%明"])  # blank
    filtered = (await ctx.get(f"{base}&q=建华", "zuzhi")).json()
    assert filtered["total"] == 1 and filtered["paid_total"] == "15.00"

    pay_url = f"{API}/payments?org_id={ctx.ids['search']}"
    r = await ctx.get(f"{pay_url}&q=王", "zuzhi")
    assert r.status_code == 200, r.text
    assert sorted(p["member_name"] for p in r.json()["items"]) == sorted(["王建国", "王建华"])
    assert r.json()["total"] == 2
    only = (await ctx.get(f"{pay_url}&q=李%25", "zuzhi")).json()["items"]
    assert [p["member_name"] for p in only] == ["李%明"]
    assert (await ctx.get(f"{pay_url}&q=赵", "zuzhi")).json()["total"] == 0
    too_long = await ctx.get(f"{pay_url}&q={'王' * 33}", "zuzhi")
    assert too_long.status_code == 422


async def test_ledg01_payments_export_follows_the_page_filters_and_is_formula_safe(
    ctx: Ctx,
) -> None:
    ctx.ids["exp"] = await _group(ctx, "导出小组")
    evil = await member(ctx, "exp", since=now() - 3, name="=HYPERLINK(1)")
    plain = await member(ctx, "exp", since=now() - 3, name="周平安")
    p1 = await paid(ctx, "zuzhi", evil.id, [now() - 3, now() - 2], "30.00")
    await paid(ctx, "zuzhi", plain.id, [now() - 3], "15.00")
    year = clock.today().year  # the payments were made today

    r = await ctx.get(f"{LEDGERS}/payments?org_id={ctx.ids['exp']}", "zuzhi")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(XLSX)
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    ws = _sheet(r.content)
    assert ws.title == "党费收缴记录"
    # R: issue 18 — the exporter is named by name and post, never by login name
    assert "导出小组" in ws["A1"].value and "东风社区组织委员" in ws["A1"].value
    assert "zuzhi" not in ws["A1"].value
    assert [c.value for c in ws[2]] == [h for h, _ in PAYMENT_COLUMNS]
    rows = list(ws.iter_rows(min_row=3))
    assert len(rows) == 2
    by_name = {row[2].value: row for row in rows}
    evil_row = by_name["=HYPERLINK(1)"]
    # R: LEDG-01 — a typed-in name is text, never a formula (core/exports.py)
    assert evil_row[2].data_type == "s" and evil_row[2].quotePrefix
    assert evil_row[1].value == p1["receipt_no"]
    assert evil_row[5].value == months_text([ym(now() - 3), ym(now() - 2)])
    assert evil_row[6].value == 30.0 and evil_row[7].value == "现金"
    assert evil_row[10].value == p1["collector"]

    # the same filters as the page: by name
    named = await ctx.get(f"{LEDGERS}/payments?org_id={ctx.ids['exp']}&q=周平", "zuzhi")
    assert [row[2] for row in _sheet(named.content).iter_rows(min_row=3, values_only=True)] == [
        "周平安"
    ]
    by_year = await ctx.get(
        f"{LEDGERS}/payments?org_id={ctx.ids['exp']}&year={year}&kind=regular", "zuzhi"
    )
    assert len(list(_sheet(by_year.content).iter_rows(min_row=3))) == 2
    assert f"{year}年党费收缴记录" in _sheet(by_year.content)["A1"].value
    none = await ctx.get(f"{LEDGERS}/payments?org_id={ctx.ids['exp']}&kind=voluntary", "zuzhi")
    assert list(_sheet(none.content).iter_rows(min_row=3)) == []

    async with ctx.db.sessionmaker() as s:
        entries = (
            await s.scalars(select(AuditLog).where(AuditLog.entity == "dues_payments"))
        ).all()
    assert len(entries) == 4
    assert entries[0].action == "ledger.export" and entries[0].after["rows"] == 2
    assert entries[1].after["q"] == "周平"

    # scope: another community's staff get 404; the 党小组长 reads dues but exports no ledger
    assert (
        await ctx.get(f"{LEDGERS}/payments?org_id={ctx.ids['exp']}", "secretary2")
    ).status_code == 404
    assert (
        await ctx.get(f"{LEDGERS}/payments?org_id={ctx.ids['group']}", "xiaozu")
    ).status_code == 403
    assert (await ctx.get(f"{LEDGERS}/payments", "zuzhi")).status_code == 422  # org required


async def test_dues08_arrears_list_names_the_months_and_exports_by_organisation(
    ctx: Ctx,
) -> None:
    ctx.ids["arr"] = await _group(ctx, "欠交小组")
    behind = await member(ctx, "arr", since=now() - 4, name="+欠交者")
    partly = await member(ctx, "arr", since=now() - 5, name="陈一")
    await paid(ctx, "zuzhi", partly.id, [now() - 5], "15.00")
    await member(ctx, "arr", since=now() - 1, name="刚登记")  # one month behind: not listed

    r = await ctx.get(f"{API}/arrears?org_id={ctx.ids['arr']}", "zuzhi")
    assert r.status_code == 200, r.text
    rows = {row["name"]: row for row in r.json()["rows"]}
    assert set(rows) == {"+欠交者", "陈一"}
    assert rows["+欠交者"]["months"] == [ym(now() - i) for i in (4, 3, 2, 1)]
    assert rows["陈一"]["months"] == [ym(now() - i) for i in (4, 3, 2, 1)]

    x = await ctx.get(f"{LEDGERS}/arrears?org_id={ctx.ids['arr']}", "zuzhi")
    assert x.status_code == 200, x.text
    assert x.headers["content-type"].startswith(XLSX)
    ws = _sheet(x.content)
    assert ws.title == "欠交党费提醒名单"
    assert "欠交小组" in ws["A1"].value and "统计至" in ws["A1"].value
    assert [c.value for c in ws[2]] == [h for h, _ in ARREARS_COLUMNS]
    out = list(ws.iter_rows(min_row=3))
    assert len(out) == 2
    first = next(row for row in out if row[2].value == "+欠交者")
    assert first[2].data_type == "s" and first[2].quotePrefix  # formula-safe
    assert first[1].value == "欠交小组" and first[3].value == 4
    assert first[4].value == months_text([ym(now() - i) for i in (4, 3, 2, 1)])
    assert first[5].value == 60.0
    assert behind.id in {row["member_id"] for row in r.json()["rows"]}
    async with ctx.db.sessionmaker() as s:
        entry = await s.scalar(select(AuditLog).where(AuditLog.entity == "dues_arrears"))
    assert entry is not None and entry.action == "ledger.export" and entry.after["rows"] == 2

    assert (
        await ctx.get(f"{LEDGERS}/arrears?org_id={ctx.ids['arr']}", "secretary2")
    ).status_code == 404
    assert (
        await ctx.get(f"{LEDGERS}/arrears?org_id={ctx.ids['group']}", "xiaozu")
    ).status_code == 403


def test_months_text_groups_by_year() -> None:
    assert months_text(["2027-01", "2026-12", "2026-11"]) == "2026年11月、12月，2027年1月"
    assert months_text([]) == ""
