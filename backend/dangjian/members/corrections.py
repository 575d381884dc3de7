"""Self-service: a member asks to correct their record; 组织委员 or 党务干事 decide (ROLES.md
"Own": ask for corrections). An approved request is applied like an edit, and audited.

The proposed ID number, mobile and address are personal data like the record's own: stored
encrypted with the personal-data key (`{"enc": token}` in place of the value; rows from before
hold them in clear and are read as they are, and `dangjian rotate-data-key` encrypts them), and
answered masked like the member record unless the reader may see the member's full data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.masking import mask_id_number, mask_phone
from dangjian.authz.principal import Principal
from dangjian.core import clock
from dangjian.core.cpu import run_cpu
from dangjian.core.crypto import PersonalDataCipher
from dangjian.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from dangjian.members import service
from dangjian.members.schemas import (
    CorrectionCreate,
    CorrectionDecision,
    CorrectionRead,
    CorrectionStatus,
    MemberUpdate,
)
from dangjian.models import Member, MemberCorrection, MemberEvent, Organization

# A member corrects facts about themself; moving organisation or becoming a formal member are
# procedures of their own (transfers, conversion), not corrections.
NOT_CORRECTABLE = frozenset({"organization_id", "kind", "categories"})


# Stored encrypted, as in the member record.
ENCRYPTED_FIELDS = ("id_number", "mobile", "address")
MASKED_ADDRESS = "（已隐藏）"
# Masked in answers exactly as the member record masks them (the record leaves out the address).
MASKS: dict[str, Callable[[str | None], str | None]] = {
    "id_number": mask_id_number,
    "mobile": mask_phone,
    "landline": mask_phone,
    "address": lambda value: MASKED_ADDRESS if value else value,
}


def seal(cipher: PersonalDataCipher, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes as stored: personal values replaced by `{"enc": token}`."""
    return {
        k: {"enc": cipher.encrypt(v)} if k in ENCRYPTED_FIELDS and isinstance(v, str) else v
        for k, v in changes.items()
    }


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("enc"), str)


def unseal(cipher: PersonalDataCipher, stored: dict[str, Any]) -> dict[str, Any]:
    """The changes in clear (legacy rows hold the values in clear already)."""
    return {k: cipher.decrypt(v["enc"]) if is_sealed(v) else v for k, v in stored.items()}


def _read(
    c: MemberCorrection,
    member_name: str,
    cipher: PersonalDataCipher,
    *,
    full: bool,
) -> CorrectionRead:
    changes = unseal(cipher, c.changes)
    if not full:
        changes = {k: MASKS[k](v) if k in MASKS else v for k, v in changes.items()}
    return CorrectionRead(
        id=c.id,
        member_id=c.member_id,
        member_name=member_name,
        organization_id=c.organization_id,
        changes=changes,
        masked=not full and any(changes.get(k) for k in MASKS),
        reason=c.reason,
        status=CorrectionStatus(c.status),
        requested_by=c.requested_by,
        decided_by=c.decided_by,
        decided_at=c.decided_at,
        decision_note=c.decision_note,
        created_at=c.created_at,
    )


def _full_for(principal: Principal, c: MemberCorrection, path: str) -> bool:
    """Only the member themself reads a request in clear — like the member record (rules of
    access 3): holders of the full-data capability see the masked form here too and read the
    applied values through the audited, rate-limited reveal, never in bulk through this list."""
    return principal.member is not None and principal.member.id == c.member_id


def _own_member(principal: Principal) -> Member:
    if principal.member is None:
        raise NotFound("当前账号未关联党员信息", code="no_member_record")
    return principal.member


async def request(
    session: AsyncSession, principal: Principal, cipher: PersonalDataCipher, body: CorrectionCreate
) -> CorrectionRead:
    member = _own_member(principal)
    changes = body.changes.model_dump(exclude_unset=True, mode="json")
    if not changes:
        raise Unprocessable("请填写要更正的内容", code="correction_empty")
    refused = sorted(set(changes) & NOT_CORRECTABLE)
    if refused:
        raise Unprocessable(
            "以下内容不能通过更正申请修改（请联系党组织办理）：" + "、".join(refused),
            code="correction_not_allowed",
        )
    org = await session.get(Organization, member.organization_id)
    assert org is not None
    correction = MemberCorrection(
        member_id=member.id,
        organization_id=org.id,
        changes=seal(cipher, changes),
        reason=body.reason,
        requested_by=principal.label,
    )
    session.add(correction)
    await session.flush()
    read = _read(correction, member.name, cipher, full=True)  # the member's own request
    # the proposed values may hold personal data: the audit keeps which fields, not the values
    await audit.record(
        session,
        actor=principal,
        action="member.correction_request",
        entity="member_correction",
        entity_id=correction.id,
        organization_path=org.path,
        after={"fields": sorted(changes)},
    )
    return read


