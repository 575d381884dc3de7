"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

A template database is migrated with `alembic upgrade head` and seeded with the demo data once per
dialect; each test gets its own copy (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
PostgreSQL), so tests are isolated and run against real, migrated schemas. Every principal of
ROLES.md has a session minted in the template, so tests do not pay for a password hash per login.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from dangjian.auth import service as auth_service
from dangjian.cli import alembic_config
from dangjian.core.config import Settings
from dangjian.core.crypto import PersonalDataCipher
from dangjian.core.db import Database
from dangjian.core.security import Argon2Parameters
from dangjian.main import create_app
from dangjian.models import Member, Organization, User
from dangjian.models.enums import MemberKind, OrgCategory, OrgKind

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
TEST_DATA_KEY = "test-data-key-0123456789-abcdefghijklmnopqrstuvwxyz"
TEST_AUDIT_KEY = "test-audit-key-0123456789-abcdefghijklmnopqrstuvwxyz"
# The audit chain is keyed (dangjian.audit.service.signing_key reads get_settings()): one key for
# the whole test process and the CLI subprocesses it starts, whatever var_dir a test uses.
os.environ["DANGJIAN_AUDIT_KEY"] = TEST_AUDIT_KEY
# The cheapest argon2id there is (1 pass over 8 KiB): the tests hash and verify thousands of
# passwords, and the parameters are not what they test (test_units covers hashes made with other
# parameters). Allowed only in development and test (Settings refuses it elsewhere). Set in the
# environment as well, for get_settings() and the CLI and server subprocesses the tests start.
TEST_PASSWORD_HASHING = Argon2Parameters(time_cost=1, memory_kib=8, parallelism=1)
os.environ["DANGJIAN_PASSWORD_HASH_TIME_COST"] = str(TEST_PASSWORD_HASHING.time_cost)
os.environ["DANGJIAN_PASSWORD_HASH_MEMORY_KIB"] = str(TEST_PASSWORD_HASHING.memory_kib)
os.environ["DANGJIAN_PASSWORD_HASH_PARALLELISM"] = str(TEST_PASSWORD_HASHING.parallelism)
DEMO_PASSWORD = "Dangjian#2026"
IN_CI = os.environ.get("CI", "").lower() == "true"

USER_PRINCIPALS = [
    "secretary",
    "deputy",
    "zuzhi",
    "xuanchuan",
    "jijian",
    "xiaozu",
    "clerk",
    "street",
    "member",
    "inservice",
    "resident",
    "admin",
    "secretary2",
]
CLIENT_PRINCIPALS = {"unit_client": "unit-demo", "district_client": "district-demo"}

_counter = itertools.count()


