import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { AgendaRead, AttendeeRead } from '@/api'
import { enumLabel, enumLabels, type EnumGroup } from '@/locales/enums'
import zhCN from '@/locales/zh-CN'
import en from '@/locales/en'
import { decideVote, emergencyAllowed, minimumPresent, minimumYes, quorumMet, voteProblem, type VoteRule } from '@/modules/meetings/vote'
import { formatMonth, gridRange, groupByDay, localDay, monthGrid, parseMonth, shiftMonth } from '@/modules/meetings/calendar'
import {
  actionsOf,
  basisOf,
  HELD_BY,
  MEETING_TYPES,
  noticePreview,
  noticeReach,
  noticeShort,
  parseGuests,
  chinaTime,
  typesFor,
  voteRuleOf,
  voteRulesFor,
} from '@/modules/meetings/meeting'

const tally = (yes: number, no = 0, abstain = 0, invalid = 0) => ({ yes, no, abstain, invalid })

describe('vote arithmetic (MTG-05/06/07/07a, same integers as backend rules.py)', () => {
  it('committee: 5 members, 2 present — no quorum, never passes', () => {
    const o = decideVote({ rule: 'committee', expected: 5, present: 2, tally: tally(2) })
    expect(o.quorumMet).toBe(false)
    expect(o.passed).toBe(false)
    expect(o.code).toBe('quorum_not_met')
    expect(o.minimumPresent).toBe(3)
    expect(o.minimumYes).toBe(3)
  })

  it('committee: the denominator is the members who should attend, not those present', () => {
    // 3 of 5 present, all 3 yes → passes; 2 yes of 3 present is a majority of those present but not of 5.
    expect(decideVote({ rule: 'committee', expected: 5, present: 3, tally: tally(3) }).passed).toBe(true)
    const o = decideVote({ rule: 'committee', expected: 5, present: 3, tally: tally(2, 1) })
    expect(o.quorumMet).toBe(true)
    expect(o.passed).toBe(false)
    expect(o.code).toBe('majority_not_reached')
    expect(o.denominator).toBe(5)
  })

  it('committee: exactly half is not more than half', () => {
    expect(quorumMet('committee', 4, 2)).toBe(false)
    expect(quorumMet('committee', 4, 3)).toBe(true)
    expect(decideVote({ rule: 'committee', expected: 4, present: 4, tally: tally(2, 2) }).passed).toBe(false)
    expect(decideVote({ rule: 'committee', expected: 4, present: 4, tally: tally(3, 1) }).passed).toBe(true)
  })

  it('assembly: written opinions of absent voters count for the quorum', () => {
    // 10 expected voters, 5 present: 2*5 = 10 is not > 10 …
    expect(decideVote({ rule: 'assembly', expected: 10, present: 5, tally: tally(5) }).quorumMet).toBe(false)
    // … one written opinion makes 6 counted
    const o = decideVote({ rule: 'assembly', expected: 10, present: 5, writtenOpinions: 1, tally: tally(6) })
    expect(o.counted).toBe(6)
    expect(o.quorumMet).toBe(true)
    expect(o.passed).toBe(true)
  })

  it('assembly: passes only with more than half of the EXPECTED voting yes', () => {
    const o = decideVote({ rule: 'assembly', expected: 129, present: 100, tally: tally(64, 30, 6) })
    expect(o.quorumMet).toBe(true)
    expect(o.passed).toBe(false)
    expect(o.minimumYes).toBe(65)
    expect(decideVote({ rule: 'assembly', expected: 129, present: 100, tally: tally(65, 30, 5) }).passed).toBe(true)
  })

  it('election: valid iff 5·present > 4·expected; elected iff 2·yes > present', () => {
    expect(minimumPresent('election', 50)).toBe(41)
    expect(quorumMet('election', 50, 40)).toBe(false) // exactly four fifths is not more
    expect(quorumMet('election', 50, 41)).toBe(true)
    const o = decideVote({ rule: 'election', expected: 50, present: 45, tally: tally(23, 20, 2) })
    expect(o.denominator).toBe(45)
    expect(o.minimumYes).toBe(23)
    expect(o.passed).toBe(true)
    expect(decideVote({ rule: 'election', expected: 50, present: 45, tally: tally(22, 23) }).code).toBe('majority_not_reached')
    expect(decideVote({ rule: 'election', expected: 50, present: 40, tally: tally(40) }).code).toBe('quorum_not_met')
  })

  it('written opinions are ignored outside the assembly (and flagged as a problem)', () => {
    const o = decideVote({ rule: 'committee', expected: 5, present: 3, writtenOpinions: 1, tally: tally(3) })
    expect(o.problem).toEqual({ code: 'written_not_assembly', written: 1 })
    expect(o.passed).toBe(false)
  })

  it('reports impossible numbers instead of judging them (the server would answer 422)', () => {
    expect(voteProblem({ rule: 'committee', expected: 0, present: 0, tally: tally(0) })).toEqual({ code: 'no_expected' })
    expect(voteProblem({ rule: 'committee', expected: 5, present: 6, tally: tally(0) })).toEqual({ code: 'present_exceeds', counted: 6, expected: 5 })
    expect(voteProblem({ rule: 'assembly', expected: 5, present: 4, writtenOpinions: 2, tally: tally(0) })).toEqual({ code: 'present_exceeds', counted: 6, expected: 5 })
    expect(voteProblem({ rule: 'committee', expected: 5, present: 3, tally: tally(2, 1, 1) })).toEqual({ code: 'cast_exceeds', cast: 4, voters: 3 })
    expect(voteProblem({ rule: 'committee', expected: 5, present: 3, tally: tally(-1) })).toEqual({ code: 'not_integer' })
    expect(voteProblem({ rule: 'committee', expected: 5, present: 3, tally: tally(1.5) })).toEqual({ code: 'not_integer' })
    const bad = decideVote({ rule: 'committee', expected: 5, present: 3, tally: tally(3, 1) })
    expect(bad.passed).toBe(false)
    expect(bad.code).toBeNull()
  })

  it('agrees with the rules written as fractions, for every small case', () => {
    // An independent statement of the rules (exact rationals via cross-multiplication is what the
    // module does; here: compare against floating halves on small integers, where they are exact).
    for (const rule of ['committee', 'assembly', 'election'] as VoteRule[]) {
      for (let expected = 1; expected <= 12; expected++) {
        for (let present = 0; present <= expected; present++) {
          for (let yes = 0; yes <= present; yes++) {
            const o = decideVote({ rule, expected, present, tally: tally(yes) })
            const met = rule === 'election' ? present / expected > 0.8 : present / expected > 0.5
            const majority = rule === 'election' ? yes > present / 2 : yes > expected / 2
            expect(o.quorumMet, `${rule} ${expected}/${present}`).toBe(met)
            expect(o.passed, `${rule} ${expected}/${present}/${yes}`).toBe(met && majority)
            expect(2 * minimumYes(o.denominator) > o.denominator && 2 * (minimumYes(o.denominator) - 1) <= o.denominator).toBe(true)
            const mp = minimumPresent(rule, expected)
            expect(quorumMet(rule, expected, mp) && !quorumMet(rule, expected, mp - 1)).toBe(true)
          }
        }
      }
    }
  })

  it('emergency decisions (MTG-06): only below quorum, and with more than half of those present', () => {
    expect(emergencyAllowed(5, 2, 2)).toEqual({ allowed: true, majority: true })
    expect(emergencyAllowed(5, 2, 1)).toEqual({ allowed: true, majority: false })
    expect(emergencyAllowed(5, 3, 3).allowed).toBe(false)
  })
})

