"""Organisation subtrees: the one place "in this organisation's subtree" is written.

Organisations carry a materialised path ending in "/" (`/1/4/9/`), so an organisation's subtree
is every path that begins with its own — "/1/2/" never matches "/1/20/" (ROLES.md, rule of access
1). Product code never writes `path.startswith(...)` or `LIKE path || '%'` itself: it asks these
helpers (SQL) or the principal (`Principal.readable`, `Principal.can`), and a contract test
(tests/backend/test_contract_scope.py) fails on a subtree filter written anywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.sql.elements import SQLCoreOperations

PathColumn = SQLCoreOperations[str] | SQLCoreOperations[str | None]


class HasPath(Protocol):
    @property
    def path(self) -> str: ...


def path_of(org_or_path: HasPath | str) -> str:
    return org_or_path if isinstance(org_or_path, str) else org_or_path.path


# ---------------------------------------------------------------- Python side


def is_within(path: str, ancestor: HasPath | str) -> bool:
    """`path` lies in `ancestor`'s subtree (the organisation itself included)."""
    return path.startswith(path_of(ancestor))


def is_strictly_within(path: str, ancestor: HasPath | str) -> bool:
    """`path` lies below `ancestor` (the organisation itself excluded)."""
    base = path_of(ancestor)
    return path != base and path.startswith(base)


def within_any(path: str, ancestors: Iterable[HasPath | str]) -> bool:
    return any(is_within(path, a) for a in ancestors)


def strictly_within_any(path: str, ancestors: Iterable[HasPath | str]) -> bool:
    return any(is_strictly_within(path, a) for a in ancestors)


def minimal(paths: Iterable[str]) -> list[str]:
    """The paths not already covered by a shorter one (the roots of their union)."""
    out: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(is_within(p, q) for q in out):
            out.append(p)
    return out


def ancestor_ids(path: str) -> list[int]:
    """The organisation at `path` and its ancestors, nearest first."""
    return [int(part) for part in reversed(path.strip("/").split("/"))]


def common_ancestor(a: str, b: str) -> str | None:
    """The deepest organisation path above both (None: no common organisation)."""
    shared: list[str] = []
    for x, y in zip(a.strip("/").split("/"), b.strip("/").split("/"), strict=False):
        if x != y or not x:
            break
        shared.append(x)
    return "/" + "/".join(shared) + "/" if shared else None


# ---------------------------------------------------------------- SQL side


def subtree(column: PathColumn, org_or_path: HasPath | str) -> ColumnElement[bool]:
    """SQL: `column` (a materialised path) lies in this organisation's subtree, itself included.

    One indexed prefix match on SQLite and PostgreSQL; `%` and `_` in a path cannot widen it."""
    return column.startswith(path_of(org_or_path), autoescape=True)


def subtree_of_column(column: PathColumn, ancestor_path: PathColumn) -> ColumnElement[bool]:
    """SQL: `column` lies in the subtree of the organisation whose path is `ancestor_path`, an
    expression of the same statement (a correlated or scalar subquery); NULL matches nothing.

    Stored paths hold only digits and "/" (organisations.service writes them), so this prefix
    needs no escaping."""
    return column.startswith(ancestor_path)


def any_subtree(column: PathColumn, paths: Iterable[HasPath | str]) -> ColumnElement[bool]:
    """SQL: `column` lies in at least one of these subtrees (none given: nothing matches)."""
    roots = minimal(path_of(p) for p in paths)
    if not roots:
        return false()
    return or_(*(subtree(column, p) for p in roots))