def pg_base_url() -> str | None:
    """The PostgreSQL server to test on: DANGJIAN_TEST_DATABASE_URL, else a local one if it answers."""
    url = os.environ.get("DANGJIAN_TEST_DATABASE_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    except OSError:
        return None


def test_settings(url: str, var_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(
        environment="test",
        var_dir=var_dir,
        database_url=url,
        secret_key=TEST_SECRET,
        data_key=TEST_DATA_KEY,
        audit_key=TEST_AUDIT_KEY,
        # The template's tokens serve every test of a worker: they must outlive a slow run
        # (the default 15-minute client token expired mid-run on a loaded machine).
        access_token_ttl_seconds=3600,
        client_token_ttl_seconds=3600,
        session_idle_timeout_seconds=24 * 3600,
        spa_dir=var_dir / "no-spa",
        demo_password=DEMO_PASSWORD,
        password_hash_time_cost=TEST_PASSWORD_HASHING.time_cost,
        password_hash_memory_kib=TEST_PASSWORD_HASHING.memory_kib,
        password_hash_parallelism=TEST_PASSWORD_HASHING.parallelism,
    )
    values.update(overrides)
    return Settings(**values)


@dataclass
class Template:
    kind: str
    url: str
    tokens: dict[str, str]
    ids: dict[str, int]
    admin_dsn: str | None = None
    tmpdir: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)


async def _seed_template(url: str, var_dir: Path) -> tuple[dict[str, str], dict[str, int]]:
    from dangjian.demo import _seed_base

    settings = test_settings(url, var_dir)
    db = Database(url)
    cipher = PersonalDataCipher(TEST_DATA_KEY)
    async with db.sessionmaker() as session, session.begin():
        await _seed_base(session, cipher, DEMO_PASSWORD, settings.password_hashing)
        c2 = await session.scalar(select(Organization).where(Organization.name == "向阳社区党支部"))
        street = await session.scalar(
            select(Organization).where(Organization.kind == OrgKind.street)
        )
        assert c2 is not None and street is not None
        # Fillers so that a sibling community gets id 20: path /1/20/ looks like /1/2/ + "0".
        while (await session.scalar(select(func.max(Organization.id)))) < 19:
            filler = Organization(
                name="填充党小组",
                kind=OrgKind.group,
                category=OrgCategory.group,
                parent_id=c2.id,
                path="/pending/",
                depth=c2.depth + 1,
            )
            session.add(filler)
            await session.flush()
            filler.path = f"{c2.path}{filler.id}/"
        lookalike = Organization(
            name="相似路径社区党委",
            kind=OrgKind.community,
            category=OrgCategory.party_committee,
            parent_id=street.id,
            path="/pending-l/",
            depth=1,
        )
        session.add(lookalike)
        await session.flush()
        lookalike.path = f"{street.path}{lookalike.id}/"
        await session.flush()
        names = {
            "own": "东风社区党委",
            "child": "第一党支部（幸福小区）",
            "group": "第一党小组",
            "parent": "东风街道党工委",
            "sibling": "向阳社区党支部",
            "lookalike": "相似路径社区党委",
            "outside": "区税务局机关党支部",
        }
        ids = {
            k: (await session.scalar(select(Organization.id).where(Organization.name == v)))
            for k, v in names.items()
        }
        paths = {
            k: await session.scalar(select(Organization.path).where(Organization.id == i))
            for k, i in ids.items()
        }
        assert paths["own"] == "/1/2/" and paths["lookalike"] == "/1/20/", paths
        # The demo member accounts are formal members (ORG-05 tests rely on it).
        for username in ("member", "xiaozu"):
            user = await session.scalar(select(User).where(User.username == username))
            assert user is not None and user.member_id is not None
            member = await session.get(Member, user.member_id)
            assert member is not None
            member.kind = MemberKind.formal
        tokens: dict[str, str] = {}
        for username in USER_PRINCIPALS:
            user = await session.scalar(select(User).where(User.username == username))
            assert user is not None
            issued = await auth_service.start_user_session(
                session, settings, user, ip="127.0.0.1", user_agent="pytest", restricted=False
            )
            tokens[username] = issued.access_token
        for name, client_id in CLIENT_PRINCIPALS.items():
            token, _, _ = await auth_service.issue_client_token(
                session,
                settings,
                client_id=client_id,
                client_secret=DEMO_PASSWORD,
                scope=None,
                ip="127.0.0.1",
            )
            tokens[name] = token
    await db.dispose()
    return tokens, ids


def _migrate(url: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(url), "head")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Template]:
    kind = request.param
    tmpdir = tmp_path_factory.mktemp(f"tmpl-{kind}")
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmpdir / 'template.db'}"
        _migrate(url)
        tokens, ids = asyncio.run(_seed_template(url, tmpdir))
        yield Template(kind, url, tokens, ids, tmpdir=tmpdir)
        return
    base = pg_base_url()
    if base is None:
        if IN_CI:
            pytest.fail("PostgreSQL is required under CI but no server answers at 127.0.0.1:5432")
        pytest.skip("no PostgreSQL server (set DANGJIAN_TEST_DATABASE_URL)")
    admin_dsn = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"dj_tmpl_{os.getpid()}"
    asyncio.run(
        _pg_admin(admin_dsn, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    )
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    _migrate(url)
    tokens, ids = asyncio.run(_seed_template(url, tmpdir))
    yield Template(kind, url, tokens, ids, admin_dsn=admin_dsn, tmpdir=tmpdir)
    asyncio.run(_pg_admin(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _pg_admin(dsn: str, *statements: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@dataclass
class Ctx:
    """What a test works with: the app's client, its database, the principals and targets."""

    kind: str
    url: str
    settings: Settings
    db: Database
    client: httpx.AsyncClient
    tokens: dict[str, str]
    ids: dict[str, int]
    app: Any

    def auth(self, principal: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[principal]}"} if principal else {}

    async def get(self, url: str, principal: str | None, **kw: Any) -> httpx.Response:
        return await self.client.get(url, headers=self.auth(principal), **kw)

    async def post(self, url: str, principal: str | None, **kw: Any) -> httpx.Response:
        return await self.client.post(url, headers=self.auth(principal), **kw)

    async def patch(self, url: str, principal: str | None, **kw: Any) -> httpx.Response:
        return await self.client.patch(url, headers=self.auth(principal), **kw)

    async def delete(self, url: str, principal: str | None, **kw: Any) -> httpx.Response:
        return await self.client.delete(url, headers=self.auth(principal), **kw)


@pytest.fixture
def migration_data_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Alembic runs with the process settings (`get_settings()`), not a test's: a migration that
    reads personal data (the masked-forms backfill, c0ffee5e0001) needs the tests' data key in
    the environment. Yields the key; the settings cache is cleared before and after."""
    from dangjian.core.config import get_settings

    monkeypatch.setenv("DANGJIAN_DATA_KEY", TEST_DATA_KEY)
    get_settings.cache_clear()
    try:
        yield TEST_DATA_KEY
    finally:
        get_settings.cache_clear()


@pytest.fixture
def fresh_db_url(template: Template) -> Iterator[str]:
    n = next(_counter)
    if template.kind == "sqlite":
        assert template.tmpdir is not None
        path = template.tmpdir / f"t{n}.db"
        shutil.copyfile(template.tmpdir / "template.db", path)
        yield f"sqlite+aiosqlite:///{path}"
        path.unlink(missing_ok=True)
        return
    assert template.admin_dsn is not None
    name = f"dj_t_{os.getpid()}_{n}"
    tmpl = make_url(template.url).database
    asyncio.run(_pg_admin(template.admin_dsn, f'CREATE DATABASE "{name}" TEMPLATE "{tmpl}"'))
    yield make_url(template.url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_pg_admin(template.admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
async def ctx(
    template: Template, fresh_db_url: str, tmp_path: Path, settings_overrides: dict[str, Any]
) -> AsyncIterator[Ctx]:
    settings = test_settings(fresh_db_url, tmp_path, **settings_overrides)
    db = Database(fresh_db_url)
    app = create_app(settings, database=db)
    transport = httpx.ASGITransport(
        app=app, client=("127.0.0.1", 50000), raise_app_exceptions=False
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Ctx(
            template.kind,
            fresh_db_url,
            settings,
            db,
            client,
            dict(template.tokens),
            dict(template.ids),
            app,
        )
    await db.dispose()


async def fresh_member(ctx: Ctx, organization_id: int, **overrides: Any) -> Member:
    """A formal member of the organisation, inserted as test data."""
    from dangjian.demo import DemoBuilder

    async with ctx.db.sessionmaker() as session, session.begin():
        builder = DemoBuilder(session, PersonalDataCipher(TEST_DATA_KEY), seed=next(_counter))
        builder.serial = 5000 + next(_counter)
        row = builder.member_row(organization_id)
        row.update({"kind": MemberKind.formal, **overrides})
        member = Member(**row)
        session.add(member)
        await session.flush()
    return member
