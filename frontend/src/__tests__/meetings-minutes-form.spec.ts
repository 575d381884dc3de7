/**
 * Issue 18: the printable minutes' attendance (names by how each one is recorded) and the meeting
 * form's defaults (start by the notice lead time, 支部委员会 only where a committee sits).
 */
import { describe, expect, it } from 'vitest'
import type { AttendeeRead } from '@/api'
import { attendanceGroups, nameList, outcomeOf } from '@/modules/meetings/minutes'
import { hasCommittee, leadStart } from '@/modules/meetings/meeting'

type Person = Pick<AttendeeRead, 'name' | 'role' | 'excluded' | 'attendance' | 'leave_status'>
const person = (name: string, over: Partial<Person> = {}): Person => ({ name, role: 'expected', excluded: null, attendance: null, leave_status: null, ...over })

describe('minutes attendance (MTG-09, as the ledgers count)', () => {
  it('splits the expected into present, excused and absent; sitting in and excluded apart', () => {
    const g = attendanceGroups([
      person('张三', { attendance: 'present' }),
      person('李四', { leave_status: 'approved' }),
      person('王五', { attendance: 'excused' }),
      person('赵六'),
      person('钱七', { attendance: 'absent', leave_status: 'requested' }),
      person('孙八', { excluded: 'abroad' }),
      person('周九', { role: 'sitting_in', attendance: 'sitting_in' }),
    ])
    expect(g.expected).toEqual(['张三', '李四', '王五', '赵六', '钱七'])
    expect(g.present).toEqual(['张三'])
    expect(g.excused).toEqual(['李四', '王五'])
    expect(g.absent).toEqual(['赵六', '钱七'])
    expect(g.sittingIn).toEqual(['周九'])
    expect(nameList(g.excused)).toBe('李四、王五')
    expect(nameList([])).toBe('—')
  })

  it('names the outcome by rule', () => {
    expect(outcomeOf({ rule: 'election', passed: true })).toBe('elected')
    expect(outcomeOf({ rule: 'election', passed: false })).toBe('notElected')
    expect(outcomeOf({ rule: 'committee', passed: true })).toBe('passed')
    expect(outcomeOf({ rule: 'assembly', passed: false })).toBe('failed')
  })
})

describe('meeting form defaults', () => {
  it('starts at the first 09:00 that leaves the notice lead time (MTG-03)', () => {
    const early = new Date(2026, 10, 10, 8, 0)
    expect(leadStart(1, early)).toEqual(new Date(2026, 10, 11, 9, 0))
    const late = new Date(2026, 10, 10, 15, 30)
    expect(leadStart(1, late)).toEqual(new Date(2026, 10, 12, 9, 0))
    expect(leadStart(7, early)).toEqual(new Date(2026, 10, 17, 9, 0))
    expect(leadStart(0, early)).toEqual(new Date(2026, 10, 11, 9, 0))
    expect(leadStart(null, late)).toEqual(new Date(2026, 10, 12, 9, 0))
  })

  it('offers 支部委员会 only where someone holds a committee post', () => {
    expect(hasCommittee([])).toBe(false)
    expect(hasCommittee([{ kind: 'group_leader', active: true }])).toBe(false)
    expect(hasCommittee([{ kind: 'secretary', active: false }])).toBe(false)
    expect(hasCommittee([{ kind: 'organization_member', active: true }])).toBe(true)
  })
})
