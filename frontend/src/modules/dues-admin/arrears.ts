/**
 * 欠交党费 (DUES-08): pure helpers for the arrears list — a stable order by name
 * (never by the amount owed: people are not ranked), and what a reminder run reports back.
 */
import type { ArrearsRow, RemindResult } from '@/api'
import { byName } from '@/shared/people'

/** By name in the reader's collation (then organisation) — a list to work through, never a ranking by what is owed. */
export function arrearsOrder<T extends Pick<ArrearsRow, 'organization_name' | 'name' | 'member_id'>>(rows: readonly T[], locale = 'zh-CN'): T[] {
  return byName(rows, locale)
}

/** The lapse cases (自行脱党案例) among the rows: for the branch assembly, never handled by the platform. */
export const lapseCases = <T extends Pick<ArrearsRow, 'lapse_case'>>(rows: readonly T[]): T[] => rows.filter((r) => r.lapse_case)

/** What the reminder dialog reports: how many were sent, who needs a reminder in person, who was skipped. */
export interface RemindSummary {
  sent: number
  inPerson: string[]
  skipped: string[]
}

export function remindSummary(result: RemindResult): RemindSummary {
  return { sent: result.sent, inPerson: [...result.without_account], skipped: [...result.not_owing] }
}

/** The ids to remind: the chosen rows, each once. */
export function remindIds(rows: readonly Pick<ArrearsRow, 'member_id'>[]): number[] {
  return [...new Set(rows.map((r) => r.member_id))]
}
