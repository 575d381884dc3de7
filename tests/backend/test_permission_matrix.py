"""The permission matrix (ROLES.md): every route × principal × target.

The expected outcomes below are written out by hand from ROLES.md; they are not computed from the
product code. The test enumerates `app.routes`, so a route without a row fails. Denied writes
must leave the database unchanged.

Targets (organisation tree of the demo data, see conftest):
  own       东风社区党委            /1/2/        (secretary, deputy, zuzhi, … hold posts here)
  child     第一党支部             /1/2/3/4/
  group     第一党小组             /1/2/3/4/6/  (xiaozu's group)
  parent    东风街道党工委          /1/          (street staff's organisation)
  sibling   向阳社区党支部          /1/12/       (secretary2's community)
  lookalike 相似路径社区党委        /1/20/       (string-prefix look-alike of /1/2/)
  outside   区税务局机关党支部       /14/         (a home unit outside the street's tree)
Cell values: an HTTP status; "ok" = the route's success status; "+"/"-" = 200 and the target is /
is not in the answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from conftest import Ctx
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import func, select

from dangjian.core import clock
from dangjian.main import create_app
from dangjian.models import (
    AgendaItem,
    AuditHead,
    DuesAssessment,
    DuesBasis,
    DuesExemption,
    DuesPayment,
    DuesPaymentMonth,
    DuesReceiptCounter,
    Meeting,
    MeetingAttachment,
    MeetingAttendee,
    Member,
    MemberCorrection,
    MemberEvent,
    Notification,
    Organization,
    OrganizationTerm,
    PolicyValue,
    Post,
    Resolution,
    User,
)
from dangjian.models.enums import (
    DuesCategory,
    ExemptionKind,
    ExemptionStatus,
    OrgCategory,
    OrgKind,
    PaymentKind,
    PaymentMethod,
    PostKind,
)

TARGETS = ["own", "child", "group", "parent", "sibling", "lookalike", "outside"]
PRINCIPALS = [
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
    "unit_client",
    "district_client",
    "admin",
    "anonymous",
]


def grid(text: str) -> dict[str, dict[str, str]]:
    lines = [line.split() for line in text.strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    table = {row[0]: dict(zip(header, row[1:], strict=True)) for row in rows}
    assert sorted(table) == sorted(PRINCIPALS), sorted(set(PRINCIPALS) ^ set(table))
    return table


# Reading an organisation-scoped object (org.read: every post; district client; administrator).
ORG_READ = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       ok   ok    ok    404    404     404       404
jijian          ok   ok    ok    404    404     404       404
xiaozu          404  404   ok    404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client ok   ok    ok    ok     ok      ok        404
admin           ok   ok    ok    ok     ok      ok        ok
anonymous       401  401   401   401    401     401       401
""")

# Setting work-system policies (policy.manage: 书记 for their subtree, street staff for theirs;
# the administrator runs the platform, not its work systems).
POLICY_MANAGE = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          403  403   403   404    404     404       404
zuzhi           403  403   403   404    404     404       404
xuanchuan       403  403   403   404    404     404       404
jijian          403  403   403   404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           403  403   403   404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 403  403   403   403    403     403       404
admin           403  403   403   403    403     403       403
anonymous       401  401   401   401    401     401       401
""")

# Reading meetings (meeting.read: every post in its subtree; street staff over the street).
MEETING_READ = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       ok   ok    ok    404    404     404       404
jijian          ok   ok    ok    404    404     404       404
xiaozu          404  404   ok    404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

# Running a committee meeting (meeting.manage: 书记, 副书记, 组织委员, 党务干事; 宣传委员,
# 纪检委员 and 党小组长 run only their own type; street staff read).
MEETING_MANAGE = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       403  403   403   404    404     404       404
jijian          403  403   403   404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          403  403   403   403    403     403       404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

# Proposing a topic (MTG-04): those who run the meeting, those who set agendas, and committee
# members of the meeting's own organisation.
AGENDA_PROPOSE = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       ok   403   403   404    404     404       404
jijian          ok   403   403   404    404     404       404
xiaozu          404  404   ok    404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          403  403   403   403    403     403       404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

# Setting the agenda and approving minutes (meeting.agenda: 书记, acting 副书记, 党小组长).
AGENDA_DECIDE = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           403  403   403   404    404     404       404
xuanchuan       403  403   403   404    404     404       404
jijian          403  403   403   404    404     404       404
xiaozu          404  404   ok    404    404     404       404
clerk           403  403   403   404    404     404       404
street          403  403   403   403    403     403       404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

# Dues of a member (dues.read: every post but 宣传委员; street staff read).
DUES_READ = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       404  404   404   404    404     404       404
jijian          ok   ok    ok    404    404     404       404
xiaozu          404  404   ok    404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

# Recording dues (dues.manage: 书记, 组织委员, 党小组长 for the group, 党务干事).
DUES_MANAGE = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          403  403   403   404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       404  404   404   404    404     404       404
jijian          403  403   403   404    404     404       404
xiaozu          404  404   ok    404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          403  403   403   403    403     403       404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

# Listing: is the target among what the caller sees?
ORG_LIST = grid("""
                own  child group parent sibling lookalike outside
secretary       +    +     +     -      -       -         -
deputy          +    +     +     -      -       -         -
zuzhi           +    +     +     -      -       -         -
xuanchuan       +    +     +     -      -       -         -
jijian          +    +     +     -      -       -         -
xiaozu          -    -     +     -      -       -         -
clerk           +    +     +     -      -       -         -
street          +    +     +     +      +       +         -
member          -    -     -     -      -       -         -
inservice       -    -     -     -      -       -         -
resident        -    -     -     -      -       -         -
unit_client     -    -     -     -      -       -         -
district_client +    +     +     +      +       +         -
admin           +    +     +     +      +       +         +
anonymous       401  401   401   401    401     401       401
""")

# Changing organisations, committees and terms (org.manage: 书记, 组织委员, street staff, admin).
ORG_MANAGE = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          403  403   403   404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       403  403   403   404    404     404       404
jijian          403  403   403   404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           403  403   403   404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 403  403   403   403    403     403       404
admin           ok   ok    ok    ok     ok      ok        ok
anonymous       401  401   401   401    401     401       401
""")

# Creating under (or moving into) the target: as ORG_MANAGE, but nothing may stand under a group
# (ORG-01), so an allowed caller gets 422 there.
ORG_CREATE_UNDER = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    422   404    404     404       404
deputy          403  403   403   404    404     404       404
zuzhi           ok   ok    422   404    404     404       404
xuanchuan       403  403   403   404    404     404       404
jijian          403  403   403   404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           403  403   403   404    404     404       404
street          ok   ok    422   ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 403  403   403   403    403     403       404
admin           ok   ok    422   ok     ok      ok        ok
anonymous       401  401   401   401    401     401       401
""")

# Appointing, editing and ending posts (ROLES.md "organisations, committee": 书记, 组织委员, street
# staff; the administrator sets up the structure). A committee is appointed by the next-higher
# organisation: the caller needs org.manage through a grant strictly above the target, and must
# itself hold every capability the post grants (nobody hands out powers they lack). So the
# community's own 书记/组织委员 cannot touch the posts of their own community (own: 403), the
# 组织委员 cannot appoint a 党小组长 (meeting.agenda, group: 403). Street staff hold posts.appoint:
# the street working committee appoints the committees below it (ORG-04/05) although it does not
# itself write their rosters, dues or meetings; nobody is above the street except the administrator
# (parent: street_staff post, 403 for the street itself). The administrator may appoint at every level (never itself, never an
# administrator account — tests/backend/test_security_accounts.py).
# Posts by target: parent → 街道党工委 staff, group → 党小组长, everywhere else → 组织委员.
POSTS_APPOINT = grid("""
                own  child group parent sibling lookalike outside
