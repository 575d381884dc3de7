/**
 * Deductions from the monthly basis (R: DUES-01): "after tax" is the counted pay minus income tax
 * and, where the organisation's policy (`dues.deductions`) says so, the member's own
 * social-insurance, housing-fund or annuity contributions. Pure helpers, no Vue, no floats: the
 * typed amounts are normalised like the basis, and the server does the subtraction.
 */
import type { DuesCategory } from '@/api'
import { fenToYuan, normaliseMoney, parseFen, type MoneyProblem } from '@/shared/money'

/** Every deduction the policy may count, in the order of the policy form (params.py). */
export const DEDUCTION_KEYS = ['pension', 'medical', 'unemployment', 'housing_fund', 'annuity'] as const
export type DeductionKey = (typeof DEDUCTION_KEYS)[number]

/** The categories whose basis is pay after tax (DUES-01), where deductions apply. */
const AFTER_TAX: readonly DuesCategory[] = ['salaried', 'annual_salary']

export function takesDeductions(category: DuesCategory): boolean {
  return AFTER_TAX.includes(category)
}

/** What was typed for the deductions, read for the request. */
export interface DeductionsInput {
  /** The filled items (key → normalised yuan, e.g. "200"), in the order of `keys`; null while any has a problem. */
  amounts: Record<string, string> | null
  /** The items with a problem (the text stays as typed). */
  problems: Partial<Record<string, MoneyProblem>>
}

/** Read the typed amounts of `keys` (empty fields are left out; zero counts as nothing). */
export function readDeductions(texts: Readonly<Record<string, string>>, keys: readonly string[]): DeductionsInput {
  const amounts: Record<string, string> = {}
  const problems: Partial<Record<string, MoneyProblem>> = {}
  for (const key of keys) {
    const money = normaliseMoney(texts[key] ?? '')
    if (money.problem) problems[key] = money.problem
    else if (money.value !== null && parseFen(money.value) !== 0) amounts[key] = money.value
  }
  return { amounts: Object.keys(problems).length ? null : amounts, problems }
}

/** The sum of the deductions exceeds the basis (the server refuses it too). */
export function deductionsExceed(basis: string | null, amounts: Readonly<Record<string, string>>): boolean {
  const whole = parseFen(basis)
  if (whole === null) return false
  const sum = Object.values(amounts).reduce((total, a) => total + (parseFen(a) ?? 0), 0)
  return sum > whole
}

/** "个人缴纳的养老保险" → "养老保险" (the note is short; the form shows the full label). */
export function shortDeductionLabel(label: string): string {
  return label.replace(/^个人缴纳的/, '')
}

/**
 * What the basis note records about the deductions: "扣除：养老保险 200.00、住房公积金 300.00",
 * or "" when nothing was deducted.
 */
export function deductionNote(items: readonly { label: string; amount: string }[]): string {
  if (!items.length) return ''
  const parts = items.map(({ label, amount }) => {
    const fen = parseFen(amount)
    return `${shortDeductionLabel(label)} ${fen === null ? amount : fenToYuan(fen)}`
  })
  return `扣除：${parts.join('、')}`
}

/** The note as saved: what the person typed, then the deductions ("工资调整；扣除：养老保险 200.00"). */
export function basisNote(note: string, deductions: string): string {
  return [note.trim(), deductions].filter(Boolean).join('；')
}
