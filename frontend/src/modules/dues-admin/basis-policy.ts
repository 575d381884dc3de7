/**
 * What the basis form says about the organisation's dues parameters (DUES-01/02): the mode, which
 * deductions count toward "after tax" (income tax always, plus the listed items) for wage-type
 * categories, and the farmers' range. Pure, no Vue.
 */
import type { DuesCategory, DuesPolicyRead } from '@/api'

export interface BasisPolicyHints {
  modeLabel: string
  /** Show the after-tax line: the categories whose basis is pay after tax. */
  afterTax: boolean
  /** The items deducted besides income tax (Chinese, as the server names them). */
  deductions: string[]
  /** Show the farmers' range. */
  farmer: boolean
}

/** The categories whose basis is "after-tax" pay (DUES-01): salaried and annual-salary members. */
const AFTER_TAX: readonly DuesCategory[] = ['salaried', 'annual_salary']

export function basisPolicyHints(policy: Pick<DuesPolicyRead, 'mode_label' | 'deductions'>, category: DuesCategory): BasisPolicyHints {
  return {
    modeLabel: policy.mode_label,
    afterTax: AFTER_TAX.includes(category),
    deductions: [...policy.deductions],
    farmer: category === 'farmer',
  }
}
