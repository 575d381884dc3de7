"""An export is a read that leaves a trace: every .xlsx the platform hands out is built here,
in a worker thread, and its audit row is appended in the request's transaction."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.principal import Principal
from dangjian.core.cpu import run_cpu
from dangjian.core.exports import workbook


async def export_book(
    session: AsyncSession,
    principal: Principal,
    rows: list[list[Any]],
    *,
    title: str,
    heading: str,
    columns: Sequence[tuple[str, int]],
    wrapped: Collection[str] = frozenset(),
    action: str,
    entity: str,
    entity_id: object,
    organization_path: str | None,
    after: dict[str, Any],
) -> bytes:
    """A one-sheet book (`core.exports.workbook`, formula-safe) built off the event loop, then
    the audit row of the export (`action`/`entity`, what was exported in `after`).

    The workbook is written before the audit row is appended: the append holds the audit
    chain's head until the request commits, and the book can take a while."""
    content = await run_cpu(
        workbook, rows, title=title, heading=heading, columns=columns, wrapped=wrapped
    )
    await audit.record(
        session,
        actor=principal,
        action=action,
        entity=entity,
        entity_id=entity_id,
        organization_path=organization_path,
        after=after,
    )
    return content