describe('calendar helpers', () => {
  it('parses and formats months, refusing anything else', () => {
    expect(parseMonth('2026-11')).toEqual({ year: 2026, month: 10 })
    expect(parseMonth('2026-13')).toBeNull()
    expect(parseMonth('x')).toBeNull()
    expect(parseMonth(undefined)).toBeNull()
    expect(formatMonth({ year: 2026, month: 0 })).toBe('2026-01')
    expect(shiftMonth({ year: 2026, month: 11 }, 1)).toEqual({ year: 2027, month: 0 })
    expect(shiftMonth({ year: 2026, month: 0 }, -1)).toEqual({ year: 2025, month: 11 })
  })

  it('builds weeks from Monday covering the whole month', () => {
    const weeks = monthGrid({ year: 2026, month: 10 }) // November 2026 starts on a Sunday
    expect(weeks[0][0].date).toBe('2026-10-26')
    expect(weeks[0][6]).toMatchObject({ date: '2026-11-01', inMonth: true, weekend: true })
    expect(weeks.every((w) => w.length === 7)).toBe(true)
    const days = weeks.flat().filter((c) => c.inMonth)
    expect(days).toHaveLength(30)
    expect(days[29].date).toBe('2026-11-30')
    expect(weeks.length).toBe(6)
    // February 2027 starts on a Monday and has exactly four weeks
    expect(monthGrid({ year: 2027, month: 1 })).toHaveLength(4)
  })

  it('queries the whole grid, from local midnight to the midnight after the last day', () => {
    const weeks = monthGrid({ year: 2026, month: 10 })
    const { from, to } = gridRange(weeks)
    expect(new Date(from).getTime()).toBe(new Date(2026, 9, 26).getTime())
    expect(new Date(to).getTime()).toBe(new Date(2026, 11, 7).getTime())
  })

  it('groups meetings by their local start day, in time order', () => {
    const a = { id: 1, starts_at: new Date(2026, 10, 25, 14, 0).toISOString() }
    const b = { id: 2, starts_at: new Date(2026, 10, 25, 9, 0).toISOString() }
    const c = { id: 3, starts_at: new Date(2026, 10, 26, 9, 0).toISOString() }
    const map = groupByDay([a, b, c])
    expect(map.get('2026-11-25')!.map((m) => m.id)).toEqual([2, 1])
    expect(map.get('2026-11-26')!.map((m) => m.id)).toEqual([3])
    expect(localDay(c.starts_at)).toBe('2026-11-26')
  })
})

