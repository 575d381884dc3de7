"""Uploaded files, kept under generated names in var/uploads — never under the sender's name.

A file is written before the database row that names it; the swap becomes final only when the
request's transaction commits: on commit the replaced file is removed, on rollback the new one.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

_NAME = re.compile(r"[0-9a-f]{32}\.[a-z0-9]{1,8}")


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        # Names come from `save` only; anything else (a path, "..") is refused outright.
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a stored file name: {name!r}")
        return self.root / name[:2] / name

    def save(self, data: bytes, suffix: str) -> str:
        name = f"{secrets.token_hex(16)}.{suffix}"
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        return name

    def read(self, name: str) -> bytes | None:
        path = self._path(name)
        return path.read_bytes() if path.is_file() else None

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def swap_on_commit(self, session: AsyncSession, *, new: str | None, old: str | None) -> None:
        """Drop `old` once the transaction commits; drop `new` if it rolls back instead."""
        settled = False

        def committed(_session: Any) -> None:
            nonlocal settled
            if not settled:
                settled = True
                if old:
                    self.delete(old)

        def rolled_back(_session: Any, _previous: Any) -> None:
            nonlocal settled
            if not settled:
                settled = True
                if new:
                    self.delete(new)

        event.listen(session.sync_session, "after_commit", committed)
        event.listen(session.sync_session, "after_soft_rollback", rolled_back)
