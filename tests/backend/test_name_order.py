"""Names in pinyin order (issue 18 item 10) and 党龄 for a newly formal member.

PostgreSQL sorts names with the ICU collation zh-x-icu (core/collation.py); SQLite has none and
falls back to code-point order (README, "Sorting by name")."""

from __future__ import annotations

from datetime import date

from conftest import Ctx, fresh_member
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from dangjian.core.collation import pinyin, pinyin_key
from dangjian.members import rules
from dangjian.models import Member

M = "/api/v1/members"
# 安 an, 李 li, 王 wang, 张 zhang, 赵 zhao — in code-point order 安 张 李 王 赵
SURNAMES = ["赵", "王", "安", "张", "李"]
PINYIN = ["安", "李", "王", "张", "赵"]


def test_pinyin_compiles_to_the_icu_collation_on_postgresql_only() -> None:
    stmt = select(Member.id).order_by(pinyin(Member.name), Member.id)
    assert 'members.name COLLATE "zh-x-icu"' in str(stmt.compile(dialect=postgresql.dialect()))
    plain = str(stmt.compile(dialect=sqlite.dialect()))
    assert "COLLATE" not in plain and "ORDER BY members.name, members.id" in plain


def test_lists_sorted_in_python_use_pinyin_on_both_databases() -> None:
    """Arrears, absence cases and the not-owing list are sorted in Python by `pinyin_key`."""
    assert sorted(SURNAMES, key=pinyin_key) == PINYIN
    # syllable by syllable, the tone number after it: ma2 (麻) < ma3 (马); san < yi
    assert sorted(["张一", "张三", "马力", "麻力"], key=pinyin_key) == [
        "麻力",
        "马力",
        "张三",
        "张一",
    ]
    assert pinyin_key("王A") == ("wang2", "A")  # other characters stay as they are


async def test_the_roster_lists_names_in_pinyin_order(ctx: Ctx) -> None:
    for surname in SURNAMES:
        await fresh_member(ctx, ctx.ids["child"], name=f"拼序{surname}")
    # twice: the second answer comes from the kept page statement (core/memo)
    for _ in range(2):
        page = (
            await ctx.get(M, "secretary", params={"q": "拼序", "sort": "name", "size": 20})
        ).json()
        names = [i["name"].removeprefix("拼序") for i in page["items"]]
        expected = PINYIN if ctx.kind == "postgresql" else sorted(SURNAMES)
        assert names == expected


def test_party_standing_is_whole_years_and_zero_only_in_the_first_year() -> None:
    """党龄 counts whole years from conversion (national.md §3.1); a formal member converted
    less than a year ago has 0 whole years, which the SPA shows as '不满1年', never as 0."""
    assert rules.party_standing_years(date(2026, 3, 1), 0, date(2026, 12, 6)) == 0
    assert rules.party_standing_years(date(2025, 12, 6), 0, date(2026, 12, 6)) == 1
    assert rules.party_standing_years(date(2025, 12, 7), 0, date(2026, 12, 6)) == 0
