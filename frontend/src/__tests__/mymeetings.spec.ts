import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { MeetingListItem, MeetingStatus, MyMeetingRead } from '@/api'
import { canSendOpinion, checkInToken, daysOverdue, leaveState, myStatus, splitMeetings, timeRange } from '@/modules/my-meetings/meetings'
import { followUpTagType, statusTagType } from '@/modules/my-meetings/labels'
import { myMeetingRoutes } from '@/modules/my-meetings/routes'
import { decide, safeRedirect } from '@/router/guard'
import zhCN from '@/locales/zh-CN'
import en from '@/locales/en'

const NOW = new Date('2026-11-24T10:00:00+08:00')
const item = (id: number, starts: string, status: MeetingStatus = 'notified', hours = 2): MeetingListItem => ({
  id,
  organization_id: 2,
  organization_name: '东风社区党委',
  type: 'committee',
  title: `会议${id}`,
  starts_at: new Date(starts).toISOString(),
  ends_at: new Date(new Date(starts).getTime() + hours * 3_600_000).toISOString(),
  place: '',
  status,
  notice_short: false,
  confidential: false,
})
type Me = MyMeetingRead['me']
const me = (extra: Partial<Me> = {}): Me => ({
  id: 1,
  member_id: 7,
  user_id: 10,
  name: '李建国',
  role: 'expected',
  voter: true,
  elderly: false,
  excluded: null,
  excluded_consent: null,
  leave_status: null,
  leave_reason: null,
  attendance: null,
  checked_in_at: null,
  checked_in_by: null,
  written_opinion: false,
  opinion: null,
  has_account: true,
  ...extra,
})
const mine = (status: MeetingStatus, starts: string, extra: Partial<Me> = {}) => ({ status, starts_at: new Date(starts).toISOString(), me: me(extra) })

describe('我的会议 list order', () => {
  it('puts the upcoming first (soonest first), then the past (latest first)', () => {
    const list = [
      item(1, '2026-11-01T09:00:00+08:00', 'held'),
      item(2, '2026-11-30T09:00:00+08:00'),
      item(3, '2026-11-25T09:00:00+08:00'),
      item(4, '2026-10-01T09:00:00+08:00', 'archived'),
      item(5, '2026-11-24T09:30:00+08:00'), // under way: still upcoming
      item(6, '2026-11-28T09:00:00+08:00', 'cancelled'),
      item(7, '2026-11-20T09:00:00+08:00', 'notified'), // ended, never confirmed
      item(8, '2026-11-24T09:00:00+08:00', 'held', 4), // held early, not yet ended
    ]
    const { upcoming, past } = splitMeetings(list, NOW)
    expect(upcoming.map((m) => m.id)).toEqual([5, 3, 6, 2])
    expect(past.map((m) => m.id)).toEqual([8, 7, 1, 4])
  })
})

describe('what the invitee may still do', () => {
  it('asks for leave only before the start of a notified meeting (MEM-03)', () => {
    expect(leaveState(mine('notified', '2026-11-24T10:30:00+08:00'), NOW)).toBe('available')
    expect(leaveState(mine('notified', '2026-11-24T09:59:00+08:00'), NOW)).toBe('tooLate')
    expect(leaveState(mine('held', '2026-11-25T10:00:00+08:00'), NOW)).toBe('tooLate')
    expect(leaveState(mine('notified', '2026-11-25T10:00:00+08:00', { leave_status: 'requested' }), NOW)).toBe('asked')
    expect(leaveState(mine('notified', '2026-11-25T10:00:00+08:00', { leave_status: 'approved' }), NOW)).toBe('asked')
    // refused leave may be asked again while there is time
    expect(leaveState(mine('notified', '2026-11-25T10:00:00+08:00', { leave_status: 'refused' }), NOW)).toBe('available')
    expect(leaveState(mine('cancelled', '2026-11-25T10:00:00+08:00'), NOW)).toBe('hidden')
    expect(leaveState(mine('notified', '2026-11-24T10:10:00+08:00', { attendance: 'present' }), NOW)).toBe('hidden')
  })

  it('sends a written opinion while the meeting can change, unless signed in as there (MEM-04)', () => {
    expect(canSendOpinion(mine('notified', '2026-11-25T10:00:00+08:00'))).toBe(true)
    expect(canSendOpinion(mine('notified', '2026-11-25T10:00:00+08:00', { leave_status: 'approved', attendance: 'excused' }))).toBe(true)
    expect(canSendOpinion(mine('notified', '2026-11-24T09:50:00+08:00', { attendance: 'present' }))).toBe(false)
    expect(canSendOpinion(mine('held', '2026-11-20T10:00:00+08:00'))).toBe(false)
    expect(canSendOpinion(mine('cancelled', '2026-11-25T10:00:00+08:00'))).toBe(false)
  })
})

