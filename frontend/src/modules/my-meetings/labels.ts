/** Tag colours for meeting statuses and follow-up states (labels live in locales `myMeetings.*`). */
import type { FollowUp, MeetingStatus } from '@/api'
import type { TagType } from './meetings'

export function statusTagType(status: MeetingStatus): TagType {
  switch (status) {
    case 'notified':
      return 'primary'
    case 'held':
    case 'minutes_approved':
    case 'archived':
      return 'success'
    case 'cancelled':
      return 'info'
    default:
      return 'warning'
  }
}

export function followUpTagType(f: FollowUp | null | undefined): TagType {
  if (f === 'done' || f === 'verified') return 'success'
  if (f === 'in_progress') return 'warning'
  return 'info'
}
