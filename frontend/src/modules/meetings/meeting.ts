/**
 * What the SPA knows about meeting types and the meeting life cycle, mirrored from the backend
 * (backend/dangjian/meetings/enums.py HELD_BY, service.py COMMITTEE_TYPES / MEMBER_TYPES /
 * VOTE_RULES and the state sets). It decides which buttons to offer — the server decides.
 */
import type { AttendeeRead, MeetingRead, MeetingStatus, MeetingType, OrgKind, PostKind, PostRead, VoteRule } from '@/api'

export const MEETING_TYPES: readonly MeetingType[] = [
  'branch_assembly',
  'committee',
  'group_meeting',
  'party_lecture',
  'theme_day',
  'org_life',
  'democratic_life',
  'joint_meeting',
  'enlarged_meeting',
  'secretary_office',
  'council',
  'youth_league',
  'inservice_meeting',
  'residents_forum',
]

const COMMITTEES: readonly OrgKind[] = ['community', 'general_branch', 'branch']

/** R: MTG-01/MTG-02 — which organisation levels hold each type (a wrong level answers 422 meeting_type_level). */
export const HELD_BY: Record<MeetingType, readonly OrgKind[]> = {
  branch_assembly: ['community', 'general_branch', 'branch'],
  committee: COMMITTEES,
  group_meeting: ['group'],
  party_lecture: COMMITTEES,
  theme_day: ['community', 'branch'],
  org_life: ['community', 'general_branch', 'branch', 'group'],
  democratic_life: ['community', 'general_branch'],
  joint_meeting: ['community'],
  enlarged_meeting: ['community', 'general_branch'],
  secretary_office: ['community'],
  council: ['community', 'general_branch'],
  youth_league: ['community'],
  inservice_meeting: ['community'],
  residents_forum: ['community'],
}

/** The types an organisation of this kind holds, in the usual order. */
export function typesFor(kind: OrgKind | null | undefined): MeetingType[] {
  if (!kind) return []
  return MEETING_TYPES.filter((t) => HELD_BY[t].includes(kind))
}

/** Who the backend puts on the list of those expected (应到), by type. */
export type Basis = 'committee' | 'assembly' | 'members' | 'inservice' | 'invitees'

const COMMITTEE_TYPES: readonly MeetingType[] = [
  'committee',
  'secretary_office',
  'council',
  'democratic_life',
  'enlarged_meeting',
  'joint_meeting',
  'youth_league',
]
const MEMBER_TYPES: readonly MeetingType[] = ['party_lecture', 'theme_day', 'org_life', 'group_meeting']

export function basisOf(type: MeetingType): Basis {
  if (type === 'branch_assembly') return 'assembly'
  if (COMMITTEE_TYPES.includes(type)) return 'committee'
  if (MEMBER_TYPES.includes(type)) return 'members'
  if (type === 'inservice_meeting') return 'inservice'
  return 'invitees'
}

/** The vote rule a meeting type decides by; null when it takes no binding votes (no quorum either). */
export function voteRuleOf(type: MeetingType): VoteRule | null {
  if (type === 'committee') return 'committee'
  if (type === 'branch_assembly') return 'assembly'
  return null
}

/** The rules a vote of this meeting may use (an election is held by the branch assembly). */
export function voteRulesFor(type: MeetingType): VoteRule[] {
  if (type === 'committee') return ['committee']
  if (type === 'branch_assembly') return ['assembly', 'election']
  return []
}

const CHANGEABLE: readonly MeetingStatus[] = ['draft', 'notified']
const IN_SESSION: readonly MeetingStatus[] = ['draft', 'notified', 'held']
export const HELD_STATUSES: readonly MeetingStatus[] = ['held', 'minutes_approved', 'archived']

export interface Actions {
  edit: boolean
  notify: boolean
  cancel: boolean
  hold: boolean
  /** Mark the sign-in sheet (after the meeting: a correction with a reason). */
  mark: boolean
  /** A mark now is a correction after the meeting and needs a reason. */
  correction: boolean
  attendees: boolean
  vote: boolean
  proposeTopic: boolean
  decideTopic: boolean
  writeMinutes: boolean
  approveMinutes: boolean
  archive: boolean
  upload: boolean
  deleteAttachment: boolean
}

type ActionSubject = Pick<MeetingRead, 'status' | 'type' | 'can_manage' | 'can_decide_agenda' | 'minutes'>

/** The actions the state and the caller's rights allow (mirrors the backend's state checks). */
export function actionsOf(m: ActionSubject): Actions {
  const manage = m.can_manage
  const changeable = CHANGEABLE.includes(m.status)
  const inSession = IN_SESSION.includes(m.status)
  const held = HELD_STATUSES.includes(m.status)
  return {
    edit: manage && inSession,
    notify: manage && changeable,
    cancel: manage && changeable,
    hold: manage && changeable,
    mark: manage && (inSession || m.status === 'minutes_approved'),
    correction: held,
    attendees: manage && inSession,
    vote: manage && inSession && voteRuleOf(m.type) !== null,
    proposeTopic: changeable,
    decideTopic: m.can_decide_agenda && changeable,
    writeMinutes: manage && m.status === 'held',
    approveMinutes: m.can_decide_agenda && m.status === 'held' && !!m.minutes?.minutes.trim(),
    archive: manage && m.status === 'minutes_approved',
    upload: manage && m.status !== 'archived' && m.status !== 'cancelled',
    deleteAttachment: manage && !['archived', 'minutes_approved'].includes(m.status),
  }
}

