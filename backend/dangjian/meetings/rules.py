"""Pure meeting arithmetic (no database, no I/O): quorum, votes, elections, the absence ladder.

Integers only: a majority is `2 * x > n`, four fifths is `5 * x > 4 * n`; no floats, no ratios.
Messages are for people and are in Chinese; codes are for programs.
"""

from __future__ import annotations

from dataclasses import dataclass

from dangjian.models.enums import VoteRule

VOTE_RULE_LABELS: dict[VoteRule, str] = {
    VoteRule.committee: "支部委员会表决",
    VoteRule.assembly: "支部党员大会表决",
    VoteRule.election: "换届选举",
}

QUORUM_NOT_MET = "quorum_not_met"
MAJORITY_NOT_REACHED = "majority_not_reached"


@dataclass(frozen=True)
class Quorum:
    expected: int  # 应到
    present: int  # 实到 (for assemblies: present voters + absent voters' written opinions, MTG-07)
    met: bool
    message: str


@dataclass(frozen=True)
class Tally:
    """The ballots on one question (or, in an election, on one candidate)."""

    yes: int
    no: int = 0
    abstain: int = 0
    invalid: int = 0

    def __post_init__(self) -> None:
        for name, value in (
            ("赞成票", self.yes),
            ("反对票", self.no),
            ("弃权票", self.abstain),
            ("废票", self.invalid),
        ):
            _not_negative(name, value)

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain + self.invalid


@dataclass(frozen=True)
class Outcome:
    rule: VoteRule
    denominator: int  # the number the majority is measured against
    quorum: Quorum
    tally: Tally
    passed: bool
    code: str | None  # None | "quorum_not_met" | "majority_not_reached"
    message: str


# ---------------------------------------------------------------- validation


def _not_negative(name: str, value: int) -> None:
    if value < 0:
        raise ValueError(f"{name}不能为负数（收到 {value}）")


def _check_counts(expected: int, present: int, written_opinions: int = 0) -> None:
    _not_negative("应到人数", expected)
    _not_negative("实到人数", present)
    _not_negative("书面意见人数", written_opinions)
    if expected == 0:
        raise ValueError("应到人数为 0，无法计算到会和表决结果")
    if present + written_opinions > expected:
        if written_opinions:
            raise ValueError(
                f"实到 {present} 人加书面意见 {written_opinions} 人，超过应到人数 {expected} 人"
            )
        raise ValueError(f"实到人数 {present} 人超过应到人数 {expected} 人")


# ---------------------------------------------------------------- thresholds


def minimum_yes(rule: VoteRule, denominator: int) -> int:
    """The smallest integer y with 2*y > denominator.

    R: MTG-06, MTG-07 — committee and assembly measure against 应到 (the denominator is
    `expected`); R: MTG-07a — an election measures against 实到 (the denominator is `present`).
    The rule decides which number the caller passes; the threshold itself is the same.
    """
    _not_negative("人数", denominator)
    return denominator // 2 + 1


def minimum_present(rule: VoteRule, expected: int) -> int:
    """The smallest attendance that makes the quorum (the assembly's counts written opinions).

    R: MTG-05, MTG-07 — 2*p > expected; R: MTG-07a — 5*p > 4*expected.
    """
    _not_negative("应到人数", expected)
    if VoteRule(rule) is VoteRule.election:
        return 4 * expected // 5 + 1
    return expected // 2 + 1


# ---------------------------------------------------------------- quorum


def committee_quorum(committee_size: int, present: int) -> Quorum:
    """R: MTG-05 — a committee meeting needs more than half of its members present; people
    sitting in (列席) are not counted by the caller."""
    _check_counts(committee_size, present)
    met = 2 * present > committee_size  # R: MTG-05
    head = f"应到 {committee_size} 人，实到 {present} 人"
    if met:
        return Quorum(committee_size, present, True, f"{head}，超过半数")
    need = minimum_present(VoteRule.committee, committee_size)
    return Quorum(
        committee_size, present, False, f"{head}，未过半数，不能开会（至少须到 {need} 人）"
    )


def assembly_quorum(expected: int, present: int, written_opinions: int = 0) -> Quorum:
    """R: MTG-07 — a branch assembly may vote when 2 × (present + written opinions) > expected.

    `expected` is the formal members with a vote less the approved exclusions; `written_opinions`
    counts absent voters who handed in a written opinion before the meeting (they count as votes,
    national.md §1.3)."""
    _check_counts(expected, present, written_opinions)
    counted = present + written_opinions
    met = 2 * counted > expected  # R: MTG-07
    head = f"应到 {expected} 人，实到 {counted} 人" + _written_note(written_opinions, "人")
    if met:
        return Quorum(expected, counted, True, f"{head}，超过半数")
    need = minimum_present(VoteRule.assembly, expected)
    return Quorum(expected, counted, False, f"{head}，未过半数，不能表决（至少须到 {need} 人）")


def election_validity(entitled: int, present: int) -> Quorum:
    """R: MTG-07a — an election is valid only when more than four fifths of those entitled to
    vote attend: 5 × present > 4 × entitled."""
    _check_counts(entitled, present)
    met = 5 * present > 4 * entitled  # R: MTG-07a
    head = f"应到 {entitled} 人，实到 {present} 人"
    if met:
        return Quorum(entitled, present, True, f"{head}，超过五分之四，选举有效")
    need = minimum_present(VoteRule.election, entitled)
    return Quorum(
        entitled, present, False, f"{head}，未超过五分之四，选举无效（至少须到 {need} 人）"
    )


