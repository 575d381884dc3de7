/** Colours of meeting types and tag kinds of states (labels live in src/locales/enums.ts). */
import type { Attendance, FollowUp, MeetingStatus, MeetingType } from '@/api'

export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

/** One colour per type, distinguishable on the calendar; the legend shows them with their names. */
export const TYPE_COLOURS: Record<MeetingType, string> = {
  branch_assembly: '#c8161d',
  committee: '#d4731c',
  group_meeting: '#b88230',
  party_lecture: '#2f7d32',
  theme_day: '#1f6fb2',
  org_life: '#6a3fa0',
  democratic_life: '#8e244d',
  joint_meeting: '#00838f',
  enlarged_meeting: '#5d4037',
  secretary_office: '#455a64',
  council: '#3949ab',
  youth_league: '#00897b',
  inservice_meeting: '#7cb342',
  residents_forum: '#ef6c00',
}

export function statusTag(status: MeetingStatus): TagType {
  switch (status) {
    case 'draft':
      return 'info'
    case 'notified':
      return 'primary'
    case 'held':
      return 'warning'
    case 'minutes_approved':
    case 'archived':
      return 'success'
    default:
      return 'info'
  }
}

export function attendanceTag(a: Attendance | null | undefined): TagType {
  switch (a) {
    case 'present':
      return 'success'
    case 'excused':
      return 'warning'
    case 'absent':
      return 'danger'
    case 'sitting_in':
      return 'primary'
    default:
      return 'info'
  }
}

export function followUpTag(f: FollowUp | null | undefined): TagType {
  if (f === 'verified' || f === 'done') return 'success'
  if (f === 'in_progress') return 'warning'
  return 'info'
}
