"""members: stored masked forms of the ID number and mobile (the roster decrypts nothing)

Revision ID: c0ffee5e0001
Revises: a11c0de5e004
Create Date: 2026-12-05 07:20:00.000000

The roster list shows ID numbers and mobiles masked (ROLES.md rule of access 3); it used to
decrypt both per row only to mask them. The masked forms are not secret, so they are now stored
beside the ciphertext (`dangjian.members.stored`) and back-filled here from the encrypted values:
the personal-data key must be available (settings or var/data_key) when members exist.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'c0ffee5e0001'
down_revision: str | None = 'a11c0de5e004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number_masked', sa.String(length=32), nullable=True, comment='公民身份号码（脱敏）'))
        batch_op.add_column(sa.Column('mobile_masked', sa.String(length=32), nullable=True, comment='手机号码（脱敏）'))
    _backfill_masked()


def _backfill_masked() -> None:
    """Mask the decrypted values of existing members, in batches (keyset by id)."""
    from dangjian.authz.masking import mask_id_number, mask_phone
    from dangjian.core.config import get_settings
    from dangjian.core.crypto import PersonalDataCipher

    bind = op.get_bind()
    select = sa.text(
        "SELECT id, id_number_enc, mobile_enc FROM members "
        "WHERE id > :last AND (id_number_enc IS NOT NULL OR mobile_enc IS NOT NULL) "
        "ORDER BY id LIMIT :n"
    )
    update = sa.text("UPDATE members SET id_number_masked = :i, mobile_masked = :m WHERE id = :id")
    cipher = None
    last = 0
    while rows := bind.execute(select, {"last": last, "n": BATCH}).all():
        if cipher is None:
            cipher = PersonalDataCipher(get_settings().personal_data_key())
        bind.execute(
            update,
            [
                {
                    "i": mask_id_number(cipher.decrypt(id_enc)) if id_enc else None,
                    "m": mask_phone(cipher.decrypt(mobile_enc)) if mobile_enc else None,
                    "id": member_id,
                }
                for member_id, id_enc, mobile_enc in rows
            ],
        )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('mobile_masked')
        batch_op.drop_column('id_number_masked')
