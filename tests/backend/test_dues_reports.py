"""Collection reports (DUES-10): the monthly report is one SQL aggregate, the grid and the
statement are computed in Python (dues/ledger.py) — here both are held to the same figures for a
scripted set of members, month by month; then the yearly report, the published summary, the
党费收缴登记册 and the annual assessment (DUES-01 年初核定)."""

from __future__ import annotations

import asyncio
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from conftest import Ctx
from dues_support import API, basis, cell, count, member, now, paid, statement, ym
from openpyxl import load_workbook
from sqlalchemy import select

from dangjian.core import clock
from dangjian.core.calendar import month_index, month_start
from dangjian.ledgers.service.dues import REGISTER_COLUMNS
from dangjian.models import AuditLog, DuesAssessment, PolicyValue

D = Decimal


async def _org(ctx: Ctx, key: str, parent: str, name: str, kind: str) -> int:
    r = await ctx.post(
        "/api/v1/organizations", "zuzhi",
        json={"parent_id": ctx.ids[parent], "name": name, "kind": kind},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    ctx.ids[key] = r.json()["id"]
    return int(r.json()["id"])


async def _exemption(ctx: Ctx, member_id: int, first: int, last: int, amount: str | None) -> None:
    body = {
        "member_id": member_id, "kind": "reduce" if amount else "exempt",
        "first_month": ym(first), "last_month": ym(last), "reason": "生活困难",
        **({"monthly_amount": amount} if amount else {}),
    }  # fmt: skip
    e = await ctx.post(f"{API}/exemptions", "zuzhi", json=body)
    assert e.status_code == 201, e.text
    url = f"{API}/exemptions/{e.json()['id']}"
    assert (await ctx.post(f"{url}/decide", "secretary", json={"approve": True})).is_success
    assert (await ctx.post(f"{url}/approve", "street", json={"approve": True})).is_success


async def _balance_pay(ctx: Ctx, member_id: int, months: list[int]) -> None:
    """Pay the months with whatever the ledger says they owe."""
    owed = D(0)
    for i in months:
        owed += D(cell(await statement(ctx, member_id, month_start(i).year), i)["balance"])
    await paid(ctx, "zuzhi", member_id, months, format(owed, "f"))


async def _scripted(ctx: Ctx) -> dict[str, Any]:
    """Three branches under one general branch: M by month, N set to annual-fixed today through
    the policy API, P annual-fixed since the start of last year (a setting dated then)."""
    n = now()
    await _org(ctx, "tally", "own", "对账党总支", "general_branch")
    await _org(ctx, "M", "tally", "对账第一支部", "branch")
    await _org(ctx, "N", "tally", "对账第二支部", "branch")
    await _org(ctx, "P", "tally", "对账第三支部", "branch")
    # M: monthly basis
    a = await member(ctx, "M", since=n - 14)
    await basis(ctx, a.id, n - 5, "4000.00")  # 15.00 → 40.00 (DUES-01)
    await paid(ctx, "zuzhi", a.id, [n - 14, n - 13, n - 12], "45.00")
    await paid(ctx, "zuzhi", a.id, [n - 5], "40.00")
    await paid(ctx, "zuzhi", a.id, [n + 1], "40.00")  # in advance
    joined = month_start(n - 7) + timedelta(days=14)  # admitted mid-month (DUES-04)
    b = await member(ctx, "M", joined_on=joined)
    await basis(ctx, b.id, n - 7)
    await paid(ctx, "zuzhi", b.id, [n - 7, n - 6], "30.00")
    c = await member(ctx, "M", since=n - 10)
    await _exemption(ctx, c.id, n - 4, n - 3, None)  # exempt (DUES-03)
    wrong = await paid(ctx, "zuzhi", c.id, [n - 10], "15.00")
    rev = await ctx.post(f"{API}/payments/{wrong['id']}/reverse", "zuzhi", json={"reason": "错录"})
    assert rev.status_code == 201
    await paid(ctx, "zuzhi", c.id, [n - 9], "15.00")
    d = await member(ctx, "M", since=n - 12, amount="5000.00")  # 50.00 a month
    await _exemption(ctx, d.id, n - 6, n - 5, "5.00")  # reduced
    await paid(ctx, "zuzhi", d.id, [n - 6, n - 5], "10.00")
    await paid(ctx, "zuzhi", d.id, [n - 12], "50.00")
    v = await member(ctx, "M", since=n - 1)
    big = await ctx.post(
        f"{API}/payments", "zuzhi",
        json={"member_id": v.id, "kind": "voluntary", "amount": "1500.00", "method": "bank"},
    )  # fmt: skip
    assert big.status_code == 201
    today = clock.today().isoformat()
    remit = await ctx.post(
        f"{API}/payments/{big.json()['id']}/remittance", "zuzhi",
        json={"remitted_on": today, "reference": "ZY-1"},
    )  # fmt: skip
    assert remit.status_code == 200
    small = await ctx.post(
        f"{API}/payments", "zuzhi",
        json={"member_id": v.id, "kind": "voluntary", "amount": "200.00", "method": "cash"},
    )  # fmt: skip
    undone = await ctx.post(
        f"{API}/payments", "zuzhi",
        json={"member_id": v.id, "kind": "voluntary", "amount": "80.00", "method": "cash"},
    )  # fmt: skip
    assert small.status_code == undone.status_code == 201
    r = await ctx.post(
        f"{API}/payments/{undone.json()['id']}/reverse", "zuzhi", json={"reason": "重复登记"}
    )
    assert r.status_code == 201
    # N: annual-fixed from today on (the policy API cannot date a setting in the past)
    e = await member(ctx, "N", since=n - 14)
    await basis(ctx, e.id, n - 3, "4000.00")
    await paid(ctx, "zuzhi", e.id, [n - 2], "40.00")
    policy = await ctx.client.put(
        f"/api/v1/organizations/{ctx.ids['N']}/policy",
        headers=ctx.auth("secretary"),
        json={"values": {"dues.mode": "annual_fixed"}, "note": "明年起年初核定"},
    )
    assert policy.status_code == 200, policy.text
    await _balance_pay(ctx, e.id, [n + 1])
    # P: annual-fixed since January last year
    async with ctx.db.sessionmaker() as s, s.begin():
        s.add(
            PolicyValue(
                organization_id=ctx.ids["P"], key="dues.mode", value="annual_fixed",
                effective_from=date(clock.today().year - 1, 1, 1), set_by="测试",
            )
        )  # fmt: skip
    f = await member(ctx, "P", since=n - 14)
    await basis(ctx, f.id, n - 5, "4000.00")
    await _balance_pay(ctx, f.id, [n - 5, n - 4])
    h = await member(ctx, "P", joined_on=month_start(n - 4) + timedelta(days=3))
    await basis(ctx, h.id, n - 4)
    await basis(ctx, h.id, n - 1, "6000.00")  # 90.00 a month in monthly mode
    await _balance_pay(ctx, h.id, [n - 4])
    g = await member(ctx, "P")  # no basis yet
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h, "v": v}