def _written_note(written_opinions: int, unit: str) -> str:
    return f"（含书面意见 {written_opinions} {unit}）" if written_opinions else ""


# ---------------------------------------------------------------- decisions


def decide(
    rule: VoteRule, *, expected: int, present: int, tally: Tally, written_opinions: int = 0
) -> Outcome:
    """Judge one vote.

    - committee (R: MTG-05, MTG-06): quorum 2*present > expected; passed iff 2*yes > expected —
      more than half of the members who should attend, not of those present.
    - assembly (R: MTG-07): quorum 2*(present + written) > expected; passed iff 2*yes > expected.
      The caller includes the yes votes of written opinions in `tally.yes`.
    - election (R: MTG-07a): valid iff 5*present > 4*expected; elected iff 2*yes > present.

    Raises ValueError (in Chinese) for impossible counts.
    """
    rule = VoteRule(rule)
    if written_opinions and rule is not VoteRule.assembly:
        # R: MTG-07 — written opinions of absent voters exist only for branch assembly votes.
        _not_negative("书面意见人数", written_opinions)
        raise ValueError(f"书面意见只适用于支部党员大会表决，{VOTE_RULE_LABELS[rule]}不计书面意见")
    _check_counts(expected, present, written_opinions)
    voters = present + written_opinions
    if tally.cast > voters:
        raise ValueError(
            f"投票总数 {tally.cast} 张超过参加表决的人数 {voters} 人"
            + _written_note(written_opinions, "人")
        )

    if rule is VoteRule.committee:
        quorum = committee_quorum(expected, present)
        denominator = expected  # R: MTG-06
    elif rule is VoteRule.assembly:
        quorum = assembly_quorum(expected, present, written_opinions)
        denominator = expected  # R: MTG-07
    else:
        quorum = election_validity(expected, present)
        denominator = present  # R: MTG-07a

    majority = 2 * tally.yes > denominator
    passed = quorum.met and majority
    if passed:
        code = None
    elif not quorum.met:
        code = QUORUM_NOT_MET
    else:
        code = MAJORITY_NOT_REACHED
    message = _outcome_message(rule, quorum, tally, denominator, passed, written_opinions)
    return Outcome(rule, denominator, quorum, tally, passed, code, message)


def _outcome_message(
    rule: VoteRule, quorum: Quorum, tally: Tally, denominator: int, passed: bool, written: int
) -> str:
    head = (
        f"应到 {quorum.expected}，实到 {quorum.present}"
        + _written_note(written, "份")
        + f"，赞成 {tally.yes}"
    )
    need_yes = minimum_yes(rule, denominator)
    if rule is VoteRule.election:
        base, yes_word, no_word = "实到人数", "当选", "未当选"
    else:
        base, yes_word, no_word = "应到人数", "通过", "未通过"
    if passed:
        return f"{head} — {yes_word}（赞成票超过{base}的一半，至少须 {need_yes} 票）"
    yes_rule = f"赞成票须超过{base}的一半，即至少 {need_yes} 票"
    if quorum.met:
        return f"{head} — {no_word}（{yes_rule}）"
    need_present = minimum_present(rule, quorum.expected)
    if rule is VoteRule.election:
        return (
            f"{head} — 选举无效，{no_word}"
            f"（到会须超过应到人数的五分之四，即至少 {need_present} 人；{yes_rule}）"
        )
    return (
        f"{head} — 到会未过半数，{no_word}"
        f"（实到须超过应到人数的一半，即至少 {need_present} 人；{yes_rule}）"
    )


# ---------------------------------------------------------------- DISC-01 absence ladder

# R: DISC-01 *param* — months of unexcused absence at which each level begins.
ABSENCE_THRESHOLDS: tuple[int, int, int] = (2, 4, 6)

ABSENCE_LABELS: dict[int, str] = {
    1: "批评教育，在支部会上检查",
    2: "视情节给予纪律处分",
    3: "按自行脱党处理的情形，提交支部大会讨论",
}


def absence_level(
    consecutive_months: int, *, thresholds: tuple[int, int, int] = ABSENCE_THRESHOLDS
) -> int | None:
    """R: DISC-01 — classify consecutive months of unexcused absence from organisation life:
    None for 0–1, 1 for 2–3, 2 for 4–5, 3 from 6 (with the default thresholds). The platform
    only finds the cases; people decide."""
    _not_negative("连续缺席月数", consecutive_months)
    first, second, third = thresholds
    if not 0 < first < second < third:
        raise ValueError(f"缺席分级阈值须为递增的正整数（收到 {thresholds}）")
    if consecutive_months >= third:
        return 3
    if consecutive_months >= second:
        return 2
    if consecutive_months >= first:
        return 1
    return None


def absence_label(
    consecutive_months: int, *, thresholds: tuple[int, int, int] = ABSENCE_THRESHOLDS
) -> str | None:
    """R: DISC-01 — the Chinese label of the level, None below the first threshold."""
    level = absence_level(consecutive_months, thresholds=thresholds)
    return None if level is None else ABSENCE_LABELS[level]
