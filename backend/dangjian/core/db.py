"""Engine, session factory and the declarative base with its naming convention."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from dangjian.core import clock
from dangjian.core.collation import watch_collation

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current instant from the one clock (`dangjian.core.clock`)."""
    return clock.now()


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both dialects (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, nullable=False, comment="创建时间"
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False, comment="更新时间"
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("postgresql+asyncpg"):
        # JIT compilation costs ~1 s on the first run of any query the planner prices high (a
        # report over a street); the queries here are short, so it never pays off.
        kwargs.setdefault("connect_args", {"server_settings": {"jit": "off"}})
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        watch_collation(engine.sync_engine)
    return engine


class Database:
    """Holds the engine and session factory of one app instance."""

    def __init__(self, url: str, *, pool_size: int = 20, max_overflow: int = 10) -> None:
        self.url = url
        # PostgreSQL: a pool as large as the requests served at once. SQLAlchemy's default (5)
        # closes every connection beyond it on check-in, so under 16 concurrent requests most
        # of them paid for a new connection (a server process and a TLS handshake).
        pool = (
            {"pool_size": pool_size, "max_overflow": max_overflow}
            if url.startswith("postgresql")
            else {}
        )
        self.engine = make_engine(url, **pool)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # The same pool, every statement outside a transaction: the sessions of read-only routes
        # (core/routing.py) bind to it, so none of their connections sends BEGIN or COMMIT.
        self.autocommit_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def sync_engine_of(engine: AsyncEngine) -> Engine:
    return engine.sync_engine


def str_enum(cls: type[Any]) -> Enum:
    """Store a StrEnum by value as VARCHAR (no native enum: identical on both dialects)."""
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])
