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


class MeetingType(StrEnum):
    branch_assembly = "branch_assembly"
    committee = "committee"
    group_meeting = "group_meeting"
    party_lecture = "party_lecture"
    theme_day = "theme_day"
    org_life = "org_life"
    democratic_life = "democratic_life"
    joint_meeting = "joint_meeting"
    enlarged_meeting = "enlarged_meeting"
    secretary_office = "secretary_office"
    council = "council"
    youth_league = "youth_league"
    inservice_meeting = "inservice_meeting"
    residents_forum = "residents_forum"


class MeetingStatus(StrEnum):
    draft = "draft"
    notified = "notified"
    held = "held"
    minutes_approved = "minutes_approved"
    archived = "archived"
    cancelled = "cancelled"


class AttendeeRole(StrEnum):
    expected = "expected"  # 应到
    sitting_in = "sitting_in"  # 列席: invited, neither counted nor voting (MTG-05)


class Attendance(StrEnum):
    """MTG-09 sign-in per person."""

    present = "present"
    excused = "excused"
    absent = "absent"
    sitting_in = "sitting_in"


class LeaveStatus(StrEnum):
    requested = "requested"
    approved = "approved"
    refused = "refused"


class Exclusion(StrEnum):
    """MTG-07: the five kinds of members who may be left out of *expected* (with consent)."""

    too_ill = "too_ill"
    abroad = "abroad"
    serving_sentence = "serving_sentence"
    bedridden = "bedridden"
    moved_away = "moved_away"


class AgendaStatus(StrEnum):
    proposed = "proposed"
    accepted = "accepted"
    declined = "declined"


class FollowUp(StrEnum):
    """MTG-10: a resolution is followed until done, and verified at a later meeting."""

    open = "open"
    in_progress = "in_progress"
    done = "done"
    verified = "verified"


class AttachmentPurpose(StrEnum):
    material = "material"
    minutes = "minutes"


class VoteRule(StrEnum):
    committee = "committee"  # MTG-05/06: denominator = committee size (应到会委员)
    assembly = "assembly"  # MTG-07: denominator = expected voters (voters minus exclusions)
    election = "election"  # MTG-07a: valid if 5*present > 4*entitled; elected if 2*yes > present


class PaymentKind(StrEnum):
    regular = "regular"  # 按月交纳（含按季、预交、补交、代交）
    voluntary = "voluntary"  # 自愿多交 (DUES-07)
    reversal = "reversal"  # 冲正：a counter-entry for a mistaken payment (never a deletion)


class PaymentMethod(StrEnum):
    cash = "cash"
    bank = "bank"
    wechat = "wechat"
    alipay = "alipay"


class ExemptionKind(StrEnum):
    reduce = "reduce"  # 少交: a lower monthly amount for the period
    exempt = "exempt"  # 免交: nothing due for the period


class ExemptionStatus(StrEnum):
    proposed = "proposed"  # 已申请, awaiting the branch's decision
    branch_approved = "branch_approved"  # 支部同意, awaiting the higher committee (DUES-03)
    approved = "approved"  # 上级党委批准: applied to the ledger
    rejected = "rejected"  # 未同意 (by the branch or the higher committee)


class DuesCategory(StrEnum):
    # R: DUES-01/02 — the basis categories (brackets over a monthly basis)
    salaried = "salaried"  # monthly after-tax fixed regular pay
    annual_salary = "annual_salary"  # the month's actual pay
    self_employed = "self_employed"  # previous quarter's average monthly net income
    retired = "retired"  # total monthly pension
    # R: DUES-02 — the fixed-amount categories
    farmer = "farmer"  # an amount set per member within the policy's range
    student = "student"
    unemployed = "unemployed"
    relief = "relief"  # living on relief or a pension for the bereaved
    low_income = "low_income"  # 低保


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
