"""audit: keyed chain cut-over, security-event subject path, append-only triggers

Revision ID: a11c0de5e004
Revises: a11c0de5e001
Create Date: 2026-12-04 15:30:00.000000

Existing rows keep their plain SHA-256 hashes: nothing is re-hashed. `audit_head.hmac_from`
records the first seq chained with HMAC-SHA256 (the next row to be written), so `dangjian audit
verify` accepts the legacy form only below it. Security events (sign-ins, refresh-token reuse,
password and TOTP changes) get the organisation path of the account they concern, back-filled
here for the legacy rows (the column is outside the legacy hash). Finally the audit table becomes
append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dangjian.core.db  # noqa: F401  (custom column types)


revision: str = 'a11c0de5e004'
down_revision: str | None = 'a11c0de5e001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SECURITY_ROWS = (
    "(action LIKE 'auth.%' OR action = 'user.password_change' OR action LIKE 'user.totp!_%' ESCAPE '!')"
)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hmac_from', sa.BigInteger(), nullable=True, comment='首条密钥哈希序号'))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_path', sa.String(length=255), nullable=True, comment='安全事件所涉账号的党组织路径'))
        batch_op.create_index(batch_op.f('ix_audit_log_subject_path'), ['subject_path'], unique=False)

    op.execute("UPDATE audit_head SET hmac_from = seq + 1")
    # Legacy security events: the organisation of the account they concern (by id, else name).
    op.execute(
        "UPDATE audit_log SET subject_path = (SELECT o.path FROM users u"
        " JOIN organizations o ON o.id = u.organization_id WHERE u.id = audit_log.actor_id)"
        f" WHERE actor_kind = 'user' AND actor_id IS NOT NULL AND {SECURITY_ROWS}"
    )
    op.execute(
        "UPDATE audit_log SET subject_path = (SELECT o.path FROM users u"
        " JOIN organizations o ON o.id = u.organization_id WHERE u.username = audit_log.actor_label)"
        " WHERE action = 'auth.login_failed' AND subject_path IS NULL"
    )
    op.execute(
        "UPDATE audit_log SET subject_path = (SELECT o.path FROM auth_sessions s"
        " JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.organization_id"
        " WHERE s.id = audit_log.entity_id)"
        f" WHERE entity = 'session' AND subject_path IS NULL AND {SECURITY_ROWS}"
    )
    op.execute(
        "UPDATE audit_log SET subject_path = (SELECT o.path FROM api_clients c"
        " JOIN organizations o ON o.id = c.organization_id WHERE c.client_id = audit_log.entity_id)"
        f" WHERE entity = 'api_client' AND subject_path IS NULL AND {SECURITY_ROWS}"
    )

    if op.get_context().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log"
            " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
            " FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
            " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (UPDATE refused)'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
            " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (DELETE refused)'); END"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_subject_path'))
        batch_op.drop_column('subject_path')
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('hmac_from')
