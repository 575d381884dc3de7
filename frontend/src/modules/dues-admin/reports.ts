/**
 * 党费报表 (DUES-10): pure helpers over the monthly and yearly collection reports — chart series
 * in integer fen, collection rates, months and years to choose from. No Vue.
 */
import type { CollectionRow, YearlyCollectionMonth } from '@/api'
import { toFen } from '@/shared/money'

/** "YYYY-MM" of a date (local time). */
export function monthText(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`
}

/** The month `delta` months from "YYYY-MM" ("2026-01", -1 → "2025-12"). */
export function shiftMonth(month: string, delta: number): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month)
  if (!match) return month
  const index = Number(match[1]) * 12 + Number(match[2]) - 1 + delta
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}

/** Whole months from `first` to `last`, both included ("2026-12".."2027-03" → 4); 0 when reversed or malformed. */
export function monthSpan(first: string | null | undefined, last: string | null | undefined): number {
  const a = /^(\d{4})-(\d{2})$/.exec(first ?? '')
  const b = /^(\d{4})-(\d{2})$/.exec(last ?? '')
  if (!a || !b) return 0
  const span = (Number(b[1]) - Number(a[1])) * 12 + Number(b[2]) - Number(a[2]) + 1
  return span > 0 ? span : 0
}

/** The years a report may be asked for: this year back to `back` years before, newest first. */
export function reportYears(thisYear: number, back = 6): number[] {
  return Array.from({ length: back + 1 }, (_, i) => thisYear - i)
}

/** The series of a bar chart: one category per row, due and collected in fen. */
export interface CollectionSeries {
  labels: string[]
  due: number[]
  collected: number[]
}

/** Monthly report → chart: one bar pair per child organisation (the total is not charted). */
export function monthlySeries(rows: readonly CollectionRow[]): CollectionSeries {
  return {
    labels: rows.map((r) => r.organization_name),
    due: rows.map((r) => toFen(r.amount_due)),
    collected: rows.map((r) => toFen(r.collected)),
  }
}

/** Yearly report → chart: one point per month, labelled by `label(monthNumber)`. */
export function yearlySeries(months: readonly YearlyCollectionMonth[], label: (month: number) => string): CollectionSeries {
  return {
    labels: months.map((m) => label(Number(m.month.slice(5, 7)) || 0)),
    due: months.map((m) => toFen(m.amount_due)),
    collected: months.map((m) => toFen(m.collected)),
  }
}

/** Rows with nothing due and nothing collected say nothing: hide them unless asked to show all. */
export function activeRows<T extends Pick<CollectionRow, 'members' | 'amount_due' | 'collected' | 'voluntary'>>(rows: readonly T[]): T[] {
  return rows.filter((r) => r.members > 0 || toFen(r.amount_due) !== 0 || toFen(r.collected) !== 0 || toFen(r.voluntary) !== 0)
}

/**
 * The share of `due` that was `collected`, as a percentage with one decimal ("87.5%"), rounded
 * half up in integer arithmetic; "—" when nothing was due. (Not a dues rate: for "0.005" → "0.5%"
 * see `ratePercent` in dues/money.)
 */
export function collectionRate(collected: string | null | undefined, due: string | null | undefined): string {
  const d = toFen(due)
  if (d <= 0) return '—'
  const c = Math.max(0, toFen(collected))
  const permille = Math.floor((c * 2000 + d) / (2 * d)) // round(c * 1000 / d), half up
  return `${Math.floor(permille / 10)}.${permille % 10}%`
}
