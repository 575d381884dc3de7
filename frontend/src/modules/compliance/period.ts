/**
 * Report periods of the compliance pages (unit-tested), in the backend's notation:
 * `2026-11` month, `2026-Q4` quarter, `2026-H2` half-year, `2026` year.
 */
export type PeriodKind = 'month' | 'quarter' | 'half' | 'year'

export interface ReportPeriod {
  kind: PeriodKind
  year: number
  /** Month 1–12, quarter 1–4, half 1–2; 1 for a year. */
  n: number
}

export const PERIOD_KINDS: readonly PeriodKind[] = ['month', 'quarter', 'half', 'year']

/** How many parts of each kind a year has. */
export const PARTS: Record<PeriodKind, number> = { month: 12, quarter: 4, half: 2, year: 1 }
const MONTHS: Record<PeriodKind, number> = { month: 1, quarter: 3, half: 6, year: 12 }

const pad = (n: number) => String(n).padStart(2, '0')

export function formatPeriod(p: ReportPeriod): string {
  switch (p.kind) {
    case 'month':
      return `${p.year}-${pad(p.n)}`
    case 'quarter':
      return `${p.year}-Q${p.n}`
    case 'half':
      return `${p.year}-H${p.n}`
    case 'year':
      return String(p.year)
  }
}

const PATTERN = /^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])|[Hh]([12])))?$/

/** The period a text names (the backend accepts the same forms), or null. */
export function parsePeriod(text: string | null | undefined): ReportPeriod | null {
  const match = PATTERN.exec((text ?? '').trim())
  if (!match) return null
  const year = Number(match[1])
  if (year < 2000 || year > 2100) return null
  if (match[2] !== undefined) {
    const month = Number(match[2])
    return month >= 1 && month <= 12 ? { kind: 'month', year, n: month } : null
  }
  if (match[3] !== undefined) return { kind: 'quarter', year, n: Number(match[3]) }
  if (match[4] !== undefined) return { kind: 'half', year, n: Number(match[4]) }
  return { kind: 'year', year, n: 1 }
}

/** The period of a kind containing a day (local date). */
export function periodOf(kind: PeriodKind, day: Date = new Date()): ReportPeriod {
  const year = day.getFullYear()
  const month = day.getMonth() + 1
  return { kind, year, n: Math.floor((month - 1) / MONTHS[kind]) + 1 }
}

/** First and last day (YYYY-MM-DD, inclusive). */
export function periodBounds(p: ReportPeriod): { from: string; to: string } {
  const first = (p.n - 1) * MONTHS[p.kind] + 1
  const last = first + MONTHS[p.kind] - 1
  const lastDay = new Date(Date.UTC(p.year, last, 0)).getUTCDate()
  return { from: `${p.year}-${pad(first)}-01`, to: `${p.year}-${pad(last)}-${pad(lastDay)}` }
}

/** The period `delta` steps before (negative) or after (positive). */
export function shiftPeriod(p: ReportPeriod, delta: number): ReportPeriod {
  const parts = PARTS[p.kind]
  const index = p.year * parts + (p.n - 1) + delta
  return { kind: p.kind, year: Math.floor(index / parts), n: (((index % parts) + parts) % parts) + 1 }
}

/** Switch kind keeping the year and the part that holds the period's first month. */
export function changeKind(p: ReportPeriod, kind: PeriodKind): ReportPeriod {
  const firstMonth = (p.n - 1) * MONTHS[p.kind] + 1
  return { kind, year: p.year, n: Math.floor((firstMonth - 1) / MONTHS[kind]) + 1 }
}

/** Whether a period starts after the day (nothing to judge yet). */
export function isFuture(p: ReportPeriod, day: Date = new Date()): boolean {
  const today = `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`
  return periodBounds(p).from > today
}

/**
 * The instants a local-date window spans, for GET /meetings?from=&to= (China time, as the
 * compliance report counts them): from the first day's midnight to the midnight after the last.
 */
export function windowInstants(fromDay: string, toDay: string): { from: string; to: string } {
  const [y, m, d] = toDay.split('-').map(Number)
  const next = new Date(Date.UTC(y, m - 1, d + 1))
  const nextDay = `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`
  return { from: `${fromDay}T00:00:00+08:00`, to: `${nextDay}T00:00:00+08:00` }
}