/**
 * The notice exactly as POST /meetings/{id}/notify composes it (service.notify): the title, and
 * the body lines — time as the server prints it (China Standard Time, "YYYY-MM-DD HH:MM"), place
 * or 另行通知, the accepted agenda items, the materials when there are any.
 */
export function noticePreview(
  m: Pick<MeetingRead, 'title' | 'starts_at' | 'place' | 'materials' | 'agenda'>,
  typeLabel: string,
): { title: string; lines: string[] } {
  const agenda = m.agenda.filter((a) => a.status === 'accepted').map((a) => a.title)
  const lines = [
    `时间：${chinaTime(m.starts_at)}`,
    `地点：${m.place || '另行通知'}`,
    '议程：' + (agenda.length ? agenda.join('；') : '另行通知'),
  ]
  if (m.materials) lines.push(`材料：${m.materials}`)
  return { title: `会议通知：${typeLabel}「${m.title}」`, lines }
}

/** The platform's time zone (backend core/clock.py, DANGJIAN_TIMEZONE, default Asia/Shanghai): UTC+8, no daylight saving. */
const CST_OFFSET_MS = 8 * 3_600_000

/** An API timestamp as the server prints it in notices: China Standard Time, "YYYY-MM-DD HH:MM". */
export function chinaTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + CST_OFFSET_MS)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`
}

/** Who the notice reaches: invitees with an account get it in their inbox; the others need another way. */
export function noticeReach(attendees: readonly AttendeeRead[]): { inbox: number; without: string[] } {
  const inbox = attendees.filter((a) => a.user_id != null).length
  const without = attendees.filter((a) => a.user_id == null && a.role === 'expected').map((a) => a.name)
  return { inbox, without }
}

/**
 * R: MTG-03 — the notice is short when the meeting starts less than `days` days after it is sent
 * (flagged, not blocked). `now` is the moment of sending.
 */
export function noticeShort(startsAt: string | Date, days: number | null | undefined, now: Date = new Date()): boolean {
  if (days == null || days <= 0) return false
  const start = typeof startsAt === 'string' ? new Date(startsAt) : startsAt
  return start.getTime() - now.getTime() < days * 86_400_000
}

/** The policy key of the notice lead time for a type (GET /organizations/{id}/policy). */
export const noticeKey = (type: MeetingType) => `meetings.notice_days.${type}`

/** People on the sheet, split the way the sign-in sheet shows them. */
export function splitAttendees(attendees: readonly AttendeeRead[]) {
  const expected = attendees.filter((a) => a.role === 'expected')
  return {
    expected,
    sittingIn: attendees.filter((a) => a.role === 'sitting_in'),
    // guests may ask for leave too (they were invited), so every invitee is listed here
    pendingLeave: attendees.filter((a) => a.leave_status === 'requested'),
  }
}

/** The default end: two hours after the start (as the backend does when none is given). */
export function defaultEnd(start: Date): Date {
  return new Date(start.getTime() + 2 * 3_600_000)
}

/** Guests typed one per line (or separated by 、，,;；): trimmed, blanks and repeats dropped. */
export function parseGuests(text: string): string[] {
  const out: string[] = []
  for (const raw of text.split(/[\n、，,;；]+/)) {
    const name = raw.trim()
    if (name && !out.includes(name)) out.push(name)
  }
  return out
}

/** The hour a meeting starts at by default. */
export const DEFAULT_START_HOUR = 9

/**
 * R: MTG-03 — the default start of a new meeting: the first 09:00 that leaves the notice lead
 * time (`days`, the organisation's work-system policy) after now, so a notice sent at once is
 * not short; at least the next day.
 */
export function leadStart(days: number | null | undefined, now: Date = new Date()): Date {
  const lead = Math.max(1, days ?? 1)
  const earliest = new Date(now.getTime() + lead * 86_400_000)
  const start = new Date(earliest)
  start.setHours(DEFAULT_START_HOUR, 0, 0, 0)
  if (start.getTime() < earliest.getTime()) start.setDate(start.getDate() + 1)
  return start
}

/** The post kinds that make up a committee (backend meetings/service/common.py COMMITTEE_POSTS). */
export const COMMITTEE_POSTS: readonly PostKind[] = ['secretary', 'deputy_secretary', 'organization_member', 'propaganda_member', 'discipline_member']

/** R: ORG-03, MTG-01 — a 支部委员会 is held only where a committee sits (someone holds a committee post). */
export function hasCommittee(posts: readonly Pick<PostRead, 'kind' | 'active'>[]): boolean {
  return posts.some((p) => p.active && COMMITTEE_POSTS.includes(p.kind))
}
