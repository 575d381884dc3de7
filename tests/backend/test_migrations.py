"""Migrations on both databases: upgrade → downgrade → upgrade works, and the models match the
migrated schema exactly (an autogenerate diff is empty), so no column or index lives only in
the models or only in the migrations.

Alembic's commands call asyncio.run themselves (migrations/env.py), so these tests are sync.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from conftest import Template, _pg_admin
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from dangjian.cli import alembic_config
from dangjian.core.db import make_engine
from dangjian.models import Base


@pytest.fixture
def scratch_url(template: Template, tmp_path: Path) -> Iterator[str]:
    """An empty database of the template's kind (no tables at all)."""
    if template.kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
        return
    assert template.admin_dsn is not None
    name = f"dj_mig_{os.getpid()}"
    asyncio.run(
        _pg_admin(
            template.admin_dsn,
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}"',
        )
    )
    yield make_url(template.url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_pg_admin(template.admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def on_connection(url: str, fn: Any) -> Any:
    """Run `fn(sync_connection)` on the database and return its result."""

    async def run() -> Any:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def schema_diff(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def table_names(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def audit_head_rows(conn: Connection) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(text("SELECT id, seq, hash FROM audit_head"))]


def test_upgrade_downgrade_upgrade_and_models_match(scratch_url: str) -> None:
    cfg = alembic_config(scratch_url)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    model_tables = set(Base.metadata.tables)

    command.upgrade(cfg, "head")
    assert on_connection(scratch_url, current_revision) == head
    assert on_connection(scratch_url, table_names) == model_tables | {"alembic_version"}
    assert on_connection(scratch_url, schema_diff) == []
    assert on_connection(scratch_url, audit_head_rows) == [(1, 0, "0" * 64)]

    command.downgrade(cfg, "base")
    assert on_connection(scratch_url, current_revision) is None
    assert on_connection(scratch_url, table_names) <= {"alembic_version"}

    command.upgrade(cfg, "head")
    assert on_connection(scratch_url, current_revision) == head
    assert on_connection(scratch_url, table_names) == model_tables | {"alembic_version"}
    assert on_connection(scratch_url, schema_diff) == []
    assert on_connection(scratch_url, audit_head_rows) == [(1, 0, "0" * 64)]

    # The comparison is not vacuous: an index missing from the database is reported.
    def diff_without_an_index(conn: Connection) -> list[Any]:
        conn.execute(text("DROP INDEX ix_refresh_tokens_session_id"))
        return schema_diff(conn)

    diff = on_connection(scratch_url, diff_without_an_index)
    assert [(d[0], d[1].name) for d in diff] == [("add_index", "ix_refresh_tokens_session_id")]


def test_migration_history_is_linear() -> None:
    """One head and one base: two people's migrations never fork the history unnoticed."""
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
    for revision in script.walk_revisions():
        assert revision.doc, f"migration {revision.revision} has no message"
        assert revision.module.downgrade is not None


FOUNDATION = "5f0f10a174c2"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_upgrading_a_populated_database_keeps_its_links_and_backfills_derived_columns(
    scratch_url: str, migration_data_key: str
) -> None:
    """The roster migration rebuilds `members` on SQLite (batch mode): the users' member links
    must survive it (foreign keys are off while migrating), and the last-4 search columns and
    the masked forms are filled from the encrypted values."""
    from dangjian.core.crypto import PersonalDataCipher

    cipher = PersonalDataCipher(migration_data_key)
    command.upgrade(alembic_config(scratch_url), FOUNDATION)

    def populate(conn: Connection) -> None:
        conn.execute(
            text(
                "INSERT INTO organizations (id, path, depth, name, kind, sort_order, created_at, updated_at)"
                " VALUES (1, '/1/', 0, '测试支部', 'branch', 0, :t, :t)"
            ),
            {"t": T0},
        )
        conn.execute(
            text(
                "INSERT INTO members (id, organization_id, name, gender, kind, status, categories,"
                " id_number_enc, id_number_index, mobile_enc, created_at, updated_at)"
                " VALUES (1, 1, '张三', 'male', 'formal', 'normal', '[]', :i, 'idx', :m, :t, :t)"
            ),
            {
                "i": cipher.encrypt("11010519491231002X"),
                "m": cipher.encrypt("13800138000"),
                "t": T0,
            },
        )
        conn.execute(
            text(
                "INSERT INTO users (id, username, display_name, password_hash, member_id, is_active,"
                " is_admin, must_change_password, totp_enabled, created_at, updated_at)"
                " VALUES (1, 'zhangsan', '张三', 'x', 1, true, false, false, false, :t, :t)"
            ),
            {"t": T0},
        )
        conn.commit()

    on_connection(scratch_url, populate)
    command.upgrade(alembic_config(scratch_url), "head")
    link = on_connection(
        scratch_url,
        lambda c: c.execute(
            text(
                "SELECT u.member_id, m.id_number_tail, m.mobile_tail, m.version,"
                " m.id_number_masked, m.mobile_masked FROM users u"
                " JOIN members m ON m.id = u.member_id"
            )
        ).one(),
    )
    # The stored masked forms (c0ffee5e0001) are back-filled from the encrypted values too.
    assert tuple(link) == (1, "002X", "8000", 1, "1101**********002X", "*******8000")