secretary       403  ok    ok    404    404     404       404
deputy          403  403   403   404    404     404       404
zuzhi           403  ok    403   404    404     404       404
xuanchuan       403  403   403   404    404     404       404
jijian          403  403   403   404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           403  403   403   404    404     404       404
street          ok   ok    ok    403    ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 403  403   403   403    403     403       404
admin           ok   ok    ok    ok     ok      ok        ok
anonymous       401  401   401   401    401     401       401
""")

# Accounts of the target organisation's people (users.manage: 书记, 组织委员, street staff, admin);
# an account outside that scope is not visible at all. The accounts these rows use hold no post, so
# the rule that a post holder at the caller's level or above (or with capabilities the caller
# lacks) cannot be reset, deactivated or edited (403 account_outranks_you) does not show here; it
# is tested in tests/backend/test_security_accounts.py.
USERS = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          404  404   404   404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       404  404   404   404    404     404       404
jijian          404  404   404   404    404     404       404
xiaozu          404  404   404   404    404     404       404
clerk           404  404   404   404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           ok   ok    ok    ok     ok      ok        ok
anonymous       401  401   401   401    401     401       401
""")

USERS_LIST = grid(
    "\n".join(
        line.replace(" ok ", " + ").replace(" ok", " +").replace(" 404", " -")
        if not line.startswith("anonymous")
        else line
        for line in """
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          404  404   404   404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       404  404   404   404    404     404       404
jijian          404  404   404   404    404     404       404
xiaozu          404  404   404   404    404     404       404
clerk           404  404   404   404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           ok   ok    ok    ok     ok      ok        ok
anonymous       401  401   401   401    401     401       401
""".splitlines()
    )
)

# Creating an account in the target organisation: visible organisation but no users.manage → 403.
USERS_CREATE = ORG_MANAGE

# The audit log (书记 and 纪检委员 for their subtree, street staff; not the administrator).
AUDIT = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          404  404   404   404    404     404       404
zuzhi           404  404   404   404    404     404       404
xuanchuan       404  404   404   404    404     404       404
jijian          ok   ok    ok    404    404     404       404
xiaozu          404  404   404   404    404     404       404
clerk           404  404   404   404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

# Security events (audit.security: street staff and the street's 纪检委员 — the capability counts
# only at a root organisation, so a community's 纪检委员 does not hold it; not the secretary, not the
# administrator). Scoped by organisation: out of scope → 404.
AUDIT_SECURITY = grid("""
                own  child group parent sibling lookalike outside
secretary       404  404   404   404    404     404       404
deputy          404  404   404   404    404     404       404
zuzhi           404  404   404   404    404     404       404
xuanchuan       404  404   404   404    404     404       404
jijian          404  404   404   404    404     404       404
xiaozu          404  404   404   404    404     404       404
clerk           404  404   404   404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")


# The roster (ROLES.md "roster: read"): every post over its subtree; not the administrator, not
# the district client without a roster scope.
ROSTER_READ = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       ok   ok    ok    404    404     404       404
jijian          ok   ok    ok    404    404     404       404
xiaozu          404  404   ok    404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

ROSTER_LIST = grid(
    "\n".join(
        line.replace(" ok", " +").replace(" 404", " -")
        if not line.startswith("anonymous")
        else line
        for line in """
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       ok   ok    ok    404    404     404       404
jijian          ok   ok    ok    404    404     404       404
xiaozu          404  404   ok    404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""".splitlines()
    )
)

# Editing records and recording status events (书记, 组织委员, 党务干事; street staff read only).
ROSTER_WRITE = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          403  403   403   404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       403  403   403   404    404     404       404
jijian          403  403   403   404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          403  403   403   403    403     403       404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

# Full ID number, phone and address (书记, 组织委员, 党务干事, street staff).
ROSTER_FULL = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          403  403   403   404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       403  403   403   404    404     404       404
jijian          403  403   403   404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

# Roster statistics: the roster readers, and district clients with stats.export; the
# administrator sees the organisation but not its members.
ROSTER_STATS = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       ok   ok    ok    404    404     404       404
jijian          ok   ok    ok    404    404     404       404
xiaozu          404  404   ok    404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client ok   ok    ok    ok     ok      ok        404
admin           403  403   403   403    403     403       403
anonymous       401  401   401   401    401     401       401
""")

# Own member record: the accounts linked to a member (member, inservice, xiaozu).
OWN_MEMBER = {
    p: {
        "none": "401"
        if p == "anonymous"
        else "ok"
        if p in {"member", "inservice", "xiaozu"}
        else "404"
    }
    for p in PRINCIPALS
}


def only(allowed: set[str], other: str = "403") -> dict[str, dict[str, str]]:
    """Untargeted routes open to some principals (by post), refused to the others."""
    return {
        p: {"none": "401" if p == "anonymous" else "ok" if p in allowed else other}
        for p in PRINCIPALS
    }


ROSTER_WRITERS = {"secretary", "zuzhi", "clerk"}
ROSTER_READERS = {
    "secretary",
    "deputy",
    "zuzhi",
    "xuanchuan",
    "jijian",
    "xiaozu",
    "clerk",
    "street",
}


def untargeted(users: str, clients: str, anonymous: str) -> dict[str, dict[str, str]]:
    """Routes about the caller itself (no organisation target)."""
    out = {}
    for p in PRINCIPALS:
        value = anonymous if p == "anonymous" else clients if p.endswith("_client") else users
        out[p] = {"none": value}
    return out


SELF_ANY = untargeted("ok", "ok", "401")  # any signed-in caller
SELF_USER = untargeted("ok", "403", "401")  # user accounts only
# One message in the demo member's inbox: theirs to mark read, nobody else's (404).
OWN_NOTIFICATION = {**untargeted("404", "403", "401"), "member": {"none": "ok"}}
# A meeting the demo member is invited to: theirs; nobody else's (staff use /meetings).
MY_MEETING = {**untargeted("404", "404", "401"), "member": {"none": "ok"}}
PUBLIC_401 = untargeted("401", "401", "401")  # public; the test sends wrong credentials
PUBLIC_OK = untargeted("ok", "ok", "ok")  # public and harmless


@dataclass
class Case:
    """How to call one route for one target, and what the table expects."""

    table: dict[str, dict[str, str]]
    success: int
    build: Callable[[Ctx, str, int], Awaitable[tuple[str, dict[str, Any]]]]
    public: bool = False


_seq = itertools.count(1)


async def _add_row(ctx: Ctx, obj: Any) -> Any:
    async with ctx.db.sessionmaker() as session, session.begin():
        session.add(obj)
    return obj


async def _add(ctx: Ctx, obj: Any) -> Any:
    async with ctx.db.sessionmaker() as session, session.begin():
        session.add(obj)
        await session.flush()
        if isinstance(obj, Organization):
            parent = await session.get(Organization, obj.parent_id)
            assert parent is not None
            obj.path = f"{parent.path}{obj.id}/"
            obj.depth = parent.depth + 1
    return obj


async def fresh_child(ctx: Ctx, target: str) -> Organization:
    """An empty organisation directly under the target (inserted as test data)."""
    parent_id = ctx.ids[target]
    kind = {
        "parent": OrgKind.community,
        "own": OrgKind.branch,
        "sibling": OrgKind.group,
        "lookalike": OrgKind.branch,
        "outside": OrgKind.branch,
        "child": OrgKind.group,
        "group": OrgKind.group,
    }[target]
    return await _add(
        ctx,
        Organization(
            name=f"测试组织{next(_seq)}",
            kind=kind,
            category=OrgCategory.branch,
            parent_id=parent_id,
            path=f"/pending-{next(_seq)}/",
            depth=0,
        ),
    )


async def fresh_user(ctx: Ctx, target: str) -> User:
    return await _add(
        ctx,
        User(
            username=f"u{next(_seq)}",
            display_name="测试用户",
            password_hash="x",
            organization_id=ctx.ids[target],
        ),
    )


