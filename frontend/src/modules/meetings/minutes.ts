/**
 * The printable minutes (会议记录, unit-tested): who should have attended and how each one is
 * recorded, classified as the ledgers do (backend ledgers/service/meetings.py, compliance
 * attendance_class): present (or sitting in by attendance), excused (by sign-in or approved
 * leave), absent. Invitees excluded from the expected with consent are not counted (MTG-07);
 * those sitting in (列席) are listed apart and not counted (MTG-05).
 */
import type { AttendeeRead, ResolutionRead } from '@/api'

export interface AttendanceGroups {
  expected: string[]
  present: string[]
  excused: string[]
  absent: string[]
  sittingIn: string[]
}

type Person = Pick<AttendeeRead, 'name' | 'role' | 'excluded' | 'attendance' | 'leave_status'>

/** R: MTG-09 — the sign-in sheet as the minutes record it (names in the sheet's order). */
export function attendanceGroups(attendees: readonly Person[]): AttendanceGroups {
  const out: AttendanceGroups = { expected: [], present: [], excused: [], absent: [], sittingIn: [] }
  for (const a of attendees) {
    if (a.role === 'sitting_in') {
      out.sittingIn.push(a.name)
      continue
    }
    if (a.excluded != null) continue // R: MTG-07 — left out of the expected with consent
    out.expected.push(a.name)
    if (a.attendance === 'present' || a.attendance === 'sitting_in') out.present.push(a.name)
    else if (a.attendance === 'excused' || a.leave_status === 'approved') out.excused.push(a.name)
    else out.absent.push(a.name)
  }
  return out
}

/** Names joined as Chinese lists are (、), or a dash when there are none. */
export const nameList = (names: readonly string[]): string => (names.length ? names.join('、') : '—')

/** R: MTG-06, MTG-07, MTG-07a — a resolution's outcome word. */
export function outcomeOf(r: Pick<ResolutionRead, 'rule' | 'passed'>): 'elected' | 'notElected' | 'passed' | 'failed' {
  if (r.rule === 'election') return r.passed ? 'elected' : 'notElected'
  return r.passed ? 'passed' : 'failed'
}
