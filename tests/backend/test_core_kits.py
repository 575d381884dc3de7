"""The kits every domain shares (core/): one-statement pagination, calendar months, one-sheet
workbooks."""

from __future__ import annotations

import io
from datetime import date

from conftest import Ctx
from openpyxl import load_workbook
from sql_support import statements
from sqlalchemy import func, select

from dangjian.core.calendar import index_of, month_end, month_label, month_start, parse_month
from dangjian.core.exports import workbook
from dangjian.core.memo import Kept
from dangjian.core.pagination import page_statement, paginate, paginate_rows
from dangjian.core.schemas import PageParams
from dangjian.models import Organization

# --- pagination -------------------------------------------------------------------------------


async def test_a_page_and_its_total_come_from_one_statement(ctx: Ctx) -> None:
    async with ctx.db.sessionmaker() as session:
        every = list(await session.scalars(select(Organization.path).order_by(Organization.path)))
        assert len(every) > 3
        with statements(ctx.db) as sent:
            items, total = await paginate(
                session,
                select(Organization.path),
                order_by=[Organization.path],
                page=PageParams(page=2, size=2),
            )
        assert items == every[2:4]
        assert total == len(every)
        assert len(sent) == 1
        assert "over ()" in sent[0].lower()


async def test_rows_keep_their_labels(ctx: Ctx) -> None:
    async with ctx.db.sessionmaker() as session:
        rows, total = await paginate_rows(
            session,
            select(Organization.id, Organization.name.label("org_name")),
            order_by=[Organization.id],
            page=PageParams(page=1, size=1),
        )
        first = await session.scalar(select(Organization).order_by(Organization.id).limit(1))
        assert first is not None
        assert [(r.id, r.org_name) for r in rows] == [(first.id, first.name)]
        assert total == await session.scalar(select(func.count()).select_from(Organization))


async def test_a_page_past_the_end_still_knows_the_total(ctx: Ctx) -> None:
    async with ctx.db.sessionmaker() as session:
        n = len(list(await session.scalars(select(Organization.id))))
        with statements(ctx.db) as sent:
            items, total = await paginate(
                session,
                select(Organization),
                order_by=[Organization.id],
                page=PageParams(page=1000, size=20),
            )
        assert (items, total) == ([], n)
        assert len(sent) == 2  # the empty page, then a count
        items, total = await paginate(
            session,
            select(Organization).where(Organization.id < 0),
            order_by=[Organization.id],
            page=PageParams(page=1, size=20),
        )
        assert (items, total) == ([], 0)


async def test_one_built_page_statement_serves_every_page(ctx: Ctx) -> None:
    # offset and size are bound parameters: a statement built once (and kept, core/memo.py)
    # answers any page, with the same rows as building it per page
    listed = select(Organization.id)
    paged = page_statement(listed, order_by=[Organization.id])
    async with ctx.db.sessionmaker() as session:
        every = list(await session.scalars(select(Organization.id).order_by(Organization.id)))
        for number in (1, 2, 3):
            rows, total = await paginate_rows(
                session, listed, page=PageParams(page=number, size=2), paged=paged
            )
            assert [r.id for r in rows] == every[(number - 1) * 2 : number * 2]
            assert total == len(every)


def test_kept_builds_once_per_key_and_forgets_the_least_recently_used() -> None:
    built: list[str] = []

    def build(key: str) -> str:
        built.append(key)
        return key.upper()

    kept: Kept[str] = Kept(size=2)
    assert kept.get("a", lambda: build("a")) == "A"
    assert kept.get("a", lambda: build("a")) == "A"
    assert kept.get("b", lambda: build("b")) == "B"
    assert kept.get("a", lambda: build("a")) == "A"  # a is now the most recently used
    assert kept.get("c", lambda: build("c")) == "C"  # evicts b, not a
    assert len(kept) == 2
    assert kept.get("a", lambda: build("a")) == "A"
    assert kept.get("b", lambda: build("b")) == "B"
    assert built == ["a", "b", "c", "b"]


# --- calendar ---------------------------------------------------------------------------------


def test_month_indexes_round_trip() -> None:
    m = parse_month("2026-02")
    assert month_label(m) == "2026-02"
    assert month_start(m) == date(2026, 2, 1)
    assert month_end(m) == date(2026, 2, 28)
    assert month_end(parse_month("2024-02")) == date(2024, 2, 29)
    assert index_of(date(2026, 12, 31)) + 1 == parse_month("2027-01")


# --- exports ----------------------------------------------------------------------------------


def test_workbook_writes_heading_headers_and_formula_safe_rows() -> None:
    content = workbook(
        [["=1+1", 3, "普通"]],
        title="测试",
        heading="测试　导出人：张三",
        columns=[("甲", 10), ("乙", 8), ("丙", 20)],
        wrapped={"丙"},
    )
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    assert ws.title == "测试"
    assert ws["A1"].value == "测试　导出人：张三"
    assert [c.value for c in ws[2]] == ["甲", "乙", "丙"]
    assert ws["A3"].data_type == "s" and ws["A3"].value == "=1+1"  # text, not a formula
    assert ws["B3"].value == 3
    assert ws["C3"].alignment.wrap_text and not ws["B3"].alignment.wrap_text
    assert ws.column_dimensions["C"].width == 20
    assert ws.freeze_panes == "A3"