async def assignee(ctx: Ctx, target: str) -> int:
    """A fresh account of a formal member of the target organisation (never a test principal)."""
    from conftest import fresh_member

    member = await fresh_member(ctx, ctx.ids[target])
    user = await _add(
        ctx,
        User(
            username=f"a{next(_seq)}",
            display_name=member.name,
            password_hash="x",
            organization_id=ctx.ids[target],
            member_id=member.id,
        ),
    )
    return int(user.id)


def child_kind(target: str) -> str:
    return {
        "own": "branch",
        "child": "group",
        "group": "group",
        "parent": "community",
        "sibling": "group",
        "lookalike": "branch",
        "outside": "branch",
    }[target]


def post_kind(target: str) -> str:
    return {"parent": "street_staff", "group": "group_leader"}.get(target, "organization_member")


async def b_org(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/organizations/{ctx.ids[t]}", {}


async def b_org_patch(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/organizations/{ctx.ids[t]}", {"json": {"short_name": f"简称{n}"}}


async def b_org_create(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/organizations", {
        "json": {"parent_id": ctx.ids[t], "name": f"新建组织{n}", "kind": child_kind(t)}
    }


async def b_org_delete(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    org = await fresh_child(ctx, t)
    return f"/api/v1/organizations/{org.id}", {}


async def b_org_move(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    # A fresh organisation under the target, moved to the target: the caller must manage both
    # its old and its new parent (here the same), and its kind must fit there (ORG-01).
    org = await fresh_child(ctx, t)
    return f"/api/v1/organizations/{org.id}/move", {"json": {"new_parent_id": ctx.ids[t]}}


async def b_list_orgs(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/organizations", {"params": {"size": 100, "q": _target_name(t)}}


def _target_name(t: str) -> str:
    return {
        "own": "东风社区党委",
        "child": "第一党支部",
        "group": "第一党小组",
        "parent": "东风街道党工委",
        "sibling": "向阳社区党支部",
        "lookalike": "相似路径社区党委",
        "outside": "区税务局机关党支部",
    }[t]


async def b_tree(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/organizations/tree", {}


async def b_posts(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/organizations/{ctx.ids[t]}/posts", {}


async def b_post_create(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/organizations/{ctx.ids[t]}/posts", {
        "json": {
            "user_id": await assignee(ctx, t),
            "kind": post_kind(t),
            "start_date": "2026-01-01",
        }
    }


async def b_post_update(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    post = await _add(
        ctx,
        Post(
            organization_id=ctx.ids[t],
            user_id=await assignee(ctx, t),
            kind=PostKind(post_kind(t)),
            start_date=date(2025, 1, 1),
        ),
    )
    return f"/api/v1/organizations/{ctx.ids[t]}/posts/{post.id}", {
        "json": {"end_date": "2026-12-31"}
    }


async def b_terms(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/organizations/{ctx.ids[t]}/terms", {}


async def b_term_create(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/organizations/{ctx.ids[t]}/terms", {
        "json": {"number": 10 + n % 80, "elected_on": "2026-06-01"}
    }


async def b_users(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    user = await fresh_user(ctx, t)
    return "/api/v1/users", {"params": {"q": user.username}, "_expect_id": user.id}


async def b_user(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/users/{(await fresh_user(ctx, t)).id}", {}


async def b_user_patch(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/users/{(await fresh_user(ctx, t)).id}", {"json": {"display_name": "改名"}}


async def b_user_reset(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/users/{(await fresh_user(ctx, t)).id}/reset-password", {}


async def b_user_create(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/users", {
        "json": {"username": f"new{n}", "display_name": "新账号", "organization_id": ctx.ids[t]}
    }


async def b_member(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    from conftest import fresh_member

    member = await fresh_member(ctx, ctx.ids[t])
    return f"/api/v1/members/{member.id}", {"_member": member}


async def b_member_get(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    url, kw = await b_member(ctx, t, n)
    kw.pop("_member")
    return url, kw


async def b_member_list(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    _, kw = await b_member(ctx, t, n)
    member = kw.pop("_member")
    return "/api/v1/members", {"params": {"q": member.name, "size": 100}, "_expect_id": member.id}


async def b_member_create(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    from dangjian.core import idcard

    number = idcard.make("530102", date(1985, 1, 1 + n % 28), n % 100, n % 2 == 0)
    return "/api/v1/members", {
        "json": {
            "name": f"新党员{n}",
            "organization_id": ctx.ids[t],
            "id_number": number,
            "kind": "formal",
            "joined_on": "2010-07-01",
            "converted_on": "2011-07-01",
        }
    }


async def b_member_patch(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    url, kw = await b_member(ctx, t, n)
    member = kw.pop("_member")
    return url, {"json": {"grid_area": "幸福小区"}, "headers": {"If-Match": f'"{member.id}-1"'}}


async def b_member_events(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    url, _ = await b_member_get(ctx, t, n)
    return f"{url}/events", {}


async def b_member_event_add(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    from conftest import fresh_member

    # joined before the event's date (MEM-02: no event before joining)
    member = await fresh_member(ctx, ctx.ids[t], joined_on=date(2000, 7, 1))
    url = f"/api/v1/members/{member.id}"
    return f"{url}/events", {
        "json": {"type": "lost_contact", "occurred_on": "2026-01-05", "reason": "多次联系未果"}
    }


async def b_member_reveal(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    url, _ = await b_member_get(ctx, t, n)
    return f"{url}/reveal", {}


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 50), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


async def b_member_photo(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    """A member of the target with a stored photo."""
    from dangjian.core.files import FileStore

    url, kw = await b_member(ctx, t, n)
    member = kw.pop("_member")
    name = FileStore(ctx.settings.var_dir / "uploads").save(_png(), "jpg")
    async with ctx.db.sessionmaker() as session, session.begin():
        row = await session.get(Member, member.id)
        assert row is not None
        row.photo_file = name
    return f"{url}/photo", {}


async def b_member_photo_put(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    url, _ = await b_member_get(ctx, t, n)
    return f"{url}/photo", {"files": {"file": ("photo.png", _png(), "image/png")}}


async def b_policy(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/organizations/{ctx.ids[t]}/policy", {}


async def b_policy_put(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    value = {"count": 1 + n % 3, "period": "month"}
    return f"/api/v1/organizations/{ctx.ids[t]}/policy", {
        "json": {"values": {"meetings.frequency.committee": value}}
    }


async def b_notification_read(ctx: Ctx, _t: str, _n: int) -> tuple[str, dict[str, Any]]:
    async with ctx.db.sessionmaker() as session, session.begin():
        user_id = await session.scalar(select(User.id).where(User.username == "member"))
        note = Notification(user_id=user_id, kind="test", title="测试消息")
        session.add(note)
    return f"/api/v1/me/notifications/{note.id}/read", {}


async def _meeting(
    ctx: Ctx,
    org_id: int,
    *,
    status: str = "draft",
    starts_in: timedelta = timedelta(days=2),
    attendee: bool = False,
    leave: bool = False,
    for_member: bool = False,
) -> tuple[int, int | None]:
    """A committee meeting inserted as test data (optionally with one expected voter, or with
    the demo member invited); returns the meeting id and the attendee id."""
    from dangjian.core.db import utcnow

    async with ctx.db.sessionmaker() as session, session.begin():
        starts = utcnow() + starts_in
        m = Meeting(
            organization_id=org_id, type="committee", title="测试会议", starts_at=starts,
            ends_at=starts + timedelta(hours=2), status=status, checkin_token="t" * 24,
            created_by="测试", minutes="纪要",
        )  # fmt: skip
        session.add(m)
        await session.flush()
        attendee_id = None
        if attendee or for_member:
            user = await session.scalar(select(User).where(User.username == "member"))
            a = MeetingAttendee(
                meeting_id=m.id, name="参会人", role="expected", voter=True,
                user_id=user.id if for_member and user else None,
                member_id=user.member_id if for_member and user else None,
                leave_status="requested" if leave else None,
            )  # fmt: skip
            session.add(a)
            await session.flush()
            attendee_id = a.id
    return m.id, attendee_id


async def b_meetings(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/meetings", {"params": {"org_id": ctx.ids[t]}}


async def b_meeting_create(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/meetings", {
        "json": {
            "organization_id": ctx.ids[t], "type": "org_life", "title": f"组织生活会{n}",
            "starts_at": "2030-01-05T10:00:00Z",
        }
    }  # fmt: skip


def b_meeting_at(
    suffix: str = "", status: str = "draft", method_kw: dict[str, Any] | None = None, **opts: Any
) -> Callable[[Ctx, str, int], Awaitable[tuple[str, dict[str, Any]]]]:
    async def build(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
        meeting_id, attendee_id = await _meeting(ctx, ctx.ids[t], status=status, **opts)
        path = suffix.replace("{attendee}", str(attendee_id))
        return f"/api/v1/meetings/{meeting_id}{path}", dict(method_kw or {})

    return build


async def b_meeting_attendance(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    meeting_id, attendee_id = await _meeting(ctx, ctx.ids[t], attendee=True)
    entries = [{"attendee_id": attendee_id, "attendance": "present"}]
    return f"/api/v1/meetings/{meeting_id}/attendance", {"json": {"entries": entries}}


async def b_meeting_vote(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    meeting_id, attendee_id = await _meeting(ctx, ctx.ids[t], attendee=True)
    async with ctx.db.sessionmaker() as session, session.begin():
        a = await session.get(MeetingAttendee, attendee_id)
        assert a is not None
        a.attendance = "present"
    return f"/api/v1/meetings/{meeting_id}/resolutions", {"json": {"title": "表决", "yes": 1}}


async def b_agenda_decide(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    meeting_id, _ = await _meeting(ctx, ctx.ids[t])
    item = await _add_row(
        ctx,
        AgendaItem(meeting_id=meeting_id, title="议题", status="proposed", proposed_by="测试"),
    )
    return f"/api/v1/meetings/{meeting_id}/agenda/{item.id}/decision", {"json": {"accept": True}}


async def _attachment(ctx: Ctx, t: str) -> tuple[int, int]:
    from dangjian.core.db import utcnow
    from dangjian.core.files import FileStore

    meeting_id, _ = await _meeting(ctx, ctx.ids[t])
    stored = FileStore(ctx.settings.var_dir / "uploads").save(b"%PDF-1.4", "pdf")
    row = await _add_row(
        ctx,
        MeetingAttachment(
            meeting_id=meeting_id, purpose="material", name="材料.pdf", stored=stored,
            content_type="application/pdf", size=8, uploaded_by="测试", uploaded_at=utcnow(),
        ),
    )  # fmt: skip
    return meeting_id, row.id


async def b_attachment(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    meeting_id, attachment_id = await _attachment(ctx, t)
    return f"/api/v1/meetings/{meeting_id}/attachments/{attachment_id}", {}


async def b_attachment_upload(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    meeting_id, _ = await _meeting(ctx, ctx.ids[t])
    return f"/api/v1/meetings/{meeting_id}/attachments", {
        "files": {"file": ("议程.pdf", b"%PDF-1.4 x", "application/pdf")}
    }


async def b_resolutions(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/resolutions", {"params": {"org_id": ctx.ids[t]}}


async def b_resolution_patch(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    meeting_id, _ = await _meeting(ctx, ctx.ids[t])
    row = await _add_row(
        ctx,
        Resolution(
            meeting_id=meeting_id, organization_id=ctx.ids[t], title="决议", rule="committee",
            yes=3, expected=5, present=4, passed=True, follow_up="open",
        ),
    )  # fmt: skip
    return f"/api/v1/resolutions/{row.id}", {"json": {"owner": "组织委员"}}


def b_my_meeting(
    suffix: str = "",
    status: str = "notified",
    starts_in: timedelta = timedelta(days=2),
    **kw: Any,
) -> Callable[[Ctx, str, int], Awaitable[tuple[str, dict[str, Any]]]]:
    async def build(ctx: Ctx, _t: str, _n: int) -> tuple[str, dict[str, Any]]:
        meeting_id, _ = await _meeting(
            ctx, ctx.ids["child"], status=status, starts_in=starts_in, for_member=True
        )
        return f"/api/v1/me/meetings/{meeting_id}{suffix}", dict(kw)

    return build


# Compliance reports and ledgers (ROLES.md "ledgers and statistics export": every post but the
# 党小组长, street staff, the district client; the administrator sees the organisation only).
STATS = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       ok   ok    ok    404    404     404       404
jijian          ok   ok    ok    404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client ok   ok    ok    ok     ok      ok        404
admin           403  403   403   403    403     403       403
anonymous       401  401   401   401    401     401       401
""")

# Reports naming members (attendance, DISC-01 absences): as STATS, but a district client has
# personal data only with a roster scope, which the demo client lacks.
STATS_PERSONS = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       ok   ok    ok    404    404     404       404
jijian          ok   ok    ok    404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 403  403   403   403    403     403       404
admin           403  403   403   403    403     403       403
anonymous       401  401   401   401    401     401       401
""")


def b_compliance(what: str) -> Callable[[Ctx, str, int], Awaitable[tuple[str, dict[str, Any]]]]:
    async def build(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
        return f"/api/v1/compliance/{what}", {"params": {"org_id": ctx.ids[t]}}

    return build


async def b_ledger(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/ledgers/meetings", {"params": {"org_id": ctx.ids[t], "type": "committee"}}


async def b_dues_bases(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    url, _ = await b_member_get(ctx, t, n)
    return f"{url}/dues-bases", {}


async def b_dues_basis_add(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    url, _ = await b_member_get(ctx, t, n)
    month = f"{clock.today():%Y-%m}"
    body = {"category": "retired", "basis": "4200.00", "effective_month": month}
    return f"{url}/dues-bases", {"json": body}


# Reports and the register of dues: as DUES_READ (the 党小组长 sees their group's), but the
# 党费收缴登记册 is a ledger export, which the 党小组长 does not have (ROLES.md).
DUES_EXPORT = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       404  404   404   404    404     404       404
jijian          ok   ok    ok    404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

# Listing payments and exemption applications: is the target's among what the caller sees?
DUES_LIST = grid(
    "\n".join(
        line.replace(" ok", " +").replace(" 404", " -")
        if not line.startswith("anonymous")
        else line
        for line in """
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          ok   ok    ok    404    404     404       404
zuzhi           ok   ok    ok    404    404     404       404
xuanchuan       404  404   404   404    404     404       404
jijian          ok   ok    ok    404    404     404       404
xiaozu          404  404   ok    404    404     404       404
clerk           ok   ok    ok    404    404     404       404
street          ok   ok    ok    ok     ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""".splitlines()
    )
)

# DUES-03: the branch decides a reduction or exemption (书记 only). For a member of a Party group
# the deciding branch is the group's branch; a member directly under the street has no 书记 here.
DUES_EXEMPT_DECIDE = grid("""
                own  child group parent sibling lookalike outside
secretary       ok   ok    ok    404    404     404       404
deputy          403  403   403   404    404     404       404
zuzhi           403  403   403   404    404     404       404
xuanchuan       404  404   404   404    404     404       404
jijian          403  403   403   404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           403  403   403   404    404     404       404
street          403  403   403   403    403     403       404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")

# DUES-03: approval by the next-higher committee — a grant strictly above the deciding branch:
# street staff for everything below the street, the community 书记 for the branches below the
# community (not for the community itself, whose higher committee is the street).
DUES_EXEMPT_APPROVE = grid("""
                own  child group parent sibling lookalike outside
secretary       403  ok    ok    404    404     404       404
deputy          403  403   403   404    404     404       404
zuzhi           403  403   403   404    404     404       404
xuanchuan       404  404   404   404    404     404       404
jijian          403  403   403   404    404     404       404
xiaozu          404  404   403   404    404     404       404
clerk           403  403   403   404    404     404       404
street          ok   ok    ok    403    ok      ok        404
member          404  404   404   404    404     404       404
inservice       404  404   404   404    404     404       404
resident        404  404   404   404    404     404       404
unit_client     404  404   404   404    404     404       404
district_client 404  404   404   404    404     404       404
admin           404  404   404   404    404     404       404
anonymous       401  401   401   401    401     401       401
""")


async def _dues_member(ctx: Ctx, t: str, months_back: int = 3) -> Member:
    """A formal member of the target with a basis (15.00 a month) from a few months ago."""
    from conftest import fresh_member

    today = clock.today()
    member = await fresh_member(ctx, ctx.ids[t], joined_on=date(2001, 7, 1))
    start = _month(today, -months_back)
    await _add_row(
        ctx,
        DuesBasis(
            member_id=member.id, category=DuesCategory.salaried, basis=Decimal("3000.00"), rate=Decimal("0.005"),
            monthly_amount=Decimal("15.00"), effective_from=start, recorded_by="测试",
        ),
    )  # fmt: skip
    return member


def _month(day: date, delta: int) -> date:
    index = day.year * 12 + day.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


async def _dues_payment(ctx: Ctx, t: str, *, voluntary: bool = False) -> DuesPayment:
    """A payment (this month's 15.00, or a voluntary 1000.00 to remit) inserted as test data."""
    member = await _dues_member(ctx, t)
    today = clock.today()
    async with ctx.db.sessionmaker() as session, session.begin():
        p = DuesPayment(
            member_id=member.id, organization_id=ctx.ids[t],
            kind=PaymentKind.voluntary if voluntary else PaymentKind.regular,
            amount=Decimal("1000.00" if voluntary else "15.00"), method=PaymentMethod.cash,
            collector="测试", paid_on=today, remit_required=voluntary, recorded_by="测试",
        )  # fmt: skip
        session.add(p)
        await session.flush()
        if not voluntary:
            session.add(
                DuesPaymentMonth(
                    payment_id=p.id,
                    member_id=member.id,
                    month=today.replace(day=1),
                    amount=Decimal("15.00"),
                )
            )
    return p


async def _exemption(ctx: Ctx, t: str, status: ExemptionStatus) -> DuesExemption:
    member = await _dues_member(ctx, t)
    today = clock.today()
    return await _add_row(
        ctx,
        DuesExemption(
            member_id=member.id, kind=ExemptionKind.exempt, first_month=_month(today, 1),
            last_month=_month(today, 3), reason="长期住院", status=status, applied_by="测试",
            branch_decided_by="支部书记（测试）" if status is ExemptionStatus.branch_approved
            else None,
        ),
    )  # fmt: skip


async def b_dues_ledger(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    await _dues_member(ctx, t)
    return "/api/v1/dues/ledger", {"params": {"org_id": ctx.ids[t]}}


async def b_dues_statement(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    member = await _dues_member(ctx, t)
    return f"/api/v1/dues/members/{member.id}/statement", {}


async def b_dues_pay(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    member = await _dues_member(ctx, t, months_back=0)
    month = f"{clock.today():%Y-%m}"
    body = {"member_id": member.id, "months": [month], "amount": "15.00", "method": "cash"}
    return "/api/v1/dues/payments", {"json": body}


async def b_dues_payments(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    p = await _dues_payment(ctx, t)
    return "/api/v1/dues/payments", {"params": {"member_id": p.member_id}, "_expect_id": p.id}


async def b_dues_payment(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/dues/payments/{(await _dues_payment(ctx, t)).id}", {}


async def b_dues_reverse(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    p = await _dues_payment(ctx, t)
    return f"/api/v1/dues/payments/{p.id}/reverse", {"json": {"reason": "登记错了人"}}


async def b_dues_remit(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    p = await _dues_payment(ctx, t, voluntary=True)
    body = {"remitted_on": clock.today().isoformat(), "reference": "ZY-0001"}
    return f"/api/v1/dues/payments/{p.id}/remittance", {"json": body}


def b_dues_org(path: str) -> Callable[[Ctx, str, int], Awaitable[tuple[str, dict[str, Any]]]]:
    async def build(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
        await _dues_member(ctx, t)
        return path, {"params": {"org_id": ctx.ids[t]}}

    return build


async def b_dues_remind(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    member = await _dues_member(ctx, t, months_back=5)  # four months owed
    return "/api/v1/dues/arrears/remind", {
        "params": {"org_id": ctx.ids[t]},
        "json": {"member_ids": [member.id]},
    }


async def b_dues_exemptions(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    e = await _exemption(ctx, t, ExemptionStatus.proposed)
    return "/api/v1/dues/exemptions", {"params": {"member_id": e.member_id}, "_expect_id": e.id}


async def b_dues_exemption_apply(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    member = await _dues_member(ctx, t)
    today = clock.today()
    return "/api/v1/dues/exemptions", {
        "json": {
            "member_id": member.id, "kind": "reduce", "monthly_amount": "5.00",
            "first_month": f"{_month(today, 1):%Y-%m}", "last_month": f"{_month(today, 6):%Y-%m}",
            "reason": "下岗后收入减少",
        }
    }  # fmt: skip


async def b_dues_decide(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    e = await _exemption(ctx, t, ExemptionStatus.proposed)
    return f"/api/v1/dues/exemptions/{e.id}/decide", {"json": {"approve": True}}


async def b_dues_approve(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    e = await _exemption(ctx, t, ExemptionStatus.branch_approved)
    return f"/api/v1/dues/exemptions/{e.id}/approve", {"json": {"approve": True}}


async def b_dues_assessment_confirm(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    """A fresh organisation under the target that fixes dues once a year since 2000 (DUES-01)."""
    org = await fresh_child(ctx, t)
    await _add_row(
        ctx,
        PolicyValue(
            organization_id=org.id, key="dues.mode", value="annual_fixed",
            effective_from=date(2000, 1, 1), set_by="测试",
        ),
    )  # fmt: skip
    return "/api/v1/dues/assessment", {
        "json": {"organization_id": org.id, "year": clock.today().year}
    }


async def b_member_stats(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/members/statistics", {"params": {"org_id": ctx.ids[t]}}


async def b_member_stats_export(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/members/statistics/export", {"params": {"org_id": ctx.ids[t]}}


async def _correction(ctx: Ctx, t: str) -> MemberCorrection:
    from conftest import fresh_member

    member = await fresh_member(ctx, ctx.ids[t])
    return await _add_row(
        ctx,
        MemberCorrection(
            member_id=member.id,
            organization_id=ctx.ids[t],
            changes={"grid_area": "新网格"},
            reason="住址变更",
            requested_by="测试",
        ),
    )


async def b_corrections(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    correction = await _correction(ctx, t)
    return "/api/v1/members/corrections", {"_expect_id": correction.id}


async def b_correction_decide(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    correction = await _correction(ctx, t)
    return f"/api/v1/members/corrections/{correction.id}/decision", {
        "json": {"approve": True, "note": "已核实"}
    }


async def b_import(_ctx: Ctx, _t: str, _n: int) -> tuple[str, dict[str, Any]]:
    from dangjian.members.xlsx import template

    return "/api/v1/members/import", {
        "params": {"dry_run": "true"},
        "files": {"file": ("roster.xlsx", template(), "application/octet-stream")},
    }


async def b_import_problems(ctx: Ctx, t: str, n: int) -> tuple[str, dict[str, Any]]:
    _, body = await b_import(ctx, t, n)
    return "/api/v1/members/import-problems", {"files": body["files"]}


async def b_audit(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/audit", {"params": {"organization_id": ctx.ids[t]}}


async def b_audit_export(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/audit/export", {"params": {"organization_id": ctx.ids[t]}}


async def b_audit_security(ctx: Ctx, t: str, _n: int) -> tuple[str, dict[str, Any]]:
    return "/api/v1/audit/security", {"params": {"organization_id": ctx.ids[t]}}


async def b_login(_ctx: Ctx, _t: str, n: int) -> tuple[str, dict[str, Any]]:
    # a different name each time, so the lock-out (tested on its own) does not kick in
    return "/api/v1/auth/login", {"data": {"username": f"nobody{n}", "password": "wrong-Pass1"}}


def fixed(url: str, **kw: Any) -> Callable[[Ctx, str, int], Awaitable[tuple[str, dict[str, Any]]]]:
    async def build(_ctx: Ctx, _t: str, _n: int) -> tuple[str, dict[str, Any]]:
        return url, dict(kw)

    return build


MATRIX: dict[str, Case] = {
    "GET /api/v1/organizations/tree": Case(ORG_LIST, 200, b_tree),
    "GET /api/v1/organizations": Case(ORG_LIST, 200, b_list_orgs),
    "POST /api/v1/organizations": Case(ORG_CREATE_UNDER, 201, b_org_create),
    "GET /api/v1/organizations/{org_id}": Case(ORG_READ, 200, b_org),
    "PATCH /api/v1/organizations/{org_id}": Case(ORG_MANAGE, 200, b_org_patch),
    "DELETE /api/v1/organizations/{org_id}": Case(ORG_MANAGE, 204, b_org_delete),
    "POST /api/v1/organizations/{org_id}/move": Case(ORG_CREATE_UNDER, 200, b_org_move),
    "GET /api/v1/organizations/{org_id}/posts": Case(ORG_READ, 200, b_posts),
    "POST /api/v1/organizations/{org_id}/posts": Case(POSTS_APPOINT, 201, b_post_create),
    "PATCH /api/v1/organizations/{org_id}/posts/{post_id}": Case(POSTS_APPOINT, 200, b_post_update),
    "GET /api/v1/organizations/{org_id}/terms": Case(ORG_READ, 200, b_terms),
    "POST /api/v1/organizations/{org_id}/terms": Case(ORG_MANAGE, 201, b_term_create),
    "GET /api/v1/organizations/{org_id}/policy": Case(ORG_READ, 200, b_policy),
    "GET /api/v1/compliance/meetings": Case(STATS, 200, b_compliance("meetings")),
    "GET /api/v1/compliance/meetings/export": Case(STATS, 200, b_compliance("meetings/export")),
    "GET /api/v1/compliance/attendance": Case(STATS_PERSONS, 200, b_compliance("attendance")),
    "GET /api/v1/compliance/absences": Case(STATS_PERSONS, 200, b_compliance("absences")),
    "GET /api/v1/ledgers/meetings": Case(STATS, 200, b_ledger),
    "PUT /api/v1/organizations/{org_id}/policy": Case(POLICY_MANAGE, 200, b_policy_put),
    "GET /api/v1/meetings": Case(MEETING_READ, 200, b_meetings),
    "POST /api/v1/meetings": Case(MEETING_MANAGE, 201, b_meeting_create),
    "GET /api/v1/meetings/{meeting_id}": Case(MEETING_READ, 200, b_meeting_at()),
    "PATCH /api/v1/meetings/{meeting_id}": Case(
        MEETING_MANAGE, 200, b_meeting_at(method_kw={"json": {"place": "会议室"}})
    ),
    "POST /api/v1/meetings/{meeting_id}/notify": Case(MEETING_MANAGE, 200, b_meeting_at("/notify")),
    "POST /api/v1/meetings/{meeting_id}/cancel": Case(
        MEETING_MANAGE, 200, b_meeting_at("/cancel", method_kw={"json": {"reason": "改期"}})
    ),
    "POST /api/v1/meetings/{meeting_id}/hold": Case(
        # LEDG-03: a meeting cannot be confirmed held before it begins
        MEETING_MANAGE,
        200,
        b_meeting_at("/hold", method_kw={"json": {}}, starts_in=timedelta(hours=-1)),
    ),
    "PUT /api/v1/meetings/{meeting_id}/attendance": Case(MEETING_MANAGE, 200, b_meeting_attendance),
    "POST /api/v1/meetings/{meeting_id}/attendees": Case(
        MEETING_MANAGE, 200, b_meeting_at("/attendees", method_kw={"json": {"name": "列席代表"}})
    ),
    "PATCH /api/v1/meetings/{meeting_id}/attendees/{attendee_id}": Case(
        MEETING_MANAGE,
        200,
        b_meeting_at(
            "/attendees/{attendee}", method_kw={"json": {"opinion": "同意"}}, attendee=True
        ),
    ),
    "POST /api/v1/meetings/{meeting_id}/attendees/{attendee_id}/leave": Case(
        MEETING_MANAGE,
        200,
        b_meeting_at(
            "/attendees/{attendee}/leave",
            method_kw={"json": {"approve": True}},
            attendee=True,
            leave=True,
        ),
    ),
    "GET /api/v1/meetings/{meeting_id}/check-in-code": Case(
        MEETING_MANAGE, 200, b_meeting_at("/check-in-code")
    ),
    "POST /api/v1/meetings/{meeting_id}/agenda": Case(
        AGENDA_PROPOSE, 200, b_meeting_at("/agenda", method_kw={"json": {"title": "议题"}})
    ),
    "POST /api/v1/meetings/{meeting_id}/agenda/{item_id}/decision": Case(
        AGENDA_DECIDE, 200, b_agenda_decide
    ),
    "POST /api/v1/meetings/{meeting_id}/resolutions": Case(MEETING_MANAGE, 200, b_meeting_vote),
    "GET /api/v1/meetings/{meeting_id}/minutes": Case(
        MEETING_READ, 200, b_meeting_at("/minutes", status="held")
    ),
    "PUT /api/v1/meetings/{meeting_id}/minutes": Case(
        MEETING_MANAGE,
        200,
        b_meeting_at("/minutes", status="held", method_kw={"json": {"minutes": "纪要"}}),
    ),
    "POST /api/v1/meetings/{meeting_id}/minutes/approve": Case(
        AGENDA_DECIDE, 200, b_meeting_at("/minutes/approve", status="held")
    ),
    "POST /api/v1/meetings/{meeting_id}/archive": Case(
        MEETING_MANAGE, 200, b_meeting_at("/archive", status="minutes_approved")
    ),
    "POST /api/v1/meetings/{meeting_id}/attachments": Case(
        MEETING_MANAGE, 201, b_attachment_upload
    ),
    "GET /api/v1/meetings/{meeting_id}/attachments/{attachment_id}": Case(
        MEETING_READ, 200, b_attachment
    ),
    "DELETE /api/v1/meetings/{meeting_id}/attachments/{attachment_id}": Case(
        MEETING_MANAGE, 204, b_attachment
    ),
    "GET /api/v1/resolutions": Case(MEETING_READ, 200, b_resolutions),
    "PATCH /api/v1/resolutions/{resolution_id}": Case(MEETING_MANAGE, 200, b_resolution_patch),
    "GET /api/v1/me/meetings": Case(SELF_ANY, 200, fixed("/api/v1/me/meetings")),
    "GET /api/v1/me/meetings/{meeting_id}": Case(MY_MEETING, 200, b_my_meeting()),
    "POST /api/v1/me/meetings/{meeting_id}/leave": Case(
        MY_MEETING, 200, b_my_meeting("/leave", json={"reason": "出差"})
    ),
    "POST /api/v1/me/meetings/{meeting_id}/check-in": Case(
        MY_MEETING,
        200,
        b_my_meeting("/check-in", starts_in=timedelta(minutes=5), json={"token": "t" * 24}),
    ),
    "POST /api/v1/me/meetings/{meeting_id}/opinion": Case(
        MY_MEETING, 200, b_my_meeting("/opinion", json={"opinion": "同意"})
    ),
    "GET /api/v1/users": Case(USERS_LIST, 200, b_users),
    "POST /api/v1/users": Case(USERS_CREATE, 201, b_user_create),
    "GET /api/v1/users/{user_id}": Case(USERS, 200, b_user),
    "PATCH /api/v1/users/{user_id}": Case(USERS, 200, b_user_patch),
    "POST /api/v1/users/{user_id}/reset-password": Case(USERS, 200, b_user_reset),
    "GET /api/v1/audit": Case(AUDIT, 200, b_audit),
    "GET /api/v1/audit/export": Case(AUDIT, 200, b_audit_export),
    "GET /api/v1/audit/security": Case(AUDIT_SECURITY, 200, b_audit_security),
    "GET /api/v1/members": Case(ROSTER_LIST, 200, b_member_list),
    "POST /api/v1/members": Case(ROSTER_WRITE, 201, b_member_create),
    "GET /api/v1/members/statistics": Case(ROSTER_STATS, 200, b_member_stats),
    "GET /api/v1/members/statistics/export": Case(ROSTER_STATS, 200, b_member_stats_export),
    "GET /api/v1/members/{member_id}": Case(ROSTER_READ, 200, b_member_get),
    "PATCH /api/v1/members/{member_id}": Case(ROSTER_WRITE, 200, b_member_patch),
    "GET /api/v1/members/{member_id}/events": Case(ROSTER_READ, 200, b_member_events),
    "POST /api/v1/members/{member_id}/events": Case(ROSTER_WRITE, 201, b_member_event_add),
    "POST /api/v1/members/{member_id}/reveal": Case(ROSTER_FULL, 200, b_member_reveal),
    "GET /api/v1/members/{member_id}/photo": Case(ROSTER_READ, 200, b_member_photo),
    "PUT /api/v1/members/{member_id}/photo": Case(ROSTER_WRITE, 204, b_member_photo_put),
    "DELETE /api/v1/members/{member_id}/photo": Case(ROSTER_WRITE, 204, b_member_photo),
    "GET /api/v1/me/member": Case(OWN_MEMBER, 200, fixed("/api/v1/me/member")),
    "GET /api/v1/members/import-template": Case(
        only(ROSTER_WRITERS), 200, fixed("/api/v1/members/import-template")
    ),
    # An empty roster sheet: a dry run for those who may import, refused for everyone else.
    "POST /api/v1/members/import": Case(only(ROSTER_WRITERS), 200, b_import),
    "POST /api/v1/members/import-problems": Case(only(ROSTER_WRITERS), 200, b_import_problems),
    "GET /api/v1/members/export": Case(only(ROSTER_READERS), 200, fixed("/api/v1/members/export")),
    "GET /api/v1/members/corrections": Case(ROSTER_LIST, 200, b_corrections),
    "POST /api/v1/members/corrections/{correction_id}/decision": Case(
        ROSTER_WRITE, 200, b_correction_decide
    ),
    "GET /api/v1/me/member/corrections": Case(
        OWN_MEMBER, 200, fixed("/api/v1/me/member/corrections")
    ),
    "POST /api/v1/me/member/corrections": Case(
        OWN_MEMBER,
        201,
        fixed(
            "/api/v1/me/member/corrections",
            json={"changes": {"grid_area": "幸福小区2号楼"}, "reason": "搬家后网格变了"},
        ),
    ),
    "GET /api/v1/me/member/export": Case(OWN_MEMBER, 200, fixed("/api/v1/me/member/export")),
    "GET /api/v1/dashboard": Case(untargeted("ok", "ok", "401"), 200, fixed("/api/v1/dashboard")),
    "GET /api/v1/auth/me": Case(SELF_ANY, 200, fixed("/api/v1/auth/me")),
    # R: DUES-02 — the dues calculator is arithmetic on the caller's input: any signed-in caller.
    "GET /api/v1/members/{member_id}/dues-bases": Case(DUES_READ, 200, b_dues_bases),
    "POST /api/v1/members/{member_id}/dues-bases": Case(DUES_MANAGE, 201, b_dues_basis_add),
    "POST /api/v1/dues/calculate": Case(
        SELF_ANY,
        200,
        fixed("/api/v1/dues/calculate", json={"category": "salaried", "basis": "3000.01"}),
    ),
    "GET /api/v1/dues/ledger": Case(DUES_READ, 200, b_dues_ledger),
    "GET /api/v1/dues/members/{member_id}/statement": Case(DUES_READ, 200, b_dues_statement),
    "POST /api/v1/dues/payments": Case(DUES_MANAGE, 201, b_dues_pay),
    "GET /api/v1/dues/payments": Case(DUES_LIST, 200, b_dues_payments),
    "GET /api/v1/dues/payments/{payment_id}": Case(DUES_READ, 200, b_dues_payment),
    "POST /api/v1/dues/payments/{payment_id}/reverse": Case(DUES_MANAGE, 201, b_dues_reverse),
    "POST /api/v1/dues/payments/{payment_id}/remittance": Case(DUES_MANAGE, 200, b_dues_remit),
    "GET /api/v1/dues/arrears": Case(DUES_READ, 200, b_dues_org("/api/v1/dues/arrears")),
    "POST /api/v1/dues/arrears/remind": Case(DUES_MANAGE, 200, b_dues_remind),
    "GET /api/v1/dues/exemptions": Case(DUES_LIST, 200, b_dues_exemptions),
    "POST /api/v1/dues/exemptions": Case(DUES_MANAGE, 201, b_dues_exemption_apply),
    "POST /api/v1/dues/exemptions/{exemption_id}/decide": Case(
        DUES_EXEMPT_DECIDE, 200, b_dues_decide
    ),
    "POST /api/v1/dues/exemptions/{exemption_id}/approve": Case(
        DUES_EXEMPT_APPROVE, 200, b_dues_approve
    ),
    "GET /api/v1/dues/assessment": Case(DUES_READ, 200, b_dues_org("/api/v1/dues/assessment")),
    "POST /api/v1/dues/assessment": Case(DUES_MANAGE, 201, b_dues_assessment_confirm),
    **{
        f"GET /api/v1/dues/reports/{what}": Case(
            DUES_READ, 200, b_dues_org(f"/api/v1/dues/reports/{what}")
        )
        for what in ("monthly", "yearly", "published")
    },
    "GET /api/v1/ledgers/dues": Case(DUES_EXPORT, 200, b_dues_org("/api/v1/ledgers/dues")),
    "GET /api/v1/ledgers/dues/payments": Case(
        DUES_EXPORT, 200, b_dues_org("/api/v1/ledgers/dues/payments")
    ),
    "GET /api/v1/ledgers/dues/arrears": Case(
        DUES_EXPORT, 200, b_dues_org("/api/v1/ledgers/dues/arrears")
    ),
    "GET /api/v1/auth/sessions": Case(SELF_USER, 200, fixed("/api/v1/auth/sessions")),
    "GET /api/v1/me/notifications": Case(SELF_USER, 200, fixed("/api/v1/me/notifications")),
    "GET /api/v1/me/todos": Case(SELF_ANY, 200, fixed("/api/v1/me/todos")),
    "GET /api/v1/me/notifications/unread-count": Case(
        SELF_USER, 200, fixed("/api/v1/me/notifications/unread-count")
    ),
    "POST /api/v1/me/notifications/read-all": Case(
        SELF_USER, 204, fixed("/api/v1/me/notifications/read-all")
    ),
    "POST /api/v1/me/notifications/{notification_id}/read": Case(
        OWN_NOTIFICATION, 204, b_notification_read
    ),
    "DELETE /api/v1/auth/sessions/{session_id}": Case(
        untargeted("404", "403", "401"), 204, fixed("/api/v1/auth/sessions/no-such-session")
    ),
    "POST /api/v1/auth/password": Case(
        untargeted("400", "403", "401"),
        204,
        fixed(
            "/api/v1/auth/password", json={"current_password": "wrong-Pass1", "new_password": "x"}
        ),
    ),
    "POST /api/v1/auth/totp/setup": Case(SELF_USER, 200, fixed("/api/v1/auth/totp/setup")),
    "POST /api/v1/auth/totp/enable": Case(
        untargeted("400", "403", "401"),
        204,
        fixed("/api/v1/auth/totp/enable", json={"code": "000000"}),
    ),
    "POST /api/v1/auth/totp/disable": Case(
        untargeted("400", "403", "401"),
        204,
        fixed("/api/v1/auth/totp/disable", json={"code": "000000"}),
    ),
    "POST /api/v1/auth/login": Case(PUBLIC_401, 200, b_login, public=True),
    "POST /api/v1/auth/refresh": Case(
        PUBLIC_401,
        200,
        fixed("/api/v1/auth/refresh", json={"refresh_token": "not-a-token"}),
        public=True,
    ),
    "POST /api/v1/auth/token": Case(
        PUBLIC_401,
        200,
        fixed(
            "/api/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "unit-demo",
                "client_secret": "wrong",
            },
        ),
        public=True,
    ),
    "GET /api/docs": Case(PUBLIC_OK, 200, fixed("/api/docs"), public=True),
    "GET /healthz": Case(PUBLIC_OK, 200, fixed("/healthz"), public=True),
    "GET /readyz": Case(PUBLIC_OK, 200, fixed("/readyz"), public=True),
    # The SPA fallback (no SPA is built for the tests, so it answers the spa_not_built problem).
    "GET /{path:path}": Case(
        untargeted("404", "404", "404"), 200, fixed("/some/page"), public=True
    ),
    # An unknown API path is a 404 problem for everyone, whatever the method.
    **{
        f"{method} /api/{{path:path}}": Case(
            untargeted("404", "404", "404"), 200, fixed("/api/v1/no-such-route"), public=True
        )
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
    },
    # Logout ends whatever session the bearer token names; it is run last for each principal.
    "POST /api/v1/auth/logout": Case(
        untargeted("204", "204", "204"), 204, fixed("/api/v1/auth/logout"), public=True
    ),
}


def api_routes() -> list[str]:
    """Every route of the app, flattened through included routers."""
    app = create_app()
    return sorted(
        f"{m} {rc.path}"
        for rc in iter_route_contexts(app.routes)
        if isinstance(rc.original_route, APIRoute)
        for m in (rc.methods or ())
        if m != "HEAD"
    )


def test_every_route_has_a_row() -> None:
    routes = api_routes()
    missing = [r for r in routes if r not in MATRIX]
    stale = [r for r in MATRIX if r not in routes]
    assert not missing, f"routes without a permission-matrix row: {missing}"
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"


async def fingerprint(ctx: Ctx) -> tuple[Any, ...]:
    """Row counts, the audit head and the last change time of every mutable table — one
    statement of scalar subqueries (this runs twice per request of the matrix)."""
    parts: list[Any] = []
    for model in (
        Organization, OrganizationTerm, Post, User, Member, PolicyValue, Meeting, Resolution
    ):  # fmt: skip
        parts.append(select(func.count()).select_from(model).scalar_subquery())
        parts.append(select(func.max(model.updated_at)).scalar_subquery())
    for counted in (
        MemberEvent, DuesBasis, DuesPayment, DuesPaymentMonth, DuesReceiptCounter, DuesExemption,
        DuesAssessment, Notification,
    ):  # fmt: skip
        parts.append(select(func.count()).select_from(counted).scalar_subquery())
    # what a denied decision, approval or remittance would change in place
    for status in ExemptionStatus:
        parts.append(
            select(func.count())
            .select_from(DuesExemption)
            .where(DuesExemption.status == status)
            .scalar_subquery()
        )
    parts.append(
        select(func.count())
        .select_from(DuesPayment)
        .where(DuesPayment.remitted_on.is_not(None))
        .scalar_subquery()
    )
    parts.append(select(AuditHead.seq).where(AuditHead.id == 1).scalar_subquery())
    parts.append(select(AuditHead.hash).where(AuditHead.id == 1).scalar_subquery())
    parts.append(
        select(func.count())
        .select_from(User)
        .where(User.totp_secret.is_not(None))
        .scalar_subquery()
    )
    async with ctx.db.sessionmaker() as session:
        row = (await session.execute(select(*parts))).one()
    return tuple(row)


def _in_answer(body: Any, wanted_id: int, key: str = "id") -> bool:
    if isinstance(body, dict):
        if body.get(key) == wanted_id and {"name", "username", "member_name"} & body.keys():
            return True
        return any(_in_answer(v, wanted_id, key) for v in body.values())
    if isinstance(body, list):
        return any(_in_answer(v, wanted_id, key) for v in body)
    return False


# ROLES.md, rule of access 5: every write is audited. A request other than GET that succeeds must
# advance the audit chain's head; these are the successful writes that legitimately record nothing,
# as route -> principals (None: every principal), each with its reason. A new route that writes
# without an audit record fails the matrix until it records one (or is added here, with a reason).
UNAUDITED_WRITES: dict[str, set[str] | None] = {
    # DUES-02: the calculator is arithmetic on the caller's input; it reads and stores nothing.
    "POST /api/v1/dues/calculate": None,
    # The matrix imports as a dry run (b_import): it checks the sheet and stores nothing. The
    # real import is audited (test_member_import).
    "POST /api/v1/members/import": None,
    # The problem list re-checks the sheet as a dry run and answers a workbook; it stores nothing.
    "POST /api/v1/members/import-problems": None,
    # Without a token there is no session to end: 204, nothing happened. A signed-in caller's
    # logout ends a session and is audited.
    "POST /api/v1/auth/logout": {"anonymous"},
}


def _unaudited(route: str, principal: str) -> bool:
    if route not in UNAUDITED_WRITES:
        return False
    who = UNAUDITED_WRITES[route]
    return who is None or principal in who


async def audit_head(ctx: Ctx) -> int:
    async with ctx.db.sessionmaker() as session:
        seq = await session.scalar(select(AuditHead.seq).where(AuditHead.id == 1))
    assert seq is not None
    return int(seq)


@pytest.mark.parametrize("route", sorted(MATRIX))
async def test_matrix(ctx: Ctx, route: str) -> None:
    case = MATRIX[route]
    method, _ = route.split(" ", 1)
    targets = list(next(iter(case.table.values())))
    failures = []
    for n, (principal, target) in enumerate(itertools.product(PRINCIPALS, targets)):
        expected = case.table[principal][target]
        url, kw = await case.build(ctx, target, n)
        expect_id = kw.pop("_expect_id", ctx.ids.get(target))
        who = None if principal == "anonymous" else principal
        denied = expected in {"401", "403", "404"}
        write = method != "GET"
        before = await fingerprint(ctx) if denied and write and not case.public else None
        head = await audit_head(ctx) if write and not denied else None
        headers = {**kw.pop("headers", {}), **ctx.auth(who)}
        response = await ctx.client.request(method, url, headers=headers, **kw)
        status = response.status_code
        if expected in {"+", "-"}:
            ok = status == 200 and _in_answer(response.json(), expect_id) == (expected == "+")
        elif expected == "ok":
            ok = status == case.success
        else:
            ok = status == int(expected)
        if status >= 400 and status != 405:
            assert response.headers["content-type"].startswith("application/problem+json")
        if not ok:
            failures.append(
                f"{principal}@{target}: expected {expected}, got {status} {response.text[:120]}"
            )
        if before is not None:
            after = await fingerprint(ctx)
            if after != before:
                failures.append(f"{principal}@{target}: denied write changed the database")
        if head is not None and status < 400:
            audited = await audit_head(ctx) > head
            if audited == _unaudited(route, principal):
                failures.append(
                    f"{principal}@{target}: successful write "
                    + ("left no audit record" if not audited else "is audited: drop its exemption")
                )
    assert not failures, "\n".join(failures)
