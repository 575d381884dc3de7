/**
 * 党费台账 and 登记收缴 (DUES-06/07/10): pure helpers, no Vue. Money arrives as decimal strings
 * ("15.00", "-30.00") and is only ever added up in integer fen (./money) — never as JS floats.
 */
import type { MonthCell, MonthState, PaymentCreate, PaymentMethod, PaymentMonthRead } from '@/api'
import { fenToYuan, parseFen, toFen } from '@/shared/money'

// ---------------------------------------------------------------- money

// R: DUES-07 — a single voluntary payment of 1000 yuan or more is remitted whole to the Centre.
export const REMIT_THRESHOLD_FEN = 100_000

export function needsRemittance(amount: string | null | undefined): boolean {
  const fen = parseFen(amount)
  return fen !== null && fen >= REMIT_THRESHOLD_FEN
}

// ---------------------------------------------------------------- months and cells

/** "2026-03" → 3 (0 when it is not a month). */
export function monthNumber(month: string): number {
  const m = /^\d{4}-(\d{2})/.exec(month)
  return m ? Number(m[1]) : 0
}

/** "2026-03" → 2026. */
export function yearOf(month: string): number {
  const m = /^(\d{4})-/.exec(month)
  return m ? Number(m[1]) : 0
}

/** The colour a cell is shown in (and the legend entry it belongs to). */
export type CellLook = 'paid' | 'partial' | 'unpaid' | 'exempt' | 'none'

export function cellLook(state: MonthState): CellLook {
  switch (state) {
    case 'paid':
      return 'paid'
    case 'partial':
      return 'partial'
    case 'unpaid':
      return 'unpaid'
    case 'exempt':
      return 'exempt'
    default:
      // upcoming, no_basis, not_member, off_roster: nothing is owed (yet, or any more)
      return 'none'
  }
}

/** The legend, in the order shown, with the month states each colour stands for. */
export const LEGEND: readonly { look: CellLook; states: readonly MonthState[] }[] = [
  { look: 'paid', states: ['paid'] },
  { look: 'partial', states: ['partial'] },
  { look: 'unpaid', states: ['unpaid'] },
  { look: 'exempt', states: ['exempt'] },
  { look: 'none', states: ['upcoming', 'no_basis', 'not_member', 'off_roster'] },
]

/** What a cell shows: "paid/due", or null when nothing can be due (not a member, no basis). */
export function cellText(cell: MonthCell): string | null {
  if (cell.due === null) return null
  return `${cell.paid}/${cell.due}`
}

/** States in which a month can still be paid: not (fully) paid, now or in advance. */
const PAYABLE: readonly MonthState[] = ['unpaid', 'partial', 'upcoming']

/** A month can be chosen in the payment dialog: payable and something is left to pay. */
export function isPayable(cell: MonthCell): boolean {
  return PAYABLE.includes(cell.state) && toFen(cell.balance) > 0
}

export function payableMonths(cells: readonly MonthCell[]): MonthCell[] {
  return cells.filter(isPayable)
}

/**
 * Why a year offers no month to pay: `noBasis` — nothing is due because no dues basis was
 * recorded for the year (R: DUES-01, no basis no due: record one first); `settled` — what was due
 * is paid or exempt; `none` — not a member or not on the roster in that year.
 */
export type NoMonthsReason = 'noBasis' | 'settled' | 'none'

export function noMonthsReason(cells: readonly MonthCell[]): NoMonthsReason {
  if (cells.some((c) => c.due !== null)) return 'settled'
  return cells.some((c) => c.state === 'no_basis') ? 'noBasis' : 'none'
}

/** The amount due for the chosen months: the sum of their balances (what the server checks). */
export function selectionDue(cells: readonly MonthCell[], chosen: readonly string[]): string {
  const set = new Set(chosen)
  return fenToYuan(cells.filter((c) => set.has(c.month) && isPayable(c)).reduce((sum, c) => sum + toFen(c.balance), 0))
}

/** The chosen months that are still payable, in calendar order (stale choices dropped). */
export function validSelection(cells: readonly MonthCell[], chosen: readonly string[]): string[] {
  const set = new Set(chosen)
  return cells.filter((c) => set.has(c.month) && isPayable(c)).map((c) => c.month)
}

/**
 * The months a click on a cell preselects: that month when it is payable, otherwise nothing.
 * (Opening the dialog from the row's button preselects every month owed up to now.)
 */
export function preselect(cells: readonly MonthCell[], clicked: string | null): string[] {
  if (clicked !== null) {
    const cell = cells.find((c) => c.month === clicked)
    return cell && isPayable(cell) ? [cell.month] : []
  }
  return cells.filter((c) => isPayable(c) && c.state !== 'upcoming').map((c) => c.month)
}

