/**
 * 我的党费 (DUES-10): pure helpers over the member's own statement — each month's colour and
 * figure, this month, and the months a payment covered. No Vue, no floating-point money.
 */
import type { MonthCell, MonthState, PaymentRead } from '@/api'

/** The colours of the year grid. */
export type MonthLook = 'paid' | 'partial' | 'unpaid' | 'exempt' | 'upcoming' | 'none'

export function monthLook(state: MonthState): MonthLook {
  switch (state) {
    case 'paid':
    case 'partial':
    case 'unpaid':
    case 'exempt':
    case 'upcoming':
      return state
    default:
      return 'none'
  }
}

/** What a month's tile says under its number: what was paid, what is still owed, or what will be due. */
export type CellFigure = { key: 'paid' | 'owed' | 'due'; amount: string } | null

export function cellFigure(cell: MonthCell): CellFigure {
  switch (cell.state) {
    case 'paid':
      return { key: 'paid', amount: cell.paid }
    case 'partial':
    case 'unpaid':
      return { key: 'owed', amount: cell.balance }
    case 'upcoming':
      return cell.due === null ? null : { key: 'due', amount: cell.due }
    default:
      return null
  }
}

/** This month's cell in the statement, or null (another year is shown). */
export function currentCell(months: readonly MonthCell[], thisMonth: string): MonthCell | null {
  return months.find((m) => m.month === thisMonth) ?? null
}

/** "2026-03", "2026-04" → "3月、4月" (zh) / "Mar, Apr"-like "3, 4" (en); a year other than `year` is kept. */
export function paymentMonthsText(payment: Pick<PaymentRead, 'months'>, year: number, locale = 'zh-CN'): string {
  const zh = locale.startsWith('zh')
  return payment.months
    .map(({ month }) => {
      const [y, m] = month.split('-').map(Number)
      if (!m) return month
      if (y !== year) return zh ? `${y}年${m}月` : `${y}-${String(m).padStart(2, '0')}`
      return zh ? `${m}月` : String(m)
    })
    .join(zh ? '、' : ', ')
}

/** Payments newest first (the statement's order may follow the receipt numbers). */
export function newestFirst<T extends Pick<PaymentRead, 'paid_on' | 'id'>>(payments: readonly T[]): T[] {
  return [...payments].sort((a, b) => b.paid_on.localeCompare(a.paid_on) || b.id - a.id)
}
