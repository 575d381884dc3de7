"""Meeting types (MTG-01) with their Chinese labels and the organisation levels that hold them."""

from __future__ import annotations

from enum import StrEnum

from dangjian.models.enums import OrgKind


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


MEETING_TYPE_LABELS: dict[MeetingType, str] = {
    MeetingType.branch_assembly: "支部党员大会",
    MeetingType.committee: "支部委员会",
    MeetingType.group_meeting: "党小组会",
    MeetingType.party_lecture: "党课",
    MeetingType.theme_day: "主题党日",
    MeetingType.org_life: "组织生活会",
    MeetingType.democratic_life: "民主生活会",
    MeetingType.joint_meeting: "党建联席会",
    MeetingType.enlarged_meeting: "总支扩大会议",
    MeetingType.secretary_office: "书记办公会",
    MeetingType.council: "议事会",
    MeetingType.youth_league: "党建带团建例会",
    MeetingType.inservice_meeting: "在职党员例会",
    MeetingType.residents_forum: "居民座谈会",
}

_K = OrgKind
_COMMITTEES = frozenset({_K.community, _K.general_branch, _K.branch})
# R: MTG-01/MTG-02 — which organisation levels hold each type of meeting.
HELD_BY: dict[MeetingType, frozenset[OrgKind]] = {
    MeetingType.branch_assembly: frozenset({_K.community, _K.general_branch, _K.branch}),
    MeetingType.committee: _COMMITTEES,
    MeetingType.group_meeting: frozenset({_K.group}),
    MeetingType.party_lecture: _COMMITTEES,
    MeetingType.theme_day: frozenset({_K.community, _K.branch}),
    MeetingType.org_life: frozenset({_K.community, _K.general_branch, _K.branch, _K.group}),
    MeetingType.democratic_life: frozenset({_K.community, _K.general_branch}),
    MeetingType.joint_meeting: frozenset({_K.community}),
    MeetingType.enlarged_meeting: frozenset({_K.community, _K.general_branch}),
    MeetingType.secretary_office: frozenset({_K.community}),
    MeetingType.council: frozenset({_K.community, _K.general_branch}),
    MeetingType.youth_league: frozenset({_K.community}),
    MeetingType.inservice_meeting: frozenset({_K.community}),
    MeetingType.residents_forum: frozenset({_K.community}),
}
