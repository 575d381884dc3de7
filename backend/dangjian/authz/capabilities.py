"""Capabilities by post, transcribed from ROLES.md ("Capabilities by post").

A post held at organisation O grants its capabilities over O's whole subtree (rule of access 1).
"""

from __future__ import annotations

from enum import StrEnum

from dangjian.models.enums import ClientKind, PostKind


class Capability(StrEnum):
    """What a post, the administrator or an API client may do; the names the SPA checks.

    Exposed in the OpenAPI schema (``/auth/me``), so the generated client types them and a
    misspelled capability in the SPA fails its type check.
    """

    org_read = "org.read"
    org_manage = "org.manage"
    policy_manage = "policy.manage"
    roster_read = "roster.read"
    roster_full = "roster.full"
    roster_write = "roster.write"
    meeting_read = "meeting.read"
    meeting_manage = "meeting.manage"
    meeting_manage_lecture = "meeting.manage.lecture"
    meeting_manage_democratic_life = "meeting.manage.democratic_life"
    meeting_manage_group = "meeting.manage.group"
    meeting_agenda = "meeting.agenda"
    minutes_confidential = "minutes.confidential"
    dues_read = "dues.read"
    dues_manage = "dues.manage"
    dues_exempt_decide = "dues.exempt.decide"
    dues_exempt_approve = "dues.exempt.approve"
    audit_read = "audit.read"
    audit_security = "audit.security"
    users_manage = "users.manage"
    stats_export = "stats.export"
    clients_manage = "clients.manage"
    # The higher committee's authority to appoint the committees of the organisations below it
    # (ORG-04/05: a community committee is elected and approved under the street working committee).
    posts_appoint = "posts.appoint"


# The short name the backend uses everywhere (``Cap.org_read``); the schema calls it Capability.
Cap = Capability

_ALL_POSTS = frozenset(PostKind)
_P = PostKind

# capability → posts that hold it (ROLES.md table; "R" rows grant the read capability only)
_MATRIX: dict[Cap, frozenset[PostKind]] = {
    Cap.org_read: _ALL_POSTS,
    Cap.org_manage: frozenset({_P.secretary, _P.organization_member, _P.street_staff}),
    Cap.policy_manage: frozenset({_P.secretary, _P.street_staff}),
    Cap.roster_read: _ALL_POSTS,
    Cap.roster_full: frozenset({_P.secretary, _P.organization_member, _P.clerk, _P.street_staff}),
    Cap.roster_write: frozenset({_P.secretary, _P.organization_member, _P.clerk}),
    Cap.meeting_read: _ALL_POSTS,
    # Schedule, notify, sign in, minutes: all types for these posts …
    Cap.meeting_manage: frozenset(
        {_P.secretary, _P.deputy_secretary, _P.organization_member, _P.clerk}
    ),
    # … one type each for these (ROLES.md: 党课 and study, 民主生活会, 党小组会).
    Cap.meeting_manage_lecture: frozenset({_P.propaganda_member}),
    Cap.meeting_manage_democratic_life: frozenset({_P.discipline_member}),
    Cap.meeting_manage_group: frozenset({_P.group_leader}),
    Cap.meeting_agenda: frozenset({_P.secretary, _P.deputy_secretary, _P.group_leader}),
    Cap.minutes_confidential: frozenset(
        {_P.secretary, _P.deputy_secretary, _P.discipline_member, _P.street_staff}
    ),
    Cap.dues_read: _ALL_POSTS - {_P.propaganda_member},
    Cap.dues_manage: frozenset({_P.secretary, _P.organization_member, _P.group_leader, _P.clerk}),
    # DUES-03: the branch decides a reduction or exemption; the next-higher committee approves
    # (a grant strictly above the deciding branch — see dues/exemptions.py).
    Cap.dues_exempt_decide: frozenset({_P.secretary}),
    Cap.dues_exempt_approve: frozenset({_P.secretary, _P.street_staff}),
    Cap.audit_read: frozenset({_P.secretary, _P.discipline_member, _P.street_staff}),
    # Security events (sign-ins, lock-outs, token reuse, password and TOTP changes): the
    # discipline and street oversight, over the accounts of their subtree (see audit/router.py).
    Cap.audit_security: frozenset({_P.discipline_member, _P.street_staff}),
    # Accounts for the people of a subtree: those who run its organisation (ROLES.md row 1).
    Cap.users_manage: frozenset({_P.secretary, _P.organization_member, _P.street_staff}),
    Cap.stats_export: _ALL_POSTS - {_P.group_leader},
    Cap.clients_manage: frozenset(),
    Cap.posts_appoint: frozenset({_P.street_staff}),
}

# Capabilities a post grants only when it is held at a root organisation (the street working
# committee, path "/N/"): security events (failed sign-ins, lock-outs, token reuse …) belong to
# street staff and the street's 纪检委员, not to a community's (issue: security-audit capability).
ROOT_ONLY_CAPABILITIES: frozenset[Cap] = frozenset({Cap.audit_security})


def is_root_path(path: str) -> bool:
    return path.count("/") == 2


POST_CAPABILITIES: dict[PostKind, frozenset[Cap]] = {
    post: frozenset(cap for cap, posts in _MATRIX.items() if post in posts) for post in PostKind
}

# The administrator runs the platform (users, clients, the organisation structure) and holds no
# right to personal data, confidential minutes or the audit trail unless it also holds a post.
ADMIN_CAPABILITIES: frozenset[Cap] = frozenset(
    {Cap.org_read, Cap.org_manage, Cap.users_manage, Cap.clients_manage}
)

# Scopes an API client may be granted, by kind (ROLES.md: unit and district clients).
CLIENT_SCOPES: dict[ClientKind, frozenset[Cap]] = {
    ClientKind.unit: frozenset(),
    ClientKind.district: frozenset(
        {Cap.org_read, Cap.stats_export, Cap.roster_read, Cap.roster_full}
    ),
}