describe('my status', () => {
  const status = (s: MeetingStatus, extra: Partial<Me>) => myStatus({ status: s, me: me(extra) })
  it('reads sign-in first, then leave (MTG-09, MEM-03)', () => {
    expect(status('notified', {})).toEqual({ key: 'invited', type: 'primary' })
    expect(status('notified', { leave_status: 'requested' })).toEqual({ key: 'leaveRequested', type: 'warning' })
    expect(status('notified', { leave_status: 'approved', attendance: 'excused' })).toEqual({ key: 'excused', type: 'info' })
    expect(status('notified', { leave_status: 'refused' })).toEqual({ key: 'leaveRefused', type: 'warning' })
    expect(status('notified', { attendance: 'present' }).key).toBe('present')
    expect(status('notified', { attendance: 'sitting_in', role: 'sitting_in' }).key).toBe('sittingIn')
    expect(status('held', { attendance: 'absent' })).toEqual({ key: 'absent', type: 'danger' })
    expect(status('held', {}).key).toBe('notMarked')
    expect(status('cancelled', {}).key).toBe('cancelled')
  })

  it('every status, type and meeting status has a label in both languages', () => {
    for (const key of ['present', 'sittingIn', 'excused', 'leaveRequested', 'leaveRefused', 'absent', 'cancelled', 'notMarked', 'invited'] as const) {
      expect(zhCN.myMeetings.myStatus[key]).toBeTruthy()
      expect(en.myMeetings.myStatus[key]).toBeTruthy()
    }
    expect(zhCN.myMeetings.myStatus.leaveRequested).toBe('请假待批')
    expect(Object.keys(en.myMeetings.type).sort()).toEqual(Object.keys(zhCN.myMeetings.type).sort())
    expect(Object.keys(zhCN.myMeetings.type)).toHaveLength(14)
  })

  it('colours meeting statuses and follow-up', () => {
    expect(statusTagType('notified')).toBe('primary')
    expect(statusTagType('held')).toBe('success')
    expect(statusTagType('cancelled')).toBe('info')
    expect(statusTagType('draft')).toBe('warning')
    expect(followUpTagType('done')).toBe('success')
    expect(followUpTagType('in_progress')).toBe('warning')
    expect(followUpTagType(null)).toBe('info')
  })
})

describe('time, tokens, overdue days', () => {
  it('writes a time range compactly on one day', () => {
    const r = timeRange(new Date(2026, 10, 24, 9, 30).toISOString(), new Date(2026, 10, 24, 11, 0).toISOString())
    expect(r).toBe('2026-11-24 09:30–11:00')
    const two = timeRange(new Date(2026, 10, 24, 9, 30).toISOString(), new Date(2026, 10, 25, 11, 0).toISOString())
    expect(two).toBe('2026-11-24 09:30 – 2026-11-25 11:00')
    expect(timeRange('nonsense', 'x')).toBe('nonsense')
  })

  it('accepts only a well-formed check-in token', () => {
    expect(checkInToken('qMUfCUgx2K7yz3miqzoU7ojX')).toBe('qMUfCUgx2K7yz3miqzoU7ojX')
    expect(checkInToken(['abcdefgh_-', 'zzz'])).toBe('abcdefgh_-')
    expect(checkInToken(' abcdefgh ')).toBe('abcdefgh')
    expect(checkInToken('short')).toBeNull()
    expect(checkInToken('has space inside')).toBeNull()
    expect(checkInToken('a'.repeat(65))).toBeNull()
    expect(checkInToken(undefined)).toBeNull()
    expect(checkInToken(null)).toBeNull()
  })

  it('counts days overdue from the due date', () => {
    expect(daysOverdue('2026-11-20', new Date(2026, 10, 24, 23, 59))).toBe(4)
    expect(daysOverdue('2026-11-24', new Date(2026, 10, 24))).toBe(0)
    expect(daysOverdue('2026-12-01', new Date(2026, 10, 24))).toBe(0)
    expect(daysOverdue(null)).toBe(0)
    expect(daysOverdue('bad')).toBe(0)
  })
})

describe('the QR URL survives the sign-in redirect', () => {
  it('keeps the token in ?redirect= and back', async () => {
    const qr = '/my/meetings/12/check-in?token=qMUfCUgx2K7yz3miqzoU7ojX'
    const anonymous = { status: 'anonymous' as const, mustChangePassword: false, totpSetupRequired: false, hasCapability: () => false }
    const decision = decide({ name: 'my-meeting-check-in', fullPath: qr, meta: {} }, anonymous)
    expect(decision).toEqual({ kind: 'redirect', to: { name: 'login', query: { redirect: qr } } })

    const Stub = { template: '<div />' }
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/login', name: 'login', component: Stub },
        { path: '/', component: Stub, children: myMeetingRoutes.map((r) => ({ path: r.path, name: r.name, component: Stub })) },
      ],
    })
    await router.push({ name: 'login', query: { redirect: qr } })
    // the address bar carries it encoded, and a reload of that address still has it
    const address = router.currentRoute.value.fullPath
    expect(address.startsWith('/login?redirect=')).toBe(true)
    expect(new URL(address, 'http://x').searchParams.get('redirect')).toBe(qr)
    // … and decodes to the same path, which the sign-in page follows
    const back = safeRedirect(router.currentRoute.value.query.redirect)
    expect(back).toBe(qr)
    await router.push(back!)
    expect(router.currentRoute.value.name).toBe('my-meeting-check-in')
    expect(router.currentRoute.value.params.id).toBe('12')
    expect(router.currentRoute.value.query.token).toBe('qMUfCUgx2K7yz3miqzoU7ojX')
  })
})
