"""Writing and verifying the audit chain.

Every append takes the chain head with `UPDATE … RETURNING` (a row lock on PostgreSQL, the write
lock on SQLite), so appends are serialised and `seq` has no gaps; each row's hash covers its
content and the previous row's hash, so an edited, inserted or deleted row breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.principal import Principal
from dangjian.core.errors import AppError
from dangjian.models import AuditHead, AuditLog

GENESIS_HASH = "0" * 64


class AuditUnavailable(AppError):
    status, code, title = 503, "audit_unavailable", "审计记录无法写入，操作已取消"


def jsonable(value: Any) -> Any:
    """Normalise to what a JSON column gives back, so hashes survive the round trip."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str, sort_keys=True))


def _digest(fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _fields(row: AuditLog) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "at": row.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_kind": row.actor_kind,
        "actor_id": row.actor_id,
        "actor_label": row.actor_label,
        "on_behalf_of": row.on_behalf_of,
        "ip": row.ip,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "organization_path": row.organization_path,
        "before": row.before,
        "after": row.after,
        "prev_hash": row.prev_hash,
    }


async def record(
    session: AsyncSession,
    *,
    actor: Principal | None,
    action: str,
    entity: str,
    entity_id: object = None,
    organization_path: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_label: str | None = None,
    ip: str | None = None,
    on_behalf_of: str | None = None,
    actor_user_id: int | None = None,
) -> AuditLog:
    """Append one audit row in the caller's transaction; if it fails, the change fails too."""
    head = (
        await session.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(seq=AuditHead.seq + 1)
            .returning(AuditHead.seq, AuditHead.hash)
        )
    ).one_or_none()
    if head is None:
        raise AuditUnavailable()
    row = AuditLog(
        seq=head.seq,
        at=datetime.now(UTC),
        actor_kind=actor.actor_kind if actor else ("user" if actor_user_id else "system"),
        actor_id=actor.actor_id if actor else actor_user_id,
        actor_label=actor_label or (actor.label if actor else "匿名"),
        on_behalf_of=on_behalf_of,
        ip=ip if ip is not None else (actor.ip if actor else None),
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        organization_path=organization_path,
        before=jsonable(before),
        after=jsonable(after),
        prev_hash=head.hash,
        hash="",
    )
    row.hash = _digest(_fields(row))
    session.add(row)
    await session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=row.hash))
    await session.flush()
    return row


@dataclass
class VerifyResult:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    problem: str | None = None


async def _rows(session: AsyncSession, batch: int = 1000) -> AsyncIterator[AuditLog]:
    last = 0
    while True:
        chunk = (
            await session.scalars(
                select(AuditLog).where(AuditLog.seq > last).order_by(AuditLog.seq).limit(batch)
            )
        ).all()
        if not chunk:
            return
        for row in chunk:
            yield row
        last = chunk[-1].seq


async def verify(session: AsyncSession) -> VerifyResult:
    """Walk the chain; report the first altered, inserted or missing row."""
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    async for row in _rows(session):
        count += 1
        if row.seq != expected_seq:
            return VerifyResult(False, count, expected_seq, f"第 {expected_seq} 条记录缺失")
        if row.prev_hash != prev_hash:
            return VerifyResult(
                False, count, row.seq, f"第 {row.seq} 条记录的前序哈希不符（前一条被改动或删除）"
            )
        if _digest(_fields(row)) != row.hash:
            return VerifyResult(False, count, row.seq, f"第 {row.seq} 条记录内容被改动")
        prev_hash, expected_seq = row.hash, expected_seq + 1
    head = await session.get(AuditHead, 1)
    if head is None or head.seq != expected_seq - 1 or head.hash != prev_hash:
        missing = expected_seq if head is None or head.seq >= expected_seq else None
        return VerifyResult(
            False, count, missing, f"链尾不符：第 {expected_seq} 条及之后的记录缺失"
        )
    return VerifyResult(True, count)
