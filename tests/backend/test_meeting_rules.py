"""Pure meeting arithmetic (MTG-05, MTG-06, MTG-07, MTG-07a, DISC-01): no database, no I/O."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dangjian.meetings import rules
from dangjian.meetings.rules import (
    ABSENCE_LABELS,
    Outcome,
    Quorum,
    Tally,
    absence_label,
    absence_level,
    assembly_quorum,
    committee_quorum,
    decide,
    election_validity,
    minimum_present,
    minimum_yes,
)
from dangjian.models.enums import VoteRule

C, A, EL = VoteRule.committee, VoteRule.assembly, VoteRule.election


def committee(expected: int, present: int, yes: int, no: int = 0) -> Outcome:
    return decide(C, expected=expected, present=present, tally=Tally(yes, no))


def assembly(expected: int, present: int, yes: int, written: int = 0) -> Outcome:
    return decide(A, expected=expected, present=present, tally=Tally(yes), written_opinions=written)


def election(entitled: int, present: int, yes: int, no: int = 0) -> Outcome:
    return decide(EL, expected=entitled, present=present, tally=Tally(yes, no))


# ---------------------------------------------------------------- MTG-05 committee quorum


class TestMtg05CommitteeQuorum:
    """R: MTG-05 — a committee meeting needs more than half of its members present."""

    @pytest.mark.parametrize(
        ("size", "present", "met"),
        [
            (5, 2, False),
            (5, 3, True),
            (6, 3, False),
            (6, 4, True),
            (7, 3, False),
            (7, 4, True),
            (1, 0, False),
            (1, 1, True),
            (2, 1, False),
            (2, 2, True),
            (3, 3, True),
        ],
    )
    def test_mtg05_committee_quorum_needs_more_than_half(
        self, size: int, present: int, met: bool
    ) -> None:
        q = committee_quorum(size, present)
        assert q == Quorum(size, present, met, q.message)
        assert q.met is met

    def test_mtg05_half_exactly_is_not_enough_for_an_even_committee(self) -> None:
        assert not committee_quorum(6, 3).met
        assert not committee_quorum(4, 2).met

    def test_mtg05_messages_give_the_numbers_in_chinese(self) -> None:
        assert committee_quorum(7, 5).message == "应到 7 人，实到 5 人，超过半数"
        failed = committee_quorum(7, 3).message
        assert failed.startswith("应到 7 人，实到 3 人，未过半数，不能开会")
        assert "至少须到 4 人" in failed

    def test_mtg05_minimum_present(self) -> None:
        assert [minimum_present(C, n) for n in (1, 2, 3, 4, 5, 6, 7)] == [1, 2, 2, 3, 3, 4, 4]


# ---------------------------------------------------------------- MTG-06 committee resolutions


class TestMtg06CommitteeResolution:
    """R: MTG-06 — yes votes of more than half of the members who should attend, not of those
    present."""

    def test_mtg06_three_of_five_passes(self) -> None:
        out = committee(5, 3, 3)
        assert out.passed and out.code is None
        assert out.denominator == 5 and out.rule is C

    def test_mtg06_three_of_six_fails_even_if_all_present_vote_yes(self) -> None:
        out = committee(6, 4, 3, 1)
        assert not out.passed
        assert out.code == "majority_not_reached"
        assert out.denominator == 6

    def test_mtg06_four_of_six_passes(self) -> None:
        assert committee(6, 4, 4).passed

    def test_mtg06_denominator_is_expected_not_present(self) -> None:
        # 3 of 4 present is a majority of those present, but 3 of 7 is not a majority of 应到.
        out = committee(7, 4, 3, 1)
        assert not out.passed and out.code == "majority_not_reached"
        assert committee(7, 4, 4).passed

    def test_mtg06_no_quorum_means_no_resolution(self) -> None:
        out = committee(5, 2, 2)
        assert not out.passed
        assert out.code == "quorum_not_met"
        assert not out.quorum.met

    def test_mtg06_failed_message_names_the_numbers_and_the_minimum(self) -> None:
        out = committee(7, 5, 3, 2)
        assert (
            out.message
            == "应到 7，实到 5，赞成 3 — 未通过（赞成票须超过应到人数的一半，即至少 4 票）"
        )

    def test_mtg06_passed_message(self) -> None:
        out = committee(7, 5, 4, 1)
        assert out.message.startswith("应到 7，实到 5，赞成 4 — 通过")
        assert "4 票" in out.message

    def test_mtg06_quorum_failure_message_gives_both_minimums(self) -> None:
        msg = committee(7, 3, 3).message
        assert msg.startswith("应到 7，实到 3，赞成 3 — ")
        assert "未通过" in msg and "至少 4 人" in msg and "至少 4 票" in msg

    def test_mtg06_minimum_yes(self) -> None:
        assert [minimum_yes(C, n) for n in (1, 2, 3, 4, 5, 6, 7)] == [1, 2, 2, 3, 3, 4, 4]


# ---------------------------------------------------------------- MTG-07 branch assembly


class TestMtg07Assembly:
    """R: MTG-07 — quorum 2 × present > expected, passed 2 × yes > expected; written opinions of
    absent voters count as votes."""

    @pytest.mark.parametrize(
        ("expected", "present", "met"),
        [
            (16, 8, False),
            (16, 9, True),
            (15, 7, False),
            (15, 8, True),
            (10, 5, False),
            (10, 6, True),
        ],
    )
    def test_mtg07_assembly_quorum_odd_and_even(
        self, expected: int, present: int, met: bool
    ) -> None:
        # national.md §1.3: 应到16 → ≥9; 应到15 → ≥8.
        assert assembly_quorum(expected, present).met is met

    def test_mtg07_written_opinions_tip_the_quorum(self) -> None:
        assert not assembly_quorum(10, 5).met
        q = assembly_quorum(10, 5, written_opinions=1)
        assert q.met and q.present == 6 and q.expected == 10
        assert q.message == "应到 10 人，实到 6 人（含书面意见 1 人），超过半数"

    def test_mtg07_written_opinions_can_also_fall_short(self) -> None:
        q = assembly_quorum(16, 6, written_opinions=2)
        assert not q.met and q.present == 8
        assert "不能表决" in q.message and "至少须到 9 人" in q.message

    def test_mtg07_written_opinions_decide_a_vote(self) -> None:
        # 5 present, 1 written opinion in favour: quorum 6 of 10, yes 6 of 10 → passed.
        out = assembly(10, 5, 6, written=1)
        assert out.passed and out.code is None
        assert out.quorum.present == 6
        assert "书面意见 1" in out.message
        # Without the written opinion: no quorum.
        assert assembly(10, 5, 5).code == "quorum_not_met"

    def test_mtg07_denominator_is_always_expected(self) -> None:
        # 9 present of 16, 8 yes: a majority of those present, not of the expected 16.
        out = assembly(16, 9, 8)
        assert not out.passed and out.code == "majority_not_reached"
        assert out.denominator == 16
        assert "至少 9 票" in out.message
        assert assembly(16, 9, 9).passed

    def test_mtg07_odd_expected(self) -> None:
        assert not assembly(15, 15, 7).passed
        assert assembly(15, 8, 8).passed

    def test_mtg07_all_expected_present_and_unanimous(self) -> None:
        assert assembly(1, 1, 1).passed
        assert assembly(1, 0, 1, written=1).passed

    def test_mtg07_quorum_failure_message(self) -> None:
        out = assembly(16, 8, 8)
        assert out.code == "quorum_not_met"
        assert out.message.startswith("应到 16，实到 8，赞成 8 — ")
        assert "至少 9 人" in out.message and "至少 9 票" in out.message


# ---------------------------------------------------------------- MTG-07a elections


class TestMtg07aElection:
    """R: MTG-07a — valid when more than 4/5 of those entitled attend; elected with yes votes of
    more than half of those present."""

    @pytest.mark.parametrize(
        ("entitled", "present", "valid"),
        [
            (10, 8, False),
            (10, 9, True),
            (5, 4, False),
            (5, 5, True),
            (11, 8, False),
            (11, 9, True),
            (15, 12, False),
            (15, 13, True),
            (1, 1, True),
            (1, 0, False),
        ],
    )
    def test_mtg07a_election_needs_more_than_four_fifths(
        self, entitled: int, present: int, valid: bool
    ) -> None:
        assert election_validity(entitled, present).met is valid

    def test_mtg07a_messages(self) -> None:
        assert election_validity(10, 9).message == "应到 10 人，实到 9 人，超过五分之四，选举有效"
        msg = election_validity(10, 8).message
        assert msg.startswith("应到 10 人，实到 8 人，未超过五分之四，选举无效")
        assert "至少须到 9 人" in msg

    def test_mtg07a_minimum_present(self) -> None:
        assert [minimum_present(EL, n) for n in (1, 4, 5, 10, 11, 15)] == [1, 4, 5, 9, 9, 13]

    def test_mtg07a_elected_with_more_than_half_of_present(self) -> None:
        out = election(10, 9, 5, 4)
        assert out.passed and out.code is None
        assert out.denominator == 9
        assert "当选" in out.message and "至少须 5 票" in out.message

    def test_mtg07a_half_of_present_is_not_enough(self) -> None:
        out = election(10, 10, 5, 5)
        assert not out.passed and out.code == "majority_not_reached"
        assert out.denominator == 10
        assert "未当选" in out.message and "至少 6 票" in out.message

    def test_mtg07a_denominator_is_present_not_entitled(self) -> None:
        # 5 yes of 9 present elects; the same 5 would not be a majority of the 10 entitled.
        assert election(10, 9, 5).passed
        assert not committee(10, 9, 5).passed

    def test_mtg07a_invalid_election_elects_nobody(self) -> None:
        out = election(10, 8, 8)
        assert not out.passed and out.code == "quorum_not_met"
        assert "选举无效" in out.message and "至少 9 人" in out.message


# ---------------------------------------------------------------- validation


class TestValidation:
    """Impossible counts are refused in Chinese."""

    @pytest.mark.parametrize(
        "call",
        [
            lambda: committee_quorum(-1, 0),
            lambda: committee_quorum(5, -1),
            lambda: committee_quorum(0, 0),
            lambda: committee_quorum(5, 6),
            lambda: assembly_quorum(10, 10, written_opinions=1),
            lambda: assembly_quorum(10, 5, written_opinions=-1),
            lambda: assembly_quorum(0, 0),
            lambda: election_validity(10, 11),
            lambda: election_validity(0, 0),
            lambda: election_validity(-3, 0),
            lambda: minimum_yes(C, -1),
            lambda: minimum_present(A, -1),
        ],
    )
    def test_quorum_inputs_are_checked(self, call: Callable[[], object]) -> None:
        with pytest.raises(ValueError, match=r"[\u4e00-\u9fff]"):
            call()

    @pytest.mark.parametrize("rule", list(VoteRule))
    def test_present_above_expected_is_refused(self, rule: VoteRule) -> None:
        with pytest.raises(ValueError, match="超过应到人数"):
            decide(rule, expected=5, present=6, tally=Tally(3))

    @pytest.mark.parametrize("rule", list(VoteRule))
    def test_expected_zero_is_refused(self, rule: VoteRule) -> None:
        with pytest.raises(ValueError, match="应到人数为 0"):
            decide(rule, expected=0, present=0, tally=Tally(0))

    @pytest.mark.parametrize("rule", list(VoteRule))
    def test_more_ballots_than_voters_is_refused(self, rule: VoteRule) -> None:
        with pytest.raises(ValueError, match="投票总数 5 张超过"):
            decide(rule, expected=7, present=4, tally=Tally(2, 1, 1, 1))

    def test_mtg07_written_opinions_count_as_voters(self) -> None:
        out = decide(A, expected=7, present=4, tally=Tally(2, 1, 1, 1), written_opinions=1)
        assert out.tally.cast == 5
        with pytest.raises(ValueError, match="投票总数 6 张"):
            decide(A, expected=7, present=4, tally=Tally(3, 1, 1, 1), written_opinions=1)

    def test_mtg07_present_plus_written_above_expected_is_refused(self) -> None:
        with pytest.raises(ValueError, match="书面意见 2 人，超过应到人数 7 人"):
            decide(A, expected=7, present=6, tally=Tally(4), written_opinions=2)

    @pytest.mark.parametrize("rule", [C, EL])
    def test_written_opinions_only_for_assembly_votes(self, rule: VoteRule) -> None:
        with pytest.raises(ValueError, match="书面意见只适用于支部党员大会表决"):
            decide(rule, expected=7, present=5, tally=Tally(4), written_opinions=1)

    @pytest.mark.parametrize("rule", list(VoteRule))
    def test_negative_counts_are_refused(self, rule: VoteRule) -> None:
        with pytest.raises(ValueError, match="不能为负数"):
            decide(rule, expected=-1, present=0, tally=Tally(0))
        with pytest.raises(ValueError, match="不能为负数"):
            decide(rule, expected=5, present=-1, tally=Tally(0))
        with pytest.raises(ValueError, match="不能为负数"):
            decide(rule, expected=5, present=3, tally=Tally(0), written_opinions=-1)

    @pytest.mark.parametrize("fields", [(-1, 0, 0, 0), (0, -1, 0, 0), (0, 0, -1, 0), (0, 0, 0, -1)])
    def test_negative_ballots_are_refused(self, fields: tuple[int, int, int, int]) -> None:
        with pytest.raises(ValueError, match="不能为负数"):
            Tally(*fields)

    def test_tally_is_frozen_and_counts_cast(self) -> None:
        t = Tally(3, 2, 1, 1)
        assert t.cast == 7
        assert Tally(4).cast == 4
        with pytest.raises(dataclasses.FrozenInstanceError):
            t.yes = 9  # type: ignore[misc]

    def test_rule_given_as_plain_string_is_accepted(self) -> None:
        out = decide("assembly", expected=10, present=6, tally=Tally(6))  # type: ignore[arg-type]
        assert out.rule is A and out.passed


# ---------------------------------------------------------------- DISC-01 absence ladder


class TestDisc01AbsenceLadder:
    """R: DISC-01 — the platform classifies unexcused absence; people decide."""

    @pytest.mark.parametrize(
        ("months", "level"),
        [(0, None), (1, None), (2, 1), (3, 1), (4, 2), (5, 2), (6, 3), (7, 3), (24, 3)],
    )
    def test_disc01_absence_levels(self, months: int, level: int | None) -> None:
        assert absence_level(months) == level

    def test_disc01_labels(self) -> None:
        assert absence_label(1) is None
        assert absence_label(3) == "批评教育，在支部会上检查"
        assert absence_label(5) == "视情节给予纪律处分"
        assert absence_label(6) == "按自行脱党处理的情形，提交支部大会讨论"
        assert set(ABSENCE_LABELS) == {1, 2, 3}

    def test_disc01_thresholds_are_a_parameter(self) -> None:
        assert absence_level(2, thresholds=(3, 5, 8)) is None
        assert absence_level(3, thresholds=(3, 5, 8)) == 1
        assert absence_level(7, thresholds=(3, 5, 8)) == 2
        assert absence_level(8, thresholds=(3, 5, 8)) == 3

    @pytest.mark.parametrize("thresholds", [(0, 4, 6), (4, 2, 6), (2, 4, 4)])
    def test_disc01_bad_thresholds_are_refused(self, thresholds: tuple[int, int, int]) -> None:
        with pytest.raises(ValueError, match="阈值"):
            absence_level(3, thresholds=thresholds)

    def test_disc01_negative_months_are_refused(self) -> None:
        with pytest.raises(ValueError, match="连续缺席月数不能为负数"):
            absence_level(-1)


# ---------------------------------------------------------------- properties


@st.composite
def valid_vote(draw: st.DrawFn) -> tuple[VoteRule, int, int, int, Tally]:
    """A rule with consistent counts: present (+ written) ≤ expected, ballots ≤ voters."""
    rule = draw(st.sampled_from(list(VoteRule)))
    expected = draw(st.integers(1, 300))
    present = draw(st.integers(0, expected))
    written = draw(st.integers(0, expected - present)) if rule is A else 0
    voters = present + written
    yes = draw(st.integers(0, voters))
    no = draw(st.integers(0, voters - yes))
    abstain = draw(st.integers(0, voters - yes - no))
    invalid = draw(st.integers(0, voters - yes - no - abstain))
    return rule, expected, present, written, Tally(yes, no, abstain, invalid)


def direct(
    rule: VoteRule, expected: int, present: int, written: int, yes: int
) -> tuple[bool, bool]:
    """(quorum met, passed) straight from the rules' integer arithmetic."""
    if rule is C:  # R: MTG-05, MTG-06
        quorum = 2 * present > expected
        return quorum, quorum and 2 * yes > expected
    if rule is A:  # R: MTG-07
        quorum = 2 * (present + written) > expected
        return quorum, quorum and 2 * yes > expected
    quorum = 5 * present > 4 * expected  # R: MTG-07a
    return quorum, quorum and 2 * yes > present