async def _grid(ctx: Ctx, key: str, year: int) -> Any:
    r = await ctx.get(f"{API}/ledger?org_id={ctx.ids[key]}&year={year}&size=100", "zuzhi")
    assert r.status_code == 200, r.text
    return r.json()


def _figures(grid: Any, month: str) -> tuple[int, int, str, str, str]:
    """(members due, members paid, due, collected, arrears) of a month, from the Python grid."""
    cells = [next(c for c in row["months"] if c["month"] == month) for row in grid["rows"]]
    due = [c for c in cells if c["due"] is not None and D(c["due"]) > 0]
    total = next(t for t in grid["totals"] if t["month"] == month)
    return (
        len(due),
        sum(1 for c in due if D(c["paid"]) >= D(c["due"])),
        total["due"],
        total["paid"],
        total["balance"],
    )


def _row_figures(row: Any) -> tuple[int, int, str, str, str]:
    return (
        row["members"],
        row["members_paid"],
        row["amount_due"],
        row["collected"],
        row["arrears"],
    )


async def test_dues10_the_sql_report_equals_the_python_ledger_month_by_month(ctx: Ctx) -> None:
    people = await _scripted(ctx)
    year = clock.today().year
    compared = 0
    for y in (year - 1, year, year + 1):
        grids = {k: await _grid(ctx, k, y) for k in ("tally", "M", "N", "P")}
        # R: MEM-06, DUES-10 — a year's ledger lists those on the roster at some time that year
        admitted = [p for p in people.values() if p.joined_on and p.joined_on.year <= y]
        assert grids["tally"]["total"] == len(admitted)
        # the grid agrees with each member's statement (both Python, one per member)
        for row in grids["tally"]["rows"]:
            stmt = await statement(ctx, row["member_id"], y)
            assert stmt["months"] == row["months"], row["name"]
            assert stmt["due_total"] == row["due_total"]
        for m in range(month_index(y, 1), month_index(y, 12) + 1):
            r = await ctx.get(
                f"{API}/reports/monthly?org_id={ctx.ids['tally']}&month={ym(m)}", "zuzhi"
            )
            assert r.status_code == 200, r.text
            report = r.json()
            assert _row_figures(report["total"]) == _figures(grids["tally"], ym(m)), ym(m)
            rows = {x["organization_id"]: x for x in report["rows"]}
            for k in ("M", "N", "P"):
                expected = _figures(grids[k], ym(m))
                got = rows.get(ctx.ids[k])
                if got is None:  # a branch with nothing to report that month
                    assert expected[0] == 0 and D(expected[2]) == 0 and D(expected[3]) == 0
                else:
                    assert _row_figures(got) == expected, (k, ym(m))
            compared += 1
    assert compared == 36
    # the scripted facts show up where they should (spot checks on the Python side)
    n = now()
    stmt = await statement(ctx, people["e"].id, month_start(n - 1).year)
    assert cell(stmt, n - 1)["due"] == "40.00"  # set annual today: the past is not rewritten
    ahead = cell(await statement(ctx, people["e"].id, month_start(n + 1).year), n + 1)
    january = month_index(month_start(n + 1).year, 1)
    assert ahead["due"] == ("40.00" if january > n - 3 else "15.00")  # January's basis
    assert ahead["state"] == "paid"
    f_year = month_start(n - 4).year
    f_cell = cell(await statement(ctx, people["f"].id, f_year), n - 4)
    # P fixes the year's amount in January: the raise waits for the next year (DUES-01)
    assert f_cell["due"] == ("15.00" if month_index(f_year, 1) <= n - 5 else "40.00")
    assert cell(await statement(ctx, people["b"].id, month_start(n - 8).year), n - 8)["state"] == (
        "not_member"
    )
    c = await statement(ctx, people["c"].id, month_start(n - 4).year)
    assert cell(c, n - 4)["state"] == "exempt"
    assert cell(await statement(ctx, people["c"].id, month_start(n - 10).year), n - 10)[
        "state"
    ] == ("unpaid")


