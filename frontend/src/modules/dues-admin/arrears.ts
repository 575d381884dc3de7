/**
 * 欠交党费 (DUES-08): pure helpers for the arrears list — a stable order by name
 * (never by the amount owed: people are not ranked), and what a reminder run reports back.
 */
import type { ArrearsRow, RemindResult } from '@/api'
import { byName } from '@/shared/people'
import { toFen } from '@/shared/money'

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

/** One organisation's part of the printed reminder list: its members in arrears and their total (in fen). */
export interface ArrearsGroup<T> {
  organizationId: number
  organizationName: string
  rows: T[]
  totalFen: number
}

/**
 * R: DUES-08 — the reminder list by organisation (in the reader's collation), each one's members
 * by name, with what they owe in total (fen, added up exactly).
 */
export function arrearsByOrganisation<T extends Pick<ArrearsRow, 'organization_id' | 'organization_name' | 'name' | 'member_id' | 'owed_amount'>>(
  rows: readonly T[],
  locale = 'zh-CN',
): ArrearsGroup<T>[] {
  const groups = new Map<number, ArrearsGroup<T>>()
  for (const row of arrearsOrder(rows, locale)) {
    const group = groups.get(row.organization_id) ?? { organizationId: row.organization_id, organizationName: row.organization_name, rows: [], totalFen: 0 }
    group.rows.push(row)
    group.totalFen += toFen(row.owed_amount)
    groups.set(row.organization_id, group)
  }
  const collator = new Intl.Collator(locale)
  return [...groups.values()].sort((a, b) => collator.compare(a.organizationName, b.organizationName) || a.organizationId - b.organizationId)
}