describe('meeting types and life cycle (mirrors backend/dangjian/meetings)', () => {
  const backend = (file: string) => readFileSync(resolve(process.cwd(), '../backend/dangjian/meetings', file), 'utf-8')

  it('HELD_BY matches enums.py', () => {
    const source = backend('enums.py')
    const committees = /_COMMITTEES = frozenset\(\{([^}]*)\}\)/.exec(source)![1]
    const kindsOf = (text: string) => [...text.matchAll(/_K\.(\w+)/g)].map((m) => m[1]).sort()
    const body = source.slice(source.indexOf('HELD_BY: dict'), source.indexOf('class MeetingStatus'))
    const rows = [...body.matchAll(/MeetingType\.(\w+): (_COMMITTEES|frozenset\(\{([^}]*)\}\))/g)]
    expect(rows).toHaveLength(MEETING_TYPES.length)
    for (const [, type, whole, list] of rows) {
      const kinds = whole === '_COMMITTEES' ? kindsOf(committees) : kindsOf(list)
      expect([...HELD_BY[type as keyof typeof HELD_BY]].sort(), type).toEqual(kinds)
    }
  })

  it('labels every meeting type as MEETING_TYPE_LABELS does, and every meeting enum in both languages', () => {
    const source = backend('enums.py')
    for (const [, type, zh] of source.matchAll(/MeetingType\.(\w+): "([^"]+)"/g)) {
      expect(enumLabel('meetingType', type), type).toBe(zh)
    }
    for (const [, status, zh] of source.matchAll(/MeetingStatus\.(\w+): "([^"]+)"/g)) {
      expect(enumLabel('meetingStatus', status), status).toBe(zh)
    }
    for (const [, kind, zh] of source.matchAll(/Exclusion\.(\w+): "([^"]+)"/g)) {
      expect(enumLabel('meetingExclusion', kind), kind).toBe(zh)
    }
    const spec = JSON.parse(readFileSync(resolve(process.cwd(), '../openapi/openapi.json'), 'utf-8')) as {
      components: { schemas: Record<string, { enum?: string[] }> }
    }
    const groups: Record<string, EnumGroup> = {
      MeetingType: 'meetingType',
      MeetingStatus: 'meetingStatus',
      Attendance: 'meetingAttendance',
      AgendaStatus: 'meetingAgendaStatus',
      FollowUp: 'meetingFollowUp',
      VoteRule: 'meetingVoteRule',
      LeaveStatus: 'meetingLeaveStatus',
      Exclusion: 'meetingExclusion',
    }
    for (const [schema, group] of Object.entries(groups)) {
      const values = spec.components.schemas[schema]?.enum
      expect(values, schema).toBeDefined()
      expect(Object.keys(enumLabels[group]).sort(), schema).toEqual([...values!].sort())
      for (const v of values!) expect(enumLabel(group, v, 'en'), `${schema}.${v}`).not.toBe(v)
    }
  })

  it('knows who is expected and which rule decides, as service/common.py does', () => {
    const source = backend('service/common.py')
    const set = (name: string) => {
      const body = source.slice(source.indexOf(`${name} = frozenset(`), source.indexOf(')', source.indexOf(`${name} = frozenset(`)))
      return [...body.matchAll(/MeetingType\.(\w+)/g)].map((m) => m[1])
    }
    for (const type of set('COMMITTEE_TYPES')) expect(basisOf(type as never), type).toBe('committee')
    for (const type of set('MEMBER_TYPES')) expect(['members', 'assembly'], type).toContain(basisOf(type as never))
    expect(basisOf('branch_assembly')).toBe('assembly')
    expect(basisOf('inservice_meeting')).toBe('inservice')
    expect(basisOf('residents_forum')).toBe('invitees')
    expect(voteRuleOf('committee')).toBe('committee')
    expect(voteRuleOf('branch_assembly')).toBe('assembly')
    expect(voteRuleOf('party_lecture')).toBeNull()
    expect(voteRulesFor('branch_assembly')).toEqual(['assembly', 'election'])
  })

  it('offers the types an organisation level holds', () => {
    expect(typesFor('group')).toEqual(['group_meeting', 'org_life'])
    expect(typesFor('community')).toContain('committee')
    expect(typesFor('community')).not.toContain('group_meeting')
    expect(typesFor('home_unit')).toEqual([])
    expect(typesFor(null)).toEqual([])
  })

  it('allows the actions the state allows', () => {
    const base = { type: 'committee' as const, can_manage: true, can_decide_agenda: true, minutes: null }
    const draft = actionsOf({ ...base, status: 'draft' })
    expect(draft).toMatchObject({ notify: true, hold: true, cancel: true, mark: true, correction: false, vote: true, writeMinutes: false, archive: false })
    const held = actionsOf({ ...base, status: 'held', minutes: { minutes: '  ', decisions_announced: '', confidential: false, approved_at: null, approved_by: null, attachments: [] } })
    expect(held).toMatchObject({ notify: false, hold: false, mark: true, correction: true, vote: true, writeMinutes: true, approveMinutes: false })
    const written = actionsOf({ ...base, status: 'held', minutes: { minutes: '纪要', decisions_announced: '', confidential: false, approved_at: null, approved_by: null, attachments: [] } })
    expect(written.approveMinutes).toBe(true)
    expect(actionsOf({ ...base, status: 'minutes_approved' })).toMatchObject({ archive: true, writeMinutes: false, mark: true, vote: false, deleteAttachment: false })
    expect(actionsOf({ ...base, status: 'archived' })).toMatchObject({ mark: false, upload: false, archive: false })
    expect(actionsOf({ ...base, status: 'cancelled' })).toMatchObject({ edit: false, notify: false, upload: false })
    // read-only callers get nothing but proposing topics in an open meeting (the server checks membership)
    expect(actionsOf({ ...base, can_manage: false, can_decide_agenda: false, status: 'notified' })).toMatchObject({ notify: false, mark: false, vote: false, proposeTopic: true, decideTopic: false })
    // no votes in a lecture
    expect(actionsOf({ ...base, type: 'party_lecture', status: 'draft' }).vote).toBe(false)
  })
})