@given(valid_vote())
def test_mtg05_06_07_07a_decide_matches_the_integer_arithmetic(
    vote: tuple[VoteRule, int, int, int, Tally],
) -> None:
    rule, expected, present, written, tally = vote
    out = decide(rule, expected=expected, present=present, tally=tally, written_opinions=written)
    quorum, passed = direct(rule, expected, present, written, tally.yes)
    assert out.quorum.met is quorum
    assert out.passed is passed
    assert out.code == (
        None if passed else "quorum_not_met" if not quorum else "majority_not_reached"
    )
    assert out.denominator == (present if rule is EL else expected)
    assert out.quorum.expected == expected
    assert out.quorum.present == present + written
    assert out.tally == tally and out.rule is rule
    assert f"应到 {expected}，实到 {present + written}" in out.message
    assert f"赞成 {tally.yes}" in out.message
    assert f"{minimum_yes(rule, out.denominator)} 票" in out.message


@given(valid_vote())
def test_a_passed_outcome_never_has_fewer_than_minimum_yes(
    vote: tuple[VoteRule, int, int, int, Tally],
) -> None:
    rule, expected, present, written, tally = vote
    out = decide(rule, expected=expected, present=present, tally=tally, written_opinions=written)
    if out.passed:
        assert tally.yes >= minimum_yes(rule, out.denominator)
    if out.quorum.met and tally.yes >= minimum_yes(rule, out.denominator):
        assert out.passed


