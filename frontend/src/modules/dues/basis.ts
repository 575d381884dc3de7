/**
 * 党费基数 (DUES-01): pure helpers for the member's 党费 tab — months as "YYYY-MM", the request
 * body of a new basis, and what the list shows. No Vue, no floats.
 */
import type { DuesBasisCreate, DuesCategory } from '@/api'
import { inputKind } from './categories'

/** The month of a date as the API's "YYYY-MM" (local time). */
export function monthOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`
}

/** "2026-11" or "2026-11-01" → { year: 2026, month: 11 }, or null when it is not a month. */
export function parseMonth(text: string | null | undefined): { year: number; month: number } | null {
  const match = /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(text ?? '')
  if (!match) return null
  const month = Number(match[2])
  if (month < 1 || month > 12) return null
  return { year: Number(match[1]), month }
}

/** "2026-11-01" → "2026年11月" (zh) or "Nov 2026"-like "2026-11" (en); the text itself when not a month. */
export function monthLabel(text: string | null | undefined, locale: string = 'zh-CN'): string {
  const m = parseMonth(text)
  if (!m) return text ?? ''
  return locale.startsWith('zh') ? `${m.year}年${m.month}月` : `${m.year}-${String(m.month).padStart(2, '0')}`
}

/**
 * The body of POST /members/{id}/dues-bases, or null while something required is missing:
 * a basis for the rate categories, an amount for farmers, nothing for the fixed 0.20 ones.
 */
export function basisCreateBody(
  category: DuesCategory,
  amount: string | null,
  effectiveMonth: string | null,
  note: string,
): DuesBasisCreate | null {
  if (!effectiveMonth || !parseMonth(effectiveMonth)) return null
  const kind = inputKind(category)
  if (kind !== 'none' && amount === null) return null
  const body: DuesBasisCreate = { category, effective_month: effectiveMonth }
  if (kind === 'basis') body.basis = amount!
  if (kind === 'amount') body.fixed_amount = amount!
  const trimmed = note.trim()
  if (trimmed) body.note = trimmed
  return body
}

/** What the 基数 cell shows: the amount, "hidden" (income withheld from this viewer) or nothing. */
export type BasisCell = { value: string } | 'hidden' | 'none'

export function basisCell(
  row: { category: DuesCategory; basis: string | null; fixed_amount: string | null },
  visible: boolean,
): BasisCell {
  const kind = inputKind(row.category)
  if (kind === 'amount') return row.fixed_amount === null ? 'none' : { value: row.fixed_amount }
  if (kind === 'none') return 'none'
  if (row.basis !== null) return { value: row.basis }
  return visible ? 'none' : 'hidden'
}
