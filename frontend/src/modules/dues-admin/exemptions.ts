/**
 * 减免党费 (DUES-03): the application form as pure data — what is missing or wrong, and the
 * request body. The branch decides, the next-higher committee approves; the server has the last
 * word on every check made here.
 */
import type { ExemptionCreate, ExemptionKind, ExemptionStatus } from '@/api'
import { normaliseMoney, parseFen } from '@/shared/money'
import { monthSpan } from './reports'

export const EXEMPTION_KINDS: readonly ExemptionKind[] = ['reduce', 'exempt']
export const EXEMPTION_STATUSES: readonly ExemptionStatus[] = ['proposed', 'branch_approved', 'approved', 'rejected']
/** One application covers at most this many months (the server's MAX_MONTHS). */
export const MAX_EXEMPTION_MONTHS = 24

export interface ExemptionForm {
  memberId: number | null
  kind: ExemptionKind
  amount: string
  firstMonth: string | null
  lastMonth: string | null
  reason: string
}

export type ExemptionProblem = 'member' | 'months' | 'order' | 'tooLong' | 'amount' | 'reason'

export const emptyExemptionForm = (memberId: number | null = null, firstMonth: string | null = null): ExemptionForm => ({
  memberId,
  kind: 'reduce',
  amount: '',
  firstMonth,
  lastMonth: firstMonth,
  reason: '',
})

/** Everything wrong with the form, in the order of its fields (empty = ready to send). */
export function exemptionProblems(form: ExemptionForm): ExemptionProblem[] {
  const out: ExemptionProblem[] = []
  if (form.memberId == null) out.push('member')
  if (!form.firstMonth || !form.lastMonth) out.push('months')
  else if (monthSpan(form.firstMonth, form.lastMonth) === 0) out.push('order')
  else if (monthSpan(form.firstMonth, form.lastMonth) > MAX_EXEMPTION_MONTHS) out.push('tooLong')
  if (form.kind === 'reduce') {
    const money = normaliseMoney(form.amount)
    const fen = money.value === null ? null : parseFen(money.value)
    if (fen === null || fen <= 0) out.push('amount')
  }
  if (form.reason.trim().length < 2) out.push('reason')
  return out
}

/** The body of POST /dues/exemptions, or null while the form has a problem. */
export function exemptionBody(form: ExemptionForm): ExemptionCreate | null {
  if (exemptionProblems(form).length) return null
  const body: ExemptionCreate = {
    member_id: form.memberId!,
    kind: form.kind,
    first_month: form.firstMonth!,
    last_month: form.lastMonth!,
    reason: form.reason.trim(),
  }
  if (form.kind === 'reduce') body.monthly_amount = normaliseMoney(form.amount).value!
  return body
}

/** The Element Plus tag type of a status. */
export function statusTag(status: ExemptionStatus): 'warning' | 'primary' | 'success' | 'info' {
  switch (status) {
    case 'proposed':
      return 'warning'
    case 'branch_approved':
      return 'primary'
    case 'approved':
      return 'success'
    default:
      return 'info'
  }
}

/** "2026-12" .. "2027-03" → "2026-12 至 2027-03" (one month alone when equal). */
export function periodText(first: string, last: string, to: string): string {
  return first === last ? first : `${first} ${to} ${last}`
}
