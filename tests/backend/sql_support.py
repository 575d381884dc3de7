"""Counting the SQL statements a piece of work sends (N+1 guards)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from dangjian.core.db import Database


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Collect the text of every statement sent through `db` while the block runs (a request
    through the app uses the same engine). Transaction control (BEGIN, COMMIT…) is not counted:
    it is not sent through `before_cursor_execute`."""
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