async def test_dues10_yearly_is_the_sum_of_the_months_and_the_published_summary(ctx: Ctx) -> None:
    people = await _scripted(ctx)
    year = clock.today().year
    org = ctx.ids["tally"]
    r = await ctx.get(f"{API}/reports/yearly?org_id={org}&year={year}", "zuzhi")
    assert r.status_code == 200, r.text
    yearly = r.json()
    assert [m["month"] for m in yearly["months"]] == [f"{year}-{i:02d}" for i in range(1, 13)]
    for m in yearly["months"]:
        monthly = await ctx.get(f"{API}/reports/monthly?org_id={org}&month={m['month']}", "zuzhi")
        total = monthly.json()["total"]
        assert (m["members"], m["amount_due"], m["collected"], m["arrears"], m["voluntary"]) == (
            total["members"], total["amount_due"], total["collected"], total["arrears"],
            total["voluntary"],
        )  # fmt: skip
    for key in ("amount_due", "collected", "arrears", "voluntary"):
        assert D(yearly[key]) == sum(D(m[key]) for m in yearly["months"]), key
    # DUES-07: voluntary this year — 1500 + 200; the reversed 80 does not count
    assert yearly["voluntary"] == "1700.00"
    this_month = next(m for m in yearly["months"] if m["month"] == ym(now()))
    assert this_month["voluntary"] == "1700.00"

    p = await ctx.get(f"{API}/reports/published?org_id={org}&year={year}", "zuzhi")
    assert p.status_code == 200, p.text
    pub = p.json()
    due, collected = D(yearly["amount_due"]), D(yearly["collected"])
    assert pub["amount_due"] == yearly["amount_due"] and pub["collected"] == yearly["collected"]
    assert pub["collection_rate"] == format((collected * 100 / due).quantize(D("0.1")), "f")
    assert pub["voluntary"] == "1700.00" and pub["remitted_to_central"] == "1500.00"
    assert pub["members"] == max(m["members"] for m in yearly["months"])
    assert pub["organization_name"] == "对账党总支"
    # the approved exemptions touching this year (c exempt, d reduced)
    n = now()
    expected = sum(
        1
        for first, last in ((n - 4, n - 3), (n - 6, n - 5))
        if month_start(first).year == year or month_start(last).year == year
    )
    assert pub["exemptions"] == expected
    # figures only, for public disclosure: no member is named
    assert not [x.name for x in people.values() if x.name in p.text]


