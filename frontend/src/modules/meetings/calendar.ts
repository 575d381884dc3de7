/**
 * The month grid of the meeting calendar (weeks from Monday, local time) and the grouping of
 * meetings by their local start day. Pure: no Vue, no API.
 */
import { formatDate } from '@/utils/format'

export interface DayCell {
  /** YYYY-MM-DD (local). */
  date: string
  day: number
  inMonth: boolean
  weekend: boolean
}

export interface Month {
  year: number
  /** 0–11, as Date uses it. */
  month: number
}

const MONTH_RE = /^(\d{4})-(\d{2})$/

/** "2026-11" → { year: 2026, month: 10 }; null for anything else. */
export function parseMonth(value: unknown): Month | null {
  if (typeof value !== 'string') return null
  const m = MONTH_RE.exec(value)
  if (!m) return null
  const month = Number(m[2]) - 1
  if (month < 0 || month > 11) return null
  return { year: Number(m[1]), month }
}

export function formatMonth({ year, month }: Month): string {
  return `${year}-${String(month + 1).padStart(2, '0')}`
}

export function monthOf(d: Date): Month {
  return { year: d.getFullYear(), month: d.getMonth() }
}

export function shiftMonth({ year, month }: Month, by: number): Month {
  const d = new Date(year, month + by, 1)
  return monthOf(d)
}

/**
 * The weeks (Monday first) that cover the month: 4 to 6 rows of 7 days, with the days of the
 * neighbouring months marked `inMonth: false`.
 */
export function monthGrid({ year, month }: Month): DayCell[][] {
  const first = new Date(year, month, 1)
  const offset = (first.getDay() + 6) % 7 // Monday = 0
  const start = new Date(year, month, 1 - offset)
  const last = new Date(year, month + 1, 0)
  const weeks: DayCell[][] = []
  const cursor = new Date(start)
  while (cursor <= last || weeks.length === 0) {
    const week: DayCell[] = []
    for (let i = 0; i < 7; i++) {
      week.push({
        date: formatDate(cursor),
        day: cursor.getDate(),
        inMonth: cursor.getMonth() === month,
        weekend: i >= 5,
      })
      cursor.setDate(cursor.getDate() + 1)
    }
    weeks.push(week)
  }
  return weeks
}

/** The query range of a grid: from its first day's local midnight to the midnight after its last day (ISO, UTC). */
export function gridRange(weeks: DayCell[][]): { from: string; to: string } {
  const firstDay = weeks[0][0].date
  const lastDay = weeks[weeks.length - 1][6].date
  const [fy, fm, fd] = firstDay.split('-').map(Number)
  const [ly, lm, ld] = lastDay.split('-').map(Number)
  return { from: new Date(fy, fm - 1, fd).toISOString(), to: new Date(ly, lm - 1, ld + 1).toISOString() }
}

/** The local calendar day (YYYY-MM-DD) of an ISO timestamp. */
export function localDay(iso: string): string {
  return formatDate(new Date(iso))
}

/** Meetings grouped by their local start day, each day in start order. */
export function groupByDay<T extends { starts_at: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>()
  const sorted = [...items].sort((a, b) => a.starts_at.localeCompare(b.starts_at))
  for (const item of sorted) {
    const day = localDay(item.starts_at)
    const list = out.get(day)
    if (list) list.push(item)
    else out.set(day, [item])
  }
  return out
}

/** HH:MM in local time. */
export function localTime(iso: string): string {
  const d = new Date(iso)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}
