"""One page of a list and the number of rows in the whole list, from one statement.

Every paginated list (STYLE habit 6: `PageDep` → `Page[...]`) goes through `paginate` or
`paginate_rows`: the page's statement carries `count(*) OVER ()`, so the database counts the
filtered rows while it reads the page — no second `SELECT count(*) FROM (…)`, and the count
cannot disagree with the page it came with. Both SQLite (≥ 3.25) and PostgreSQL have window
functions. Only a page past the end of the list, which has no row to carry the count, costs a
second statement (a plain count), so `total` is right there too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Integer, Row, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement, Subquery

from dangjian.core.schemas import PageParams

T = TypeVar("T")

_TOTAL = "_page_total"
_POSITION = "_page_position"
_OFFSET = bindparam("_page_offset", type_=Integer)
_LIMIT = bindparam("_page_limit", type_=Integer)


def page_statement(
    stmt: Select[*tuple[Any, ...]],
    *,
    order_by: Sequence[ColumnElement[Any] | Any],
    after: Callable[[Subquery], Sequence[Any]] | None = None,
) -> Select[*tuple[Any, ...]]:
    """The statement of one page of `stmt` in `order_by` order (give a unique last key), with
    the total under a private label. The page's offset and size are bound parameters, so one
    built statement serves every page (`paginate_rows(..., paged=...)`).

    `after(page)` adds columns computed for the page's rows only — correlated look-ups that,
    in the select list of the statement itself, PostgreSQL would run for every filtered row
    before sorting; they are selected from the page as a subquery, in the page's order."""
    counted = stmt.add_columns(func.count().over().label(_TOTAL))
    if after is None:
        return counted.order_by(*order_by).offset(_OFFSET).limit(_LIMIT)
    inner = (
        counted.add_columns(func.row_number().over(order_by=list(order_by)).label(_POSITION))
        .order_by(*order_by)
        .offset(_OFFSET)
        .limit(_LIMIT)
        .subquery("page")
    )
    return select(inner, *after(inner)).order_by(inner.c[_POSITION])


async def paginate_rows(
    session: AsyncSession,
    stmt: Select[*tuple[Any, ...]],
    *,
    order_by: Sequence[ColumnElement[Any] | Any] = (),
    page: PageParams,
    after: Callable[[Subquery], Sequence[Any]] | None = None,
    paged: Select[*tuple[Any, ...]] | None = None,
) -> tuple[list[Row[*tuple[Any, ...]]], int]:
    """The rows of `page` of `stmt` and the total (see `page_statement`; `paged`: its result
    for `stmt`, built earlier and kept, which saves building it per request).

    Each row keeps the columns and labels of `stmt` (plus the count, under a private label)."""
    if paged is None:
        paged = page_statement(stmt, order_by=order_by, after=after)
    params = {_OFFSET.key: page.offset, _LIMIT.key: page.size}
    rows = list((await session.execute(paged, params)).all())
    if rows:
        return rows, int(rows[0]._mapping[_TOTAL])
    if page.offset == 0:
        return [], 0
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return [], int(total or 0)


async def paginate(
    session: AsyncSession,
    stmt: Select[T],
    *,
    order_by: Sequence[ColumnElement[Any] | Any],
    page: PageParams,
) -> tuple[list[T], int]:
    """`paginate_rows` for a statement of one entity or column: the entities themselves."""
    rows, total = await paginate_rows(session, stmt, order_by=order_by, page=page)
    return [cast(T, row[0]) for row in rows], total
