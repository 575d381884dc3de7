"""The caller of a request and what it may do where."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.sql.elements import SQLCoreOperations

from dangjian.authz.capabilities import Cap
from dangjian.models import ApiClient, Member, User


class PrincipalKind(StrEnum):
    admin = "admin"
    post_holder = "post_holder"
    member = "member"
    inservice_member = "inservice_member"
    resident = "resident"
    client = "client"


@dataclass(frozen=True)
class Grant:
    """Capabilities held over one organisation's subtree."""

    organization_id: int
    path: str
    capabilities: frozenset[Cap]


@dataclass
class Principal:
    kind: PrincipalKind
    session_id: str
    grants: list[Grant]
    user: User | None = None
    client: ApiClient | None = None
    member: Member | None = None
    global_capabilities: frozenset[Cap] = field(default_factory=frozenset)
    ip: str | None = None
    restricted: bool = False

    @property
    def label(self) -> str:
        if self.user is not None:
            return f"{self.user.display_name}（{self.user.username}）"
        if self.client is not None:
            return f"{self.client.name}（{self.client.client_id}）"
        return "匿名"

    @property
    def actor_kind(self) -> str:
        return "client" if self.client is not None else "user"

    @property
    def actor_id(self) -> int | None:
        if self.user is not None:
            return self.user.id
        return self.client.id if self.client is not None else None

    def paths_with(self, cap: Cap) -> list[str]:
        return [g.path for g in self.grants if cap in g.capabilities]

    def can(self, cap: Cap, path: str) -> bool:
        """May the caller do `cap` at the organisation with materialised path `path`?"""
        if cap in self.global_capabilities:
            return True
        return any(path.startswith(p) for p in self.paths_with(cap))

    def can_anywhere(self, cap: Cap) -> bool:
        return cap in self.global_capabilities or bool(self.paths_with(cap))


def scope_clause(
    principal: Principal,
    cap: Cap,
    path_column: SQLCoreOperations[str] | SQLCoreOperations[str | None],
) -> ColumnElement[bool]:
    """SQL condition: `path_column` lies in a subtree where the caller holds `cap`.

    Paths end in "/", so "/1/2/" never matches "/1/20/" (rule of access 1).
    """
    if cap in principal.global_capabilities:
        return true()
    paths = principal.paths_with(cap)
    if not paths:
        return false()
    return or_(*(path_column.startswith(p, autoescape=True) for p in _minimal(paths)))


def _minimal(paths: list[str]) -> list[str]:
    """Drop paths already covered by a shorter one."""
    out: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(q) for q in out):
            out.append(p)
    return out
