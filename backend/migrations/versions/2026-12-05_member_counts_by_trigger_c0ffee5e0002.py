"""member_counts: members per organisation, kind and status, kept by triggers on members

Revision ID: c0ffee5e0002
Revises: c0ffee5e0001
Create Date: 2026-12-05 07:40:00.000000

The organisation tree and the dashboard showed subtree member totals by counting every member
of the subtree on each request (100 000 rows for a street). The triggers keep a small count per
(organisation, kind, status) current on every insert, delete and change of organisation, kind or
status — whatever writes it (the API, the bulk import, seed-demo, raw SQL) — so those totals sum
a few rows per organisation. PostgreSQL: statement-level triggers over transition tables (a bulk
insert updates each count once); SQLite: row-level triggers.

SQLite drops a table's triggers when a batch migration rebuilds it: a later migration that
rebuilds `members` on SQLite must create these triggers again (tests/backend/test_member_counts.py
fails otherwise).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dangjian.core.db  # noqa: F401  (custom column types)


revision: str = 'c0ffee5e0002'
down_revision: str | None = 'c0ffee5e0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "organization_id, kind, status"

PG_FUNCTIONS = {
    "member_counts_insert": f"""
        INSERT INTO member_counts ({_KEY}, members)
        SELECT {_KEY}, count(*) FROM new_rows GROUP BY {_KEY}
        ON CONFLICT ({_KEY}) DO UPDATE SET members = member_counts.members + EXCLUDED.members;
    """,
    "member_counts_delete": f"""
        UPDATE member_counts c SET members = c.members - d.n
        FROM (SELECT {_KEY}, count(*) AS n FROM old_rows GROUP BY {_KEY}) d
        WHERE c.organization_id = d.organization_id AND c.kind = d.kind AND c.status = d.status;
    """,
    "member_counts_update": f"""
        UPDATE member_counts c SET members = c.members - d.n
        FROM (SELECT o.organization_id, o.kind, o.status, count(*) AS n
              FROM old_rows o JOIN new_rows w ON w.id = o.id
              WHERE (o.organization_id, o.kind, o.status)
                    IS DISTINCT FROM (w.organization_id, w.kind, w.status)
              GROUP BY o.organization_id, o.kind, o.status) d
        WHERE c.organization_id = d.organization_id AND c.kind = d.kind AND c.status = d.status;
        INSERT INTO member_counts ({_KEY}, members)
        SELECT w.organization_id, w.kind, w.status, count(*)
        FROM old_rows o JOIN new_rows w ON w.id = o.id
        WHERE (o.organization_id, o.kind, o.status)
              IS DISTINCT FROM (w.organization_id, w.kind, w.status)
        GROUP BY w.organization_id, w.kind, w.status
        ON CONFLICT ({_KEY}) DO UPDATE SET members = member_counts.members + EXCLUDED.members;
    """,
}
PG_TRIGGERS = {
    "member_counts_insert": "AFTER INSERT ON members REFERENCING NEW TABLE AS new_rows",
    "member_counts_delete": "AFTER DELETE ON members REFERENCING OLD TABLE AS old_rows",
    "member_counts_update": (
        "AFTER UPDATE ON members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    ),
}

_SQLITE_ADD = f"""
    INSERT INTO member_counts ({_KEY}, members)
    VALUES (NEW.organization_id, NEW.kind, NEW.status, 1)
    ON CONFLICT ({_KEY}) DO UPDATE SET members = members + 1;
"""
_SQLITE_REMOVE = """
    UPDATE member_counts SET members = members - 1
    WHERE organization_id = OLD.organization_id AND kind = OLD.kind AND status = OLD.status;
"""
SQLITE_TRIGGERS = {
    "member_counts_insert": f"AFTER INSERT ON members BEGIN {_SQLITE_ADD} END",
    "member_counts_delete": f"AFTER DELETE ON members BEGIN {_SQLITE_REMOVE} END",
    "member_counts_update": (
        "AFTER UPDATE OF organization_id, kind, status ON members "
        "WHEN OLD.organization_id IS NOT NEW.organization_id OR OLD.kind IS NOT NEW.kind "
        f"OR OLD.status IS NOT NEW.status BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END"
    ),
}


def upgrade() -> None:
    op.create_table('member_counts',
    sa.Column('organization_id', sa.Integer(), nullable=False, comment='党组织'),
    sa.Column('kind', sa.Enum('formal', 'probationary', name='memberkind', native_enum=False, length=32), nullable=False, comment='党员类别'),
    sa.Column('status', sa.Enum('normal', 'stopped', 'suspended', 'probation', 'lost_contact', 'transferred_out', 'deceased', 'removed', 'expelled', name='memberstatus', native_enum=False, length=32), nullable=False, comment='党籍状态'),
    sa.Column('members', sa.Integer(), nullable=False, comment='人数'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_member_counts_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id', 'kind', 'status', name=op.f('pk_member_counts')),
    comment='各组织直属党员人数（按类别、状态；触发器维护）'
    )
    op.execute(
        f"INSERT INTO member_counts ({_KEY}, members) "
        f"SELECT {_KEY}, count(*) FROM members GROUP BY {_KEY}"
    )
    if op.get_bind().dialect.name == "postgresql":
        for name, body in PG_FUNCTIONS.items():
            op.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{body}\nRETURN NULL;\nEND\n$$"
            )
        for name, when in PG_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
    else:
        for name, definition in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON members" if postgresql else f"DROP TRIGGER IF EXISTS {name}")
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table('member_counts')
