"""Who may take over whose powers: one rule for managing accounts and for appointing posts.

Resetting a password hands the actor the account; appointing a post hands the appointee its
capabilities. Both are refused when they would give the actor (or someone the actor controls, such
as an account it has just created) more than the actor already holds:

* an account is managed (password reset, deactivation, edit) only by someone who holds every
  capability of every post the holder has, over that post's organisation, through a grant of
  `users.manage` strictly above it — so nobody manages a post holder at their own level or above;
* a post at organisation O is appointed, edited or ended only by someone who holds `org.manage`
  through a grant strictly above O (the next-higher organisation appoints a committee) and holds
  every capability the post grants over O — or who holds `posts.appoint` strictly above O: street
  staff, the street working committee that appoints and approves the community committees below
  it (ORG-04/05), appoint posts whose day-to-day capabilities (roster entry, dues collection) they
  do not exercise themselves;
* nobody manages their own account through /users, nor appoints or changes their own post.

The administrator runs the platform: it may manage every other account and appoint posts at every
level (someone has to appoint the top committee), but an administrator account never holds a post
and is managed by administrators only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.capabilities import POST_CAPABILITIES, Cap
from dangjian.authz.paths import strictly_within_any
from dangjian.authz.principal import Principal
from dangjian.core import clock
from dangjian.core.errors import AppError, Forbidden, Unprocessable
from dangjian.models import AuditLog, Organization, Post, User
from dangjian.models.enums import PostKind

# meeting.manage runs meetings of every type, so it covers the one-type capabilities
# (see meetings.service.common.can_manage).
IMPLIED_BY: dict[Cap, Cap] = {
    Cap.meeting_manage_lecture: Cap.meeting_manage,
    Cap.meeting_manage_democratic_life: Cap.meeting_manage,
    Cap.meeting_manage_group: Cap.meeting_manage,
}


class AccountOutranksYou(Forbidden):
    code = "account_outranks_you"
    title = (
        "该账号的持有人担任与您同级或更高的职务，或拥有您没有的权限，"
        "您不能重置其密码、停用或修改该账号；请联系上级党组织或系统管理员"
    )


class AdminAccountProtected(Forbidden):
    code = "admin_account_protected"
    title = "系统管理员账号只能由系统管理员管理"


class CannotManageSelf(Forbidden):
    code = "cannot_manage_self"
    title = "不能在账号管理中重置、停用或修改自己的账号；修改密码请到“个人设置”"


class PostAppointedByHigher(Forbidden):
    code = "post_appointed_by_higher"
    title = "本组织班子成员的职务须由上级党组织任免"


class PostGrantsMore(Forbidden):
    code = "post_grants_more"
    title = "该职务拥有您没有的权限，不能由您任免"


class CannotAppointSelf(Forbidden):
    code = "cannot_appoint_self"
    title = "不能任命、修改或免去自己的职务"


class AppointeeIssuedByYou(Forbidden):
    code = "appointee_issued_by_you"
    title = (
        "该职务拥有您本人没有的权限，不能任命由您开设或重置过密码的账号；"
        "请由其他账号管理人开设账号，或由其他有权任命的人员任命"
    )


class AdminCannotHoldPost(Unprocessable):
    code = "admin_cannot_hold_post"
    title = "系统管理员账号不能担任党内职务"


@dataclass(frozen=True)
class HeldPost:
    kind: PostKind
    path: str


def holds(principal: Principal, cap: Cap, path: str) -> bool:
    if principal.can(cap, path):
        return True
    broader = IMPLIED_BY.get(cap)
    return broader is not None and principal.can(broader, path)


def holds_all(principal: Principal, caps: Iterable[Cap], path: str) -> bool:
    return all(holds(principal, cap, path) for cap in caps)


def _is_admin(principal: Principal) -> bool:
    return principal.user is not None and principal.user.is_admin


def account_refusal(
    principal: Principal, target: User, posts: Sequence[HeldPost]
) -> AppError | None:
    """Why the caller, who can see `target`, may not reset, deactivate or edit it (None: may)."""
    if principal.user is None:
        return Forbidden()
    if principal.user.id == target.id:
        return CannotManageSelf()
    if _is_admin(principal):
        return None
    if target.is_admin:
        return AdminAccountProtected()
    bases = principal.paths_with(Cap.users_manage)
    for post in posts:
        if not strictly_within_any(post.path, bases):
            return AccountOutranksYou()
        if not holds_all(principal, POST_CAPABILITIES[post.kind], post.path):
            return AccountOutranksYou()
    return None


def appointment_refusal(
    principal: Principal, org_path: str, kind: PostKind, appointee_id: int
) -> AppError | None:
    """Why the caller may not appoint, edit or end a post of `kind` at `org_path` (None: may)."""
    if principal.user is None:
        return Forbidden()
    if principal.user.id == appointee_id:
        return CannotAppointSelf()
    if _is_admin(principal):
        return None
    if not strictly_within_any(org_path, principal.paths_with(Cap.org_manage)):
        return PostAppointedByHigher()
    if strictly_within_any(org_path, principal.paths_with(Cap.posts_appoint)):
        return None
    if not holds_all(principal, POST_CAPABILITIES[kind], org_path):
        return PostGrantsMore()
    return None


def appointer_lacks_capabilities(principal: Principal, org_path: str, kind: PostKind) -> bool:
    """Whether the post would carry capabilities the appointer does not hold itself — allowed
    only for the administrator and for `posts.appoint` (street staff), and then the appointee must
    be an account whose password the appointer never issued (no puppet account)."""
    return not holds_all(principal, POST_CAPABILITIES[kind], org_path)


async def held_posts(
    session: AsyncSession, user_ids: Iterable[int], today: date | None = None
) -> dict[int, list[HeldPost]]:
    """Posts not yet ended (current and future ones) of each user, with their organisation path."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    d = today or clock.today()
    rows = await session.execute(
        select(Post.user_id, Post.kind, Organization.path)
        .join(Organization, Organization.id == Post.organization_id)
        .where(Post.user_id.in_(ids), Post.end_date.is_(None) | (Post.end_date >= d))
    )
    out: dict[int, list[HeldPost]] = {}
    for user_id, kind, path in rows:
        out.setdefault(user_id, []).append(HeldPost(kind, path))
    return out


# Audit actions by which an account's password is issued to someone other than its holder.
PASSWORD_ISSUING_ACTIONS = ("user.create", "user.password_reset")


async def issued_by(session: AsyncSession, principal: Principal, user_id: int) -> bool:
    """Whether the caller ever created the account or reset its password (it then knew, or still
    knows, the password): read from the audit trail, the one record of who did it."""
    if principal.user is None:
        return False
    found = await session.scalar(
        select(AuditLog.id)
        .where(
            AuditLog.action.in_(PASSWORD_ISSUING_ACTIONS),
            AuditLog.entity == "user",
            AuditLog.entity_id == str(user_id),
            AuditLog.actor_kind == "user",
            AuditLog.actor_id == principal.user.id,
        )
        .limit(1)
    )
    return found is not None
