/**
 * Vote arithmetic for the live preview of the 表决 panel — the same integer rules as the backend
 * (backend/dangjian/meetings/rules.py). No floats, no ratios: a majority is `2 * x > n`, four
 * fifths is `5 * x > 4 * n`. The server recomputes and decides; this only shows the outcome as the
 * numbers are typed.
 *
 * - committee (MTG-05/06): quorum 2·present > expected; passed iff quorum and 2·yes > expected
 *   (more than half of the members who SHOULD attend, not of those present).
 * - assembly (MTG-07): quorum 2·(present + written opinions) > expected; passed iff quorum and
 *   2·yes > expected — the denominator is always the expected voters.
 * - election (MTG-07a): valid iff 5·present > 4·expected; elected iff 2·yes > present.
 */
import type { VoteRule } from '@/api'

export type { VoteRule }

export interface Tally {
  yes: number
  no: number
  abstain: number
  invalid: number
}

export interface VoteInput {
  rule: VoteRule
  /** 应到: the committee size, or the expected voters (exclusions already taken off). */
  expected: number
  /** 实到: present in person (without written opinions). */
  present: number
  /** Absent voters' written opinions handed in before the meeting (branch assembly only). */
  writtenOpinions?: number
  tally: Tally
}

/** Why the numbers cannot be judged (the server would answer 422 vote_numbers). */
export type VoteProblem =
  | { code: 'not_integer' }
  | { code: 'no_expected' }
  | { code: 'written_not_assembly'; written: number }
  | { code: 'present_exceeds'; counted: number; expected: number }
  | { code: 'cast_exceeds'; cast: number; voters: number }

export type VoteCode = 'quorum_not_met' | 'majority_not_reached'

export interface VoteOutcome {
  rule: VoteRule
  expected: number
  /** Present as counted for the quorum (assembly: present + written opinions). */
  counted: number
  written: number
  yes: number
  cast: number
  /** The number the majority is measured against: expected, or present for an election. */
  denominator: number
  quorumMet: boolean
  majority: boolean
  passed: boolean
  code: VoteCode | null
  /** The smallest attendance that makes the quorum. */
  minimumPresent: number
  /** The smallest number of yes votes that passes (given the denominator). */
  minimumYes: number
  problem: VoteProblem | null
}

const isCount = (n: number) => Number.isInteger(n) && n >= 0

/** The smallest integer y with 2·y > n. */
export function minimumYes(denominator: number): number {
  return Math.floor(denominator / 2) + 1
}

/** The smallest attendance that makes the quorum: 2·p > e, or 5·p > 4·e for an election. */
export function minimumPresent(rule: VoteRule, expected: number): number {
  return rule === 'election' ? Math.floor((4 * expected) / 5) + 1 : Math.floor(expected / 2) + 1
}

/** Whether the attendance makes the quorum (written opinions count for the assembly only). */
export function quorumMet(rule: VoteRule, expected: number, present: number, written = 0): boolean {
  if (rule === 'election') return 5 * present > 4 * expected
  const counted = rule === 'assembly' ? present + written : present
  return 2 * counted > expected
}

export const castOf = (t: Tally) => t.yes + t.no + t.abstain + t.invalid

/** The problem with these numbers, or null when they can be judged. */
export function voteProblem(input: VoteInput): VoteProblem | null {
  const written = input.writtenOpinions ?? 0
  const { tally } = input
  const numbers = [input.expected, input.present, written, tally.yes, tally.no, tally.abstain, tally.invalid]
  if (!numbers.every(isCount)) return { code: 'not_integer' }
  if (written > 0 && input.rule !== 'assembly') return { code: 'written_not_assembly', written }
  if (input.expected === 0) return { code: 'no_expected' }
  const counted = input.present + written
  if (counted > input.expected) return { code: 'present_exceeds', counted, expected: input.expected }
  const cast = castOf(tally)
  if (cast > counted) return { code: 'cast_exceeds', cast, voters: counted }
  return null
}

/** Judge one vote. With a problem, `passed` is false and `problem` says why. */
export function decideVote(input: VoteInput): VoteOutcome {
  const { rule, expected, tally } = input
  const written = rule === 'assembly' ? (input.writtenOpinions ?? 0) : 0
  const counted = input.present + written
  const denominator = rule === 'election' ? input.present : expected
  const problem = voteProblem(input)
  const met = problem === null && quorumMet(rule, expected, input.present, written)
  const majority = problem === null && 2 * tally.yes > denominator
  const passed = met && majority
  return {
    rule,
    expected,
    counted,
    written,
    yes: tally.yes,
    cast: castOf(tally),
    denominator,
    quorumMet: met,
    majority,
    passed,
    code: passed || problem ? null : met ? 'majority_not_reached' : 'quorum_not_met',
    minimumPresent: minimumPresent(rule, expected),
    minimumYes: minimumYes(denominator),
    problem,
  }
}

/**
 * MTG-06 emergency decision of a committee below quorum: allowed only when the quorum is NOT met,
 * and then the yes votes must exceed half of those present.
 */
export function emergencyAllowed(expected: number, present: number, yes: number): { allowed: boolean; majority: boolean } {
  const allowed = expected > 0 && !(2 * present > expected)
  return { allowed, majority: 2 * yes > present }
}
