"""Helpers shared by the dues API tests: months relative to today in China, bases and payments
recorded through the API, members inserted as test data."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from conftest import Ctx, fresh_member
from sqlalchemy import func, select

from dangjian.core import clock
from dangjian.core.calendar import month_index, month_label, month_start
from dangjian.models import AuditLog, Member

API = "/api/v1/dues"
LONG_AGO = date(2001, 7, 1)


def now() -> int:
    """The current month index (the API judges months in China time)."""
    today = clock.today()
    return month_index(today.year, today.month)


def ym(index: int) -> str:
    return month_label(index)


def first_day(index: int) -> date:
    return month_start(index)


async def basis(
    ctx: Ctx,
    member_id: int,
    month: int,
    amount: str = "3000.00",
    who: str = "zuzhi",
    category: str = "salaried",
) -> None:
    """Record a basis from `month` (3000.00 salaried → 15.00 a month, DUES-02)."""
    r = await ctx.post(
        f"/api/v1/members/{member_id}/dues-bases",
        who,
        json={"category": category, "basis": amount, "effective_month": ym(month)},
    )
    assert r.status_code == 201, r.text


async def member(
    ctx: Ctx,
    target: str = "child",
    *,
    since: int | None = None,
    amount: str = "3000.00",
    joined_on: date = LONG_AGO,
    who: str = "zuzhi",
    **overrides: Any,
) -> Member:
    """A formal member of the target organisation, with a basis from month `since` if given."""
    m = await fresh_member(ctx, ctx.ids[target], joined_on=joined_on, **overrides)
    if since is not None:
        await basis(ctx, m.id, since, amount, who)
    return m


async def pay(
    ctx: Ctx,
    who: str,
    member_id: int,
    months: list[int],
    amount: str,
    *,
    key: str | None = None,
    **extra: Any,
) -> httpx.Response:
    body = {
        "member_id": member_id,
        "months": [ym(i) for i in months],
        "amount": amount,
        "method": "cash",
        **extra,
    }
    headers = ctx.auth(who) | ({"Idempotency-Key": key} if key else {})
    return await ctx.client.post(f"{API}/payments", json=body, headers=headers)


async def paid(ctx: Ctx, who: str, member_id: int, months: list[int], amount: str) -> Any:
    """A payment that must be accepted: with a back-payment reason, which a payment reaching
    more than 6 months back needs (DUES-06) and a more recent one ignores."""
    r = await pay(ctx, who, member_id, months, amount, reason="测试补交")
    assert r.status_code == 201, r.text
    return r.json()


async def statement(ctx: Ctx, member_id: int, year: int, who: str = "zuzhi") -> Any:
    r = await ctx.get(f"{API}/members/{member_id}/statement?year={year}", who)
    assert r.status_code == 200, r.text
    return r.json()


def cell(stmt: Any, index: int) -> Any:
    return next(c for c in stmt["months"] if c["month"] == ym(index))


async def audit_actions(ctx: Ctx, entity: str, entity_id: int) -> list[str]:
    async with ctx.db.sessionmaker() as s:
        rows = await s.scalars(
            select(AuditLog.action)
            .where(AuditLog.entity == entity, AuditLog.entity_id == str(entity_id))
            .order_by(AuditLog.id)
        )
        return list(rows.all())


async def count(ctx: Ctx, model: Any, *where: Any) -> int:
    async with ctx.db.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)
