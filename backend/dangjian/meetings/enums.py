"""Meeting types (MTG-01) with their Chinese labels and the organisation levels that hold them."""

from __future__ import annotations

from dangjian.models.enums import Exclusion, MeetingStatus, MeetingType, OrgKind

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


MEETING_STATUS_LABELS: dict[MeetingStatus, str] = {
    MeetingStatus.draft: "草稿",
    MeetingStatus.notified: "已通知",
    MeetingStatus.held: "已召开",
    MeetingStatus.minutes_approved: "纪要已审定",
    MeetingStatus.archived: "已归档",
    MeetingStatus.cancelled: "已取消",
}
# Meetings that took place (they count toward MTG-02 frequencies).
HELD_STATUSES = frozenset(
    {MeetingStatus.held, MeetingStatus.minutes_approved, MeetingStatus.archived}
)


EXCLUSION_LABELS: dict[Exclusion, str] = {
    Exclusion.too_ill: "因病不能表达意志",
    Exclusion.abroad: "自费出国半年以上",
    Exclusion.serving_sentence: "正在服刑",
    Exclusion.bedridden: "年老体弱卧床不起",
    Exclusion.moved_away: "外出半年以上未转组织关系",
}
