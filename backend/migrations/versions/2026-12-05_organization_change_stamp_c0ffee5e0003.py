"""change_stamps: a token that changes with every write to organizations, kept by triggers

Revision ID: c0ffee5e0003
Revises: c0ffee5e0002
Create Date: 2026-12-05 13:00:00.000000

The organisation tree of a street is ~2 100 nodes; its structure changes a few times a year and
was read and rebuilt on every request. organizations.service keeps the structure per scope in
process memory, valid while the 'organizations' stamp is unchanged. The triggers give the stamp
a fresh random value on every insert, update, delete (and, on PostgreSQL, truncate) of
organizations, whatever writes it. PostgreSQL: one statement-level trigger that runs BEFORE the
statement, so a transaction takes the stamp's row lock before any organisation row lock and two
transactions writing organisations queue instead of deadlocking (an AFTER trigger would hold
one organisation while waiting for the stamp another holds while waiting for that
organisation); SQLite (one writer at a time): row-level triggers.

SQLite drops a table's triggers when a batch migration rebuilds it: a later migration that
rebuilds `organizations` on SQLite must create these triggers again
(tests/backend/test_organization_tree_cache.py fails otherwise).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'c0ffee5e0003'
down_revision: str | None = 'c0ffee5e0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_NEW_STAMP = "md5(random()::text || clock_timestamp()::text)"
SQLITE_NEW_STAMP = "lower(hex(randomblob(16)))"
SQLITE_TRIGGERS = ("insert", "update", "delete")


def upgrade() -> None:
    op.create_table('change_stamps',
    sa.Column('name', sa.String(length=32), nullable=False, comment='表名'),
    sa.Column('stamp', sa.String(length=32), nullable=False, comment='变更标记'),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_change_stamps')),
    comment='数据变更标记（触发器维护，供读模型缓存校验）'
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    new_stamp = PG_NEW_STAMP if postgresql else SQLITE_NEW_STAMP
    op.execute(f"INSERT INTO change_stamps (name, stamp) VALUES ('organizations', {new_stamp})")
    bump = f"UPDATE change_stamps SET stamp = {new_stamp} WHERE name = 'organizations';"
    if postgresql:
        op.execute(
            "CREATE OR REPLACE FUNCTION organizations_changed() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$\nBEGIN\n{bump}\nRETURN NULL;\nEND\n$$"
        )
        op.execute(
            "CREATE TRIGGER organizations_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
            "ON organizations FOR EACH STATEMENT EXECUTE FUNCTION organizations_changed()"
        )
    else:
        for event in SQLITE_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER organizations_changed_{event} AFTER {event.upper()} "
                f"ON organizations BEGIN {bump} END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS organizations_changed ON organizations")
        op.execute("DROP FUNCTION IF EXISTS organizations_changed()")
    else:
        for event in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS organizations_changed_{event}")
    op.drop_table('change_stamps')