describe('the notice', () => {
  afterEach(() => vi.useRealTimers())
  const agenda = (title: string, status: AgendaRead['status']): AgendaRead => ({
    id: Math.floor(Math.random() * 1e6),
    title,
    description: '',
    status,
    proposed_by: '书记',
    decided_by: null,
    decline_reason: null,
    position: 1,
    from_resolution_id: null,
  })

  it('previews exactly what service.notify sends', () => {
    const preview = noticePreview(
      {
        title: '十一月支委会',
        starts_at: '2026-11-25T01:00:00Z',
        place: '党群服务中心',
        materials: '学习材料',
        agenda: [agenda('议题一', 'accepted'), agenda('议题二', 'proposed'), agenda('议题三', 'accepted'), agenda('议题四', 'declined')],
      },
      '支部委员会',
    )
    expect(preview.title).toBe('会议通知：支部委员会「十一月支委会」')
    expect(preview.lines).toEqual(['时间：2026-11-25 09:00', '地点：党群服务中心', '议程：议题一；议题三', '材料：学习材料'])
    const bare = noticePreview({ title: 'x', starts_at: '2026-11-25T16:30:59.123456Z', place: '', materials: '', agenda: [] }, '党课')
    expect(bare.lines).toEqual(['时间：2026-11-26 00:30', '地点：另行通知', '议程：另行通知'])
    // whatever the browser's zone: the server prints UTC+8
    expect(chinaTime('2026-12-31T20:05:00+00:00')).toBe('2027-01-01 04:05')
    expect(chinaTime('2026-01-01T00:00:00+08:00')).toBe('2026-01-01 00:00')
  })

  it('counts who gets it in the inbox and who must be told otherwise', () => {
    const person = (name: string, user_id: number | null, role: AttendeeRead['role'] = 'expected') => ({ name, user_id, role }) as AttendeeRead
    expect(noticeReach([person('甲', 1), person('乙', null), person('丙', 2), person('列席', null, 'sitting_in')])).toEqual({ inbox: 2, without: ['乙'] })
  })

  it('flags a short notice by the policy lead time (MTG-03)', () => {
    const now = new Date('2026-11-24T08:00:00Z')
    expect(noticeShort('2026-11-25T07:59:00Z', 1, now)).toBe(true)
    expect(noticeShort('2026-11-25T08:00:00Z', 1, now)).toBe(false)
    expect(noticeShort('2026-11-25T07:59:00Z', 0, now)).toBe(false)
    expect(noticeShort('2026-11-25T07:59:00Z', null, now)).toBe(false)
    expect(noticeShort('2026-11-30T07:59:00Z', 7, now)).toBe(true)
  })

  it('reads guests one per line or separated by Chinese or Latin commas', () => {
    expect(parseGuests('街道联络员\n 居委会主任 、物业经理，街道联络员;;')).toEqual(['街道联络员', '居委会主任', '物业经理'])
    expect(parseGuests('  ')).toEqual([])
  })
})

describe('meeting texts', () => {
  it('has the same keys in zh-CN and en', () => {
    const keys = (o: unknown, prefix = ''): string[] =>
      typeof o === 'object' && o !== null ? Object.entries(o).flatMap(([k, v]) => keys(v, `${prefix}${k}.`)) : [prefix.slice(0, -1)]
    expect(keys(en.meeting).sort()).toEqual(keys(zhCN.meeting).sort())
  })

  it('uses no characters that vue-i18n would read as syntax (| @ $)', () => {
    const values = (o: unknown): string[] => (typeof o === 'object' && o !== null ? Object.values(o).flatMap(values) : [String(o)])
    for (const text of [...values(zhCN.meeting), ...values(en.meeting)]) expect(text, text).not.toMatch(/[|@$]/)
  })
})
