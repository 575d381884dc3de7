"""The caller of a request and what it may do where."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import ColumnElement, true

from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import PathColumn, any_subtree, strictly_within_any, within_any
from dangjian.models import ApiClient, Member, User
from dangjian.models.enums import LABELS, PostKind


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
    # The user's active posts, highest first (PostKind order) — what `label` names.
    posts: tuple[PostKind, ...] = ()

    @property
    def label(self) -> str:
        """Who did it, as business records store and print it (collector, recorder, decider,
        exported by): the person's name with their post — '张三（组织委员）' — never the login
        name (issue 18 item 4). A name that already says the post ('东风社区组织委员') is kept
        as it is; someone without a post is their name alone."""
        if self.user is not None:
            name = self.user.display_name
            post = LABELS[self.posts[0]] if self.posts else None
            return f"{name}（{post}）" if post and post not in name else name
        if self.client is not None:
            return self.client.name
        return "匿名"

    @property
    def identity(self) -> str:
        """The account behind the request, login name included — for the audit log only."""
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
        return within_any(path, self.paths_with(cap))

    def can_below(self, cap: Cap, path: str) -> bool:
        """Does the caller hold `cap` strictly above `path` (over a higher organisation)?"""
        if cap in self.global_capabilities:
            return True
        return strictly_within_any(path, self.paths_with(cap))

    def scope_key(self, cap: Cap) -> tuple[str, ...] | None:
        """What `readable(..., cap)` depends on, as a hashable value (None: everywhere) — the
        key of a statement built from the caller's scope and kept for reuse."""
        if cap in self.global_capabilities:
            return None
        return tuple(sorted(self.paths_with(cap)))

    def can_anywhere(self, cap: Cap) -> bool:
        return cap in self.global_capabilities or bool(self.paths_with(cap))

    def readable(self, path_column: PathColumn, cap: Cap) -> ColumnElement[bool]:
        """SQL condition: the rows whose `path_column` lies in a subtree where the caller holds
        `cap` — the readable statement of a domain (polar's `get_readable_statement`).

        Every list and look-up of a domain filters with it, so what lies outside answers 404
        (STYLE habit 3; ROLES.md, rules of access 1–3)."""
        if cap in self.global_capabilities:
            return true()
        return any_subtree(path_column, self.paths_with(cap))
