"""Enumerations stored in the database (values are stable English identifiers; the Chinese
labels live in `LABELS` and, for the SPA, in frontend/src/locales/enums.ts)."""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    """ORG-01/ORG-02: levels of the organisation tree and the units linked to it."""

    street = "street"
    community = "community"
    general_branch = "general_branch"
    branch = "branch"
    group = "group"
    resident_unit = "resident_unit"
    home_unit = "home_unit"


class OrgCategory(StrEnum):
    """组织类别 (national.md §3.2)."""

    working_committee = "working_committee"
    party_committee = "party_committee"
    general_branch = "general_branch"
    branch = "branch"
    joint_branch = "joint_branch"
    temporary_branch = "temporary_branch"
    group = "group"


class PostKind(StrEnum):
    """ORG-05: committee posts (ROLES.md duty divisions)."""

    secretary = "secretary"
    deputy_secretary = "deputy_secretary"
    organization_member = "organization_member"
    propaganda_member = "propaganda_member"
    discipline_member = "discipline_member"
    group_leader = "group_leader"
    clerk = "clerk"
    street_staff = "street_staff"


class MemberKind(StrEnum):
    formal = "formal"
    probationary = "probationary"


class Gender(StrEnum):
    male = "male"
    female = "female"


class MemberStatus(StrEnum):
    """MEM-02 status; derived from events once the roster issue lands."""

    normal = "normal"
    stopped = "stopped"
    suspended = "suspended"
    probation = "probation"
    lost_contact = "lost_contact"
    transferred_out = "transferred_out"
    deceased = "deceased"
    removed = "removed"
    expelled = "expelled"


class ClientKind(StrEnum):
    unit = "unit"
    district = "district"


LABELS: dict[str, str] = {
    "street": "街道党工委",
    "community": "社区党组织",
    "general_branch": "党总支",
    "branch": "党支部",
    "group": "党小组",
    "resident_unit": "驻区单位党组织",
    "home_unit": "在职党员所在单位党组织",
    "secretary": "书记",
    "deputy_secretary": "副书记",
    "organization_member": "组织委员",
    "propaganda_member": "宣传委员",
    "discipline_member": "纪检委员",
    "group_leader": "党小组长",
    "clerk": "党务干事",
    "street_staff": "街道工作人员",
}