@given(st.sampled_from(list(VoteRule)), st.integers(0, 10_000))
def test_minimum_yes_is_the_least_strict_majority(rule: VoteRule, n: int) -> None:
    y = minimum_yes(rule, n)
    assert 2 * y > n
    assert not 2 * (y - 1) > n


@given(st.sampled_from(list(VoteRule)), st.integers(1, 10_000))
def test_minimum_present_is_the_least_attendance_making_the_quorum(rule: VoteRule, n: int) -> None:
    p = minimum_present(rule, n)
    assert 0 < p <= n

    def met(k: int) -> bool:
        if rule is C:
            return committee_quorum(n, k).met
        if rule is A:
            return assembly_quorum(n, k).met
        return election_validity(n, k).met

    assert met(p)
    assert not met(p - 1)


@given(st.integers(1, 500), st.data())
def test_mtg07_only_the_sum_of_present_and_written_matters_for_quorum(
    expected: int, data: st.DataObject
) -> None:
    total = data.draw(st.integers(0, expected))
    written = data.draw(st.integers(0, total))
    q = assembly_quorum(expected, total - written, written)
    assert q.met == assembly_quorum(expected, total).met
    assert q.present == total


@given(
    st.sampled_from(list(VoteRule)),
    st.integers(-3, 30),
    st.integers(-3, 30),
    st.integers(-3, 30),
    st.integers(0, 40),
)
def test_decide_refuses_exactly_the_impossible_counts(
    rule: VoteRule, expected: int, present: int, written: int, yes: int
) -> None:
    if written and rule is not A:
        written = 0
    impossible = (
        expected <= 0
        or present < 0
        or written < 0
        or present + written > expected
        or yes > present + written
    )
    if impossible:
        with pytest.raises(ValueError):
            decide(
                rule, expected=expected, present=present, tally=Tally(yes), written_opinions=written
            )
    else:
        out = decide(
            rule, expected=expected, present=present, tally=Tally(yes), written_opinions=written
        )
        assert out.passed is direct(rule, expected, present, written, yes)[1]


@given(st.integers(0, 200), st.integers(0, 200))
def test_disc01_absence_level_is_monotone(a: int, b: int) -> None:
    assume(a <= b)
    la, lb = absence_level(a), absence_level(b)
    assert (la or 0) <= (lb or 0)
    assert (absence_label(a) is None) is (la is None)


def test_the_module_is_pure() -> None:
    """No database or I/O imports: the rules can be used anywhere."""
    source = Path(rules.__file__).read_text(encoding="utf-8")
    for forbidden in ("sqlalchemy", "import asyncio", "open(", "httpx", "float("):
        assert forbidden not in source