/**
 * Months as a short text, grouped by year: ["2026-01", "2026-02", "2027-01"] →
 * "2026年1月、2月，2027年1月" (zh) or "2026-01, 2026-02, 2027-01" (en).
 */
export function monthsText(months: readonly (string | PaymentMonthRead)[], locale: string = 'zh-CN'): string {
  const list = months.map((m) => (typeof m === 'string' ? m : m.month)).sort()
  if (!locale.startsWith('zh')) return list.map((m) => m.slice(0, 7)).join(', ')
  const byYear = new Map<number, number[]>()
  for (const m of list) {
    const y = yearOf(m)
    byYear.set(y, [...(byYear.get(y) ?? []), monthNumber(m)])
  }
  return [...byYear.entries()].map(([y, ms]) => `${y}年${ms.map((n) => `${n}月`).join('、')}`).join('，')
}

// ---------------------------------------------------------------- the payment form

export const PAYMENT_METHODS: readonly PaymentMethod[] = ['cash', 'bank', 'wechat', 'alipay']

/** WeChat and Alipay payments need the transaction number (the server checks too). */
export function needsReference(method: PaymentMethod): boolean {
  return method === 'wechat' || method === 'alipay'
}

export interface PaymentForm {
  memberId: number
  voluntary: boolean
  /** Chosen months (regular payments). */
  months: string[]
  /** The voluntary amount, normalised ("1000" or "12.5"), or null while empty or invalid. */
  amount: string | null
  method: PaymentMethod
  reference: string
  payerName: string
  /** YYYY-MM-DD. */
  paidOn: string
  note: string
  /** Why months more than 6 months back are paid now (DUES-06); required only then. */
  reason?: string
}

export type PaymentProblem = 'months' | 'amount' | 'reference' | 'paidOn' | 'futureDate' | 'reason'

/** R: DUES-06 — back payments cover at most 6 months: months older need a recorded reason. */
export const BACK_PAYMENT_MONTHS = 6

function monthIndex(text: string): number {
  return Number(text.slice(0, 4)) * 12 + Number(text.slice(5, 7)) - 1
}

/** Whether the chosen months reach more than 6 months before the month of `paidOn` (YYYY-MM-DD). */
export function needsBackPaymentReason(months: readonly string[], paidOn: string): boolean {
  if (months.length === 0 || !/^\d{4}-\d{2}/.test(paidOn)) return false
  const oldest = Math.min(...months.map(monthIndex))
  return oldest < monthIndex(paidOn) - BACK_PAYMENT_MONTHS
}

/**
 * The body of POST /dues/payments, or the first thing missing. The regular amount is the sum of
 * the chosen months' balances, computed from the grid (the server recomputes and answers 422
 * `dues_amount` when the grid was stale).
 */
export function paymentBody(
  form: PaymentForm,
  cells: readonly MonthCell[],
  today: string,
): { body: PaymentCreate; problem: null } | { body: null; problem: PaymentProblem } {
  const base = {
    member_id: form.memberId,
    method: form.method,
    paid_on: form.paidOn,
    ...(form.reference.trim() ? { reference: form.reference.trim() } : {}),
    ...(form.payerName.trim() ? { payer_name: form.payerName.trim() } : {}),
    ...(form.note.trim() ? { note: form.note.trim() } : {}),
  }
  let body: PaymentCreate
  if (form.voluntary) {
    if (form.amount === null || toFen(form.amount) <= 0) return { body: null, problem: 'amount' }
    body = { ...base, kind: 'voluntary', months: [], amount: fenToYuan(toFen(form.amount)) }
  } else {
    const months = validSelection(cells, form.months)
    if (months.length === 0) return { body: null, problem: 'months' }
    body = { ...base, kind: 'regular', months, amount: selectionDue(cells, months) }
    if (needsBackPaymentReason(months, form.paidOn)) {
      const reason = (form.reason ?? '').trim()
      if (!reason) return { body: null, problem: 'reason' }
      body = { ...body, reason }
    }
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.paidOn)) return { body: null, problem: 'paidOn' }
  if (form.paidOn > today) return { body: null, problem: 'futureDate' }
  if (needsReference(form.method) && !form.reference.trim()) return { body: null, problem: 'reference' }
  return { body, problem: null }
}

// ---------------------------------------------------------------- idempotency

/**
 * A fresh Idempotency-Key (a v4 UUID). `crypto.randomUUID` exists only in secure contexts
 * (https, localhost); on plain http inside a LAN the key is built from `getRandomValues`.
 */
export function newIdempotencyKey(source: Pick<Crypto, 'getRandomValues'> & { randomUUID?: () => string } = globalThis.crypto): string {
  if (typeof source.randomUUID === 'function') return source.randomUUID()
  const bytes = source.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