async def test_dues10_the_register_has_a_row_per_member_with_each_month(ctx: Ctx) -> None:
    people = await _scripted(ctx)
    year = month_start(now() - 4).year  # the year of c's exemption
    r = await ctx.get(f"/api/v1/ledgers/dues?org_id={ctx.ids['M']}&year={year}", "zuzhi")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None and ws.title == "党费收缴登记册"
    heading = ws["A1"].value
    assert "对账第一支部" in heading and f"{year}年党费收缴登记册" in heading
    assert "东风社区组织委员" in heading and "zuzhi" not in heading  # name, not login name
    assert [c.value for c in ws[2]] == [h for h, _ in REGISTER_COLUMNS]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    grid = await _grid(ctx, "M", year)
    assert len(rows) == len(grid["rows"]) == 5
    words = set()
    for number, (row, g) in enumerate(zip(rows, grid["rows"], strict=True), start=1):
        assert row[0] == number and row[1] == g["name"] and row[2] == "对账第一支部"
        for value, c in zip(row[4:16], g["months"], strict=True):
            if D(c["paid"]):
                assert value == float(c["paid"]), (g["name"], c)
            else:
                word = {"exempt": "免交", "unpaid": "未交", "not_member": "—"}.get(c["state"])
                assert value == word, (g["name"], c)
                words.add(value)
        assert row[16] == float(g["due_total"]) and row[17] == float(g["paid_total"])
        assert row[18] == float(g["balance_total"])
    assert {"免交", "未交"} <= words
    c_row = next(x for x in rows if x[1] == people["c"].name)
    assert c_row[4 + (now() - 4) % 12] == "免交"
    async with ctx.db.sessionmaker() as s:
        entry = await s.scalar(select(AuditLog).where(AuditLog.action == "ledger.export"))
    assert entry is not None and entry.after == {"year": year, "rows": 5}
    # the 党小组长 reads the group's dues but exports no ledger (ROLES.md)
    denied = await ctx.get(f"/api/v1/ledgers/dues?org_id={ctx.ids['group']}", "xiaozu")
    assert denied.status_code == 403


async def test_dues01_the_annual_assessment(ctx: Ctx) -> None:
    people = await _scripted(ctx)
    year = clock.today().year
    n = now()
    r = await ctx.get(f"{API}/assessment?org_id={ctx.ids['P']}&year={year}", "zuzhi")
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["mode"] == "annual_fixed" and a["can_confirm"] is True
    lines = {line["member_id"]: line for line in a["lines"]}
    assert set(lines) == {people["f"].id, people["g"].id, people["h"].id}
    assert lines[people["g"].id]["monthly_amount"] is None and a["without_basis"] == 1
    raise_this_year = month_start(n - 5).year == year
    f = lines[people["f"].id]
    assert f["monthly_amount"] == ("15.00" if raise_this_year else "40.00")
    assert f["pending_change"] == ("40.00" if raise_this_year else None)
    assert a["members"] == 2
    assert D(a["monthly_total"]) == sum(
        D(x["monthly_amount"]) for x in a["lines"] if x["monthly_amount"]
    )
    body = {"organization_id": ctx.ids["P"], "year": year}
    done = await ctx.post(f"{API}/assessment", "zuzhi", json=body)
    assert done.status_code == 201, done.text
    assert done.json()["confirmed_by"] and done.json()["can_confirm"] is False
    twice = await ctx.post(f"{API}/assessment", "zuzhi", json=body)
    assert twice.status_code == 409 and twice.json()["code"] == "dues_assessment"
    assert await count(ctx, DuesAssessment) == 1
    async with ctx.db.sessionmaker() as s:
        row = await s.scalar(select(DuesAssessment))
        assert row is not None and row.members == 2 and row.monthly_total == D(a["monthly_total"])
        assert await s.scalar(select(AuditLog).where(AuditLog.action == "dues.assessment"))
    # monthly mode: no assessment to confirm
    monthly = await ctx.post(
        f"{API}/assessment", "zuzhi", json={"organization_id": ctx.ids["M"], "year": year}
    )
    assert monthly.status_code == 422 and monthly.json()["code"] == "dues_assessment"
    m = (await ctx.get(f"{API}/assessment?org_id={ctx.ids['M']}&year={year}", "zuzhi")).json()
    assert m["mode"] == "monthly_basis" and m["can_confirm"] is False
    # N switched today: from next year on it fixes the amount in January
    nxt = (await ctx.get(f"{API}/assessment?org_id={ctx.ids['N']}&year={year + 1}", "zuzhi")).json()
    assert nxt["mode"] == "annual_fixed" and nxt["can_confirm"] is True
    assert nxt["lines"][0]["monthly_amount"] == "40.00"
    # confirmed once even when two collectors press the button together
    body = {"organization_id": ctx.ids["N"], "year": year + 1}
    answers = await asyncio.gather(
        *(ctx.post(f"{API}/assessment", who, json=body) for who in ("zuzhi", "clerk", "secretary"))
    )
    assert sorted(r.status_code for r in answers) == [201, 409, 409], [r.text for r in answers]
    # reading is for every dues reader; confirming is for those who collect
    assert (await ctx.get(f"{API}/assessment?org_id={ctx.ids['P']}", "jijian")).status_code == 200
    denied = await ctx.post(
        f"{API}/assessment", "jijian", json={"organization_id": ctx.ids["N"], "year": year + 1}
    )
    assert denied.status_code == 403
