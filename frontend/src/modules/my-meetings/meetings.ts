/**
 * 我的会议 — pure helpers (unit-tested): the order of the list, what the invitee may still do,
 * and how the invitee's own status reads. Check-in is one way among others of being signed in;
 * nothing here counts or ranks check-ins.
 */
import type { AttendeeRead, MeetingListItem, MeetingStatus, MyMeetingRead } from '@/api'

export const HELD: readonly MeetingStatus[] = ['held', 'minutes_approved', 'archived']
/** Statuses in which the meeting can still change (the backend's CHANGEABLE). */
export const CHANGEABLE: readonly MeetingStatus[] = ['draft', 'notified']

const time = (iso: string) => new Date(iso).getTime()

/**
 * Upcoming first (soonest first): not yet ended and not yet confirmed as held — a cancelled one
 * stays there, marked, so the invitee sees that it will not take place. Then the past (latest first).
 */
export function splitMeetings<T extends Pick<MeetingListItem, 'starts_at' | 'ends_at' | 'status' | 'id'>>(
  items: readonly T[],
  now: Date = new Date(),
): { upcoming: T[]; past: T[] } {
  const upcoming: T[] = []
  const past: T[] = []
  for (const m of items) {
    if (time(m.ends_at) >= now.getTime() && !HELD.includes(m.status)) upcoming.push(m)
    else past.push(m)
  }
  upcoming.sort((a, b) => time(a.starts_at) - time(b.starts_at) || a.id - b.id)
  past.sort((a, b) => time(b.starts_at) - time(a.starts_at) || b.id - a.id)
  return { upcoming, past }
}

type Mine = Pick<MyMeetingRead, 'status' | 'starts_at'> & { me: Pick<AttendeeRead, 'leave_status' | 'attendance' | 'role'> }

const attended = (me: Pick<AttendeeRead, 'attendance'>) => me.attendance === 'present' || me.attendance === 'sitting_in'

export const hasStarted = (m: Pick<MyMeetingRead, 'starts_at'>, now: Date = new Date()) => now.getTime() >= time(m.starts_at)

/** Leave is asked before the meeting starts, of a notified meeting (MEM-03); once asked, the status shows instead. */
export function leaveState(m: Mine, now: Date = new Date()): 'available' | 'tooLate' | 'asked' | 'hidden' {
  if (m.status === 'cancelled' || attended(m.me)) return 'hidden'
  if (m.me.leave_status === 'requested' || m.me.leave_status === 'approved') return 'asked'
  if (m.status !== 'notified' || hasStarted(m, now)) return 'tooLate'
  return 'available'
}

/** A written opinion can be sent while the meeting can still change, by someone not signed in as present (MEM-04). */
export function canSendOpinion(m: Mine): boolean {
  return CHANGEABLE.includes(m.status) && !attended(m.me)
}

export type MyStatusKey =
  | 'present'
  | 'sittingIn'
  | 'excused'
  | 'leaveRequested'
  | 'leaveRefused'
  | 'absent'
  | 'cancelled'
  | 'notMarked'
  | 'invited'

export type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary'

/** The invitee's own status (MTG-09 sign-in, MEM-03 leave) and the colour of its tag. */
export function myStatus(m: Pick<MyMeetingRead, 'status'> & { me: Pick<AttendeeRead, 'leave_status' | 'attendance'> }): {
  key: MyStatusKey
  type: TagType
} {
  const { attendance, leave_status } = m.me
  if (attendance === 'present') return { key: 'present', type: 'success' }
  if (attendance === 'sitting_in') return { key: 'sittingIn', type: 'success' }
  if (attendance === 'excused' || leave_status === 'approved') return { key: 'excused', type: 'info' }
  if (leave_status === 'requested') return { key: 'leaveRequested', type: 'warning' }
  if (attendance === 'absent') return { key: 'absent', type: 'danger' }
  if (m.status === 'cancelled') return { key: 'cancelled', type: 'info' }
  if (leave_status === 'refused') return { key: 'leaveRefused', type: 'warning' }
  if (HELD.includes(m.status)) return { key: 'notMarked', type: 'info' }
  return { key: 'invited', type: 'primary' }
}

const pad = (n: number) => String(n).padStart(2, '0')
const day = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
const clock = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`

/** "2026-11-24 10:00–12:00" (same day) or "2026-11-24 10:00 – 2026-11-25 12:00", in local time. */
export function timeRange(startsAt: string, endsAt: string): string {
  const s = new Date(startsAt)
  const e = new Date(endsAt)
  if (Number.isNaN(s.getTime())) return startsAt
  if (Number.isNaN(e.getTime())) return `${day(s)} ${clock(s)}`
  return day(s) === day(e) ? `${day(s)} ${clock(s)}–${clock(e)}` : `${day(s)} ${clock(s)} – ${day(e)} ${clock(e)}`
}

/** The check-in token of the QR URL's query (`?token=…`), or null when there is none usable. */
export function checkInToken(query: unknown): string | null {
  const raw = Array.isArray(query) ? query[0] : query
  if (typeof raw !== 'string') return null
  const token = raw.trim()
  // The backend's tokens are URL-safe base64 (8–64 characters).
  return /^[A-Za-z0-9_-]{8,64}$/.test(token) ? token : null
}

/** Days a resolution is past its due date (0 when not due yet or without a date). */
export function daysOverdue(dueOn: string | null | undefined, today: Date = new Date()): number {
  if (!dueOn || !/^\d{4}-\d{2}-\d{2}$/.test(dueOn)) return 0
  const [y, m, d] = dueOn.split('-').map(Number)
  const due = Date.UTC(y, m - 1, d)
  const now = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate())
  return Math.max(0, Math.round((now - due) / 86_400_000))
}
