"""Writing and verifying the audit chain.

Every append takes the chain head with `UPDATE … RETURNING` (a row lock on PostgreSQL, the write
lock on SQLite), so appends are serialised and `seq` has no gaps; each row's hash covers its
content and the previous row's hash, so an edited, inserted or deleted row breaks the chain.

The hash is HMAC-SHA256 under the audit key, which lives outside the database
(`DANGJIAN_AUDIT_KEY` or var/audit_key): whoever can rewrite the table cannot recompute the chain.
Rows written before the keyed chain (below `audit_head.hmac_from`) keep their plain SHA-256 hash;
they stay protected because the first keyed row covers the last legacy hash, and a chain whose
newest row is not keyed does not verify. Truncating the tail and rewinding the head is found by
an anchor — the head's seq and hash kept outside (`dangjian audit anchor`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.principal import Principal
from dangjian.core import clock
from dangjian.core.config import get_settings
from dangjian.core.errors import AppError
from dangjian.models import ApiClient, AuditHead, AuditLog, AuthSession, Organization, User

GENESIS_HASH = "0" * 64

# Security events: sign-ins and their failures and lock-outs, token refresh and its reuse, client
# tokens, sessions ended, password and TOTP changes. They carry `subject_path`, the organisation of
# the account they concern, and are read with `audit.security` (see router.py).
SECURITY_ACTION_PREFIXES = ("auth.", "user.totp_")
SECURITY_ACTIONS = frozenset({"user.password_change"})

_key_override: bytes | None = None


def use_key(key: str | None) -> None:
    """Fix the audit key for this process (None: the settings' key, `get_settings()`)."""
    global _key_override
    _key_override = key.encode() if key else None


def signing_key() -> bytes:
    return _key_override or get_settings().audit_signing_key().encode()


def is_security_action(action: str) -> bool:
    return action in SECURITY_ACTIONS or action.startswith(SECURITY_ACTION_PREFIXES)


def security_action_clause() -> ColumnElement[bool]:
    return or_(
        AuditLog.action.in_(sorted(SECURITY_ACTIONS)),
        *(AuditLog.action.startswith(p, autoescape=True) for p in SECURITY_ACTION_PREFIXES),
    )


class AuditUnavailable(AppError):
    status, code, title = 503, "audit_unavailable", "审计记录无法写入，操作已取消"


def jsonable(value: Any) -> Any:
    """Normalise to what a JSON column gives back, so hashes survive the round trip."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str, sort_keys=True))


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _legacy_digest(row: AuditLog) -> str:
    """The hash of rows written before the keyed chain: plain SHA-256, no subject_path."""
    return hashlib.sha256(_canonical(_fields(row))).hexdigest()


def _keyed_digest(row: AuditLog, key: bytes) -> str:
    fields = {**_fields(row), "subject_path": row.subject_path}
    return hmac.new(key, _canonical(fields), hashlib.sha256).hexdigest()


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


async def _subject_path(
    session: AsyncSession,
    actor: Principal | None,
    actor_user_id: int | None,
    actor_label: str | None,
    action: str,
    entity: str,
    entity_id: object,
) -> str | None:
    """The organisation path of the account a security event concerns (None: unknown)."""
    user_id: int | None = None
    client_pk: int | None = None
    if actor is not None:
        if actor.actor_kind == "client":
            client_pk = actor.actor_id
        else:
            user_id = actor.actor_id
    elif actor_user_id is not None:
        user_id = actor_user_id
    elif entity == "session" and entity_id is not None:
        owner = (
            await session.execute(
                select(AuthSession.user_id, AuthSession.client_id).where(
                    AuthSession.id == str(entity_id)
                )
            )
        ).one_or_none()
        if owner is not None:
            user_id, client_pk = owner.user_id, owner.client_id
    elif entity == "api_client" and entity_id is not None:
        return await session.scalar(
            select(Organization.path)
            .join(ApiClient, ApiClient.organization_id == Organization.id)
            .where(ApiClient.client_id == str(entity_id))
        )
    elif action == "auth.login_failed" and actor_label:
        return await session.scalar(
            select(Organization.path)
            .join(User, User.organization_id == Organization.id)
            .where(User.username == actor_label)
        )
    if user_id is not None:
        return await session.scalar(
            select(Organization.path)
            .join(User, User.organization_id == Organization.id)
            .where(User.id == user_id)
        )
    if client_pk is not None:
        return await session.scalar(
            select(Organization.path)
            .join(ApiClient, ApiClient.organization_id == Organization.id)
            .where(ApiClient.id == client_pk)
        )
    return None


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
    subject_path: str | None = None,
) -> AuditLog:
    """Append one audit row in the caller's transaction; if it fails, the change fails too.

    A security event (`is_security_action`) records the organisation path of the account it
    concerns in `subject_path`; when the caller does not give it, it is looked up here.
    """
    if subject_path is None and is_security_action(action):
        subject_path = organization_path or await _subject_path(
            session, actor, actor_user_id, actor_label, action, entity, entity_id
        )
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
        at=clock.now(),
        actor_kind=actor.actor_kind if actor else ("user" if actor_user_id else "system"),
        actor_id=actor.actor_id if actor else actor_user_id,
        actor_label=actor_label or (actor.identity if actor else "匿名"),
        on_behalf_of=on_behalf_of,
        ip=ip if ip is not None else (actor.ip if actor else None),
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        organization_path=organization_path,
        subject_path=subject_path,
        before=jsonable(before),
        after=jsonable(after),
        prev_hash=head.hash,
        hash="",
    )
    row.hash = _keyed_digest(row, signing_key())
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


@dataclass(frozen=True)
class Anchor:
    """The chain head as kept outside the database: its seq, its hash and when it was written."""

    seq: int
    hash: str
    at: str | None = None

    def to_json(self) -> str:
        return json.dumps({"seq": self.seq, "hash": self.hash, "at": self.at}, ensure_ascii=False)

    @classmethod
    def parse(cls, line: str) -> Anchor:
        """One anchor from a JSON line; ValueError if it is not one."""
        try:
            data = json.loads(line)
            seq, digest = data["seq"], data["hash"]
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(line) from exc
        if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(digest, str):
            raise ValueError(line)
        at = data.get("at")
        return cls(seq, digest, at if isinstance(at, str) else None)


async def current_anchor(session: AsyncSession) -> Anchor:
    """The head of the chain, to be kept by an external system."""
    head = await session.get(AuditHead, 1)
    if head is None:
        raise AuditUnavailable()
    at = await session.scalar(select(AuditLog.at).where(AuditLog.seq == head.seq))
    stamp = at.astimezone(UTC).isoformat(timespec="microseconds") if at else None
    return Anchor(head.seq, head.hash, stamp)


async def seal(session: AsyncSession) -> AuditLog:
    """Append a keyed row, so that legacy rows at the end of the chain become covered by the key."""
    return await record(
        session,
        actor=None,
        action="system.audit_seal",
        entity="system",
        actor_label="dangjian audit seal",
    )


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


async def verify(
    session: AsyncSession, *, key: bytes | None = None, anchors: Iterable[Anchor] = ()
) -> VerifyResult:
    """Walk the chain; report the first altered, inserted or missing row, a newest row not keyed,
    and any anchor the chain no longer contains."""
    key = key or signing_key()
    head = await session.get(AuditHead, 1)
    hmac_from = (head.hmac_from if head is not None else None) or 1
    anchored = {a.seq: a.hash for a in anchors if a.seq > 0}  # seq 0: the empty chain
    seen: set[int] = set()
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    async for row in _rows(session):
        count += 1
        if row.seq != expected_seq:
            return VerifyResult(False, count, expected_seq, f"第 {expected_seq} 条记录缺失")
        if row.prev_hash != prev_hash:
            return VerifyResult(
                False, count, row.seq, f"第 {row.seq} 条记录的前序哈希不符（前一条被改动或删除）"
            )
        wanted = _legacy_digest(row) if row.seq < hmac_from else _keyed_digest(row, key)
        if not hmac.compare_digest(wanted, row.hash):
            return VerifyResult(False, count, row.seq, f"第 {row.seq} 条记录内容被改动")
        if row.seq in anchored:
            seen.add(row.seq)
            if anchored[row.seq] != row.hash:
                return VerifyResult(
                    False, count, row.seq, f"第 {row.seq} 条记录与外部锚点不符（整条链被重写）"
                )
        prev_hash, expected_seq = row.hash, expected_seq + 1
    if head is None or head.seq != expected_seq - 1 or head.hash != prev_hash:
        missing = expected_seq if head is None or head.seq >= expected_seq else None
        return VerifyResult(
            False, count, missing, f"链尾不符：第 {expected_seq} 条及之后的记录缺失"
        )
    if count and expected_seq - 1 < hmac_from:
        return VerifyResult(
            False,
            count,
            hmac_from,
            f"最新的第 {expected_seq - 1} 条记录未受审计密钥保护（密钥启用于第 {hmac_from} 条）："
            "若刚升级，请执行 dangjian audit seal",
        )
    lost = sorted(set(anchored) - seen)
    if lost:
        return VerifyResult(
            False,
            count,
            lost[0],
            f"外部锚点记录的第 {lost[0]} 条记录已不在链中（链尾被截断后链头被改回）",
        )
    return VerifyResult(True, count)