async def mine(
    session: AsyncSession, principal: Principal, cipher: PersonalDataCipher
) -> list[CorrectionRead]:
    member = _own_member(principal)
    rows = (
        await session.scalars(
            select(MemberCorrection)
            .where(MemberCorrection.member_id == member.id)
            .order_by(MemberCorrection.id.desc())
        )
    ).all()
    return [_read(c, member.name, cipher, full=True) for c in rows]


def _scoped(principal: Principal):  # type: ignore[no-untyped-def]
    return (
        select(MemberCorrection, Member.name, Organization.path)
        .join(Member, Member.id == MemberCorrection.member_id)
        .join(Organization, Organization.id == Member.organization_id)
        .where(principal.readable(Organization.path, Cap.roster_read))
    )


async def awaiting_count(session: AsyncSession, principal: Principal) -> int:
    """Pending corrections the caller may decide (the test `decide` makes: roster.write)."""
    paths = await session.scalars(
        _scoped(principal)
        .where(MemberCorrection.status == CorrectionStatus.pending)
        .with_only_columns(Organization.path)
    )
    return sum(principal.can(Cap.roster_write, path) for path in paths)


async def listing(
    session: AsyncSession,
    principal: Principal,
    cipher: PersonalDataCipher,
    status: CorrectionStatus | None,
) -> list[CorrectionRead]:
    stmt = _scoped(principal)
    if status is not None:
        stmt = stmt.where(MemberCorrection.status == status)
    rows = (await session.execute(stmt.order_by(MemberCorrection.id.desc()).limit(200))).all()
    return [_read(c, name, cipher, full=_full_for(principal, c, path)) for c, name, path in rows]


async def decide(
    session: AsyncSession,
    principal: Principal,
    cipher: PersonalDataCipher,
    correction_id: int,
    body: CorrectionDecision,
) -> CorrectionRead:
    row = (
        await session.execute(_scoped(principal).where(MemberCorrection.id == correction_id))
    ).one_or_none()
    if row is None:
        raise NotFound()
    correction, name, path = row
    if not principal.can(Cap.roster_write, path):
        raise Forbidden()
    if correction.status != CorrectionStatus.pending:
        raise Conflict("该申请已处理", code="correction_decided")
    if body.approve:
        member, _, member_path, _ = await service._load(session, principal, correction.member_id)
        update = MemberUpdate.model_validate(unseal(cipher, correction.changes))
        await service.apply_changes(
            session,
            principal,
            cipher,
            member,
            member_path,
            update,
            action="member.correction_apply",
        )
    correction.status = CorrectionStatus.approved if body.approve else CorrectionStatus.refused
    correction.decided_by = principal.label
    correction.decided_at = clock.now()
    correction.decision_note = body.note
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="member.correction_decide",
        entity="member_correction",
        entity_id=correction.id,
        organization_path=path,
        after={"status": correction.status, "note": body.note},
    )
    return _read(correction, name, cipher, full=_full_for(principal, correction, path))


async def self_export(
    session: AsyncSession, principal: Principal, cipher: PersonalDataCipher, today: date
) -> bytes:
    """Everything the platform holds about the member, for the member (PIPL art. 45)."""
    record = await service.my_member(session, principal, cipher, today)
    member = _own_member(principal)
    events = (
        await session.scalars(
            select(MemberEvent)
            .where(MemberEvent.member_id == member.id)
            .order_by(MemberEvent.occurred_on)
        )
    ).all()
    corrections = await mine(session, principal, cipher)
    org = await session.get(Organization, member.organization_id)
    await audit.record(
        session,
        actor=principal,
        action="member.self_export",
        entity="member",
        entity_id=member.id,
        organization_path=org.path if org else None,
    )
    payload = {
        "exported_at": clock.now().isoformat(),
        "member": record.model_dump(mode="json"),
        "events": [
            {
                "type": e.type,
                "occurred_on": e.occurred_on.isoformat(),
                "ends_on": e.ends_on.isoformat() if e.ends_on else None,
                "reason": e.reason,
                "document": e.document,
            }
            for e in events
        ],
        "corrections": [c.model_dump(mode="json") for c in corrections],
    }
    text = await run_cpu(json.dumps, payload, ensure_ascii=False, indent=2)
    return text.encode()
