/**
 * Roster events (MEM-02, MEM-09): how the event form groups the types, which extra fields each
 * needs, and the status each leads to — a mirror of backend/dangjian/members/rules.py used to
 * preview the effect before the (permanent) event is recorded. The server derives the status.
 */
import type { EventType, MemberStatus, RemovalKind } from '@/api'

export const EVENT_GROUPS: { key: 'join' | 'leave' | 'status'; types: EventType[] }[] = [
  { key: 'join', types: ['joined_development', 'transfer_in', 'restoration', 'readmission'] },
  {
    key: 'leave',
    types: ['transfer_out', 'death', 'expulsion', 'removal', 'withdrawal', 'cancelled_probation', 'stop_membership'],
  },
  {
    key: 'status',
    types: ['suspension', 'suspension_end', 'party_probation', 'lost_contact', 'contact_restored'],
  },
]

export const EVENT_STATUS: Record<EventType, MemberStatus> = {
  joined_development: 'normal',
  transfer_in: 'normal',
  restoration: 'normal',
  readmission: 'normal',
  transfer_out: 'transferred_out',
  death: 'deceased',
  expulsion: 'expelled',
  removal: 'removed',
  withdrawal: 'removed',
  cancelled_probation: 'removed',
  stop_membership: 'stopped',
  suspension: 'suspended',
  suspension_end: 'normal',
  party_probation: 'probation',
  lost_contact: 'lost_contact',
  contact_restored: 'normal',
}

/** Statuses of members on the roster (MEM-06): the others leave the default list and all counts. */
export const ON_ROSTER: readonly MemberStatus[] = ['normal', 'suspended', 'probation', 'lost_contact']

export const REMOVAL_KINDS: readonly RemovalKind[] = ['劝而不退', '自行脱党', '退党', '丧失党员条件', '失联']

export function groupOf(type: EventType): 'join' | 'leave' | 'status' {
  return EVENT_GROUPS.find((g) => g.types.includes(type))?.key ?? 'status'
}

/** 留党察看 needs its end date. */
export const needsEndDate = (type: EventType | '' | null | undefined) => type === 'party_probation'
/** 除名 needs its kind. */
export const needsRemovalKind = (type: EventType | '' | null | undefined) => type === 'removal'

/** The status the member will have once an event dated today (or earlier) is recorded. */
export function statusAfter(type: EventType): MemberStatus {
  return EVENT_STATUS[type]
}

/** Whether the event takes the member off the roster (out of the default list and the counts). */
export function leavesRoster(type: EventType): boolean {
  return !ON_ROSTER.includes(EVENT_STATUS[type])
}

export interface EventDraft {
  type: EventType | ''
  occurred_on: string | null
  reason: string
  document: string
  ends_on: string | null
  removal_kind: RemovalKind | ''
}

/** The request body for a draft: fields that do not apply to the type are left out. */
export function eventBody(d: EventDraft) {
  if (!d.type || !d.occurred_on) throw new Error('incomplete event')
  return {
    type: d.type,
    occurred_on: d.occurred_on,
    reason: d.reason.trim(),
    document: d.document.trim() || null,
    ends_on: needsEndDate(d.type) ? d.ends_on : null,
    removal_kind: needsRemovalKind(d.type) && d.removal_kind ? d.removal_kind : null,
  }
}
