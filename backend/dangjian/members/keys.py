"""Rotating the personal-data key: every encrypted column is re-encrypted and every blind index
recomputed under the new key, in one transaction (all or nothing). Correction requests' proposed
personal values are re-encrypted too, and those stored in clear before they were encrypted are
encrypted on the way."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.core.crypto import PersonalDataCipher
from dangjian.members.corrections import seal, unseal
from dangjian.models import Member, MemberCorrection, User


async def rotate(session: AsyncSession, old: PersonalDataCipher, new: PersonalDataCipher) -> int:
    """Re-encrypt members' ID numbers, mobiles and addresses and users' TOTP secrets."""
    changed = 0
    last = 0
    while True:
        rows = (
            await session.execute(
                select(Member.id, Member.id_number_enc, Member.mobile_enc, Member.address_enc)
                .where(Member.id > last)
                .order_by(Member.id)
                .limit(2000)
            )
        ).all()
        if not rows:
            break
        for member_id, id_enc, mobile_enc, address_enc in rows:
            number = old.decrypt(id_enc) if id_enc else None
            mobile = old.decrypt(mobile_enc) if mobile_enc else None
            address = old.decrypt(address_enc) if address_enc else None
            await session.execute(
                update(Member)
                .where(Member.id == member_id)
                .values(
                    id_number_enc=new.encrypt(number) if number else None,
                    id_number_index=new.blind_index(number) if number else None,
                    mobile_enc=new.encrypt(mobile) if mobile else None,
                    mobile_index=new.blind_index(mobile) if mobile else None,
                    address_enc=new.encrypt(address) if address else None,
                )
                .execution_options(synchronize_session=False)
            )
            changed += 1
        last = rows[-1][0]
    corrections = 0
    last = 0
    while True:
        batch = (
            await session.execute(
                select(MemberCorrection.id, MemberCorrection.changes)
                .where(MemberCorrection.id > last)
                .order_by(MemberCorrection.id)
                .limit(2000)
            )
        ).all()
        if not batch:
            break
        for correction_id, changes in batch:
            await session.execute(
                update(MemberCorrection)
                .where(MemberCorrection.id == correction_id)
                .values(changes=seal(new, unseal(old, changes or {})))
                .execution_options(synchronize_session=False)
            )
            corrections += 1
        last = batch[-1][0]
    secrets = (
        await session.execute(
            select(User.id, User.totp_secret).where(User.totp_secret.is_not(None))
        )
    ).all()
    for user_id, secret in secrets:
        assert secret is not None  # selected with IS NOT NULL
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .values(totp_secret=new.encrypt(old.decrypt(secret)))
            .execution_options(synchronize_session=False)
        )
    await audit.record(
        session,
        actor=None,
        action="system.rotate_data_key",
        entity="system",
        actor_label="dangjian rotate-data-key",
        after={"members": changed, "corrections": corrections, "totp_secrets": len(secrets)},
    )
    return changed
