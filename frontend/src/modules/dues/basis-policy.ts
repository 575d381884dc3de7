/**
 * What the basis form says about the organisation's dues parameters (DUES-01/02): the mode, which
 * deductions count toward "after tax" (income tax always, plus the listed items) for wage-type
 * categories, and the farmers' range. Pure, no Vue.
 */
import type { DuesCategory, DuesPolicyRead } from '@/api'
import { takesDeductions } from './deductions'

export interface BasisPolicyHints {
  modeLabel: string
  /** Show the after-tax line: the categories whose basis is pay after tax. */
  afterTax: boolean
  /** The items deducted besides income tax (Chinese, as the server names them). */
  deductions: string[]
  /** The same items with their keys (the keys of the calculation's `deductions`). */
  items: { key: string; label: string }[]
  /** Show the farmers' range. */
  farmer: boolean
}

export function basisPolicyHints(
  policy: Pick<DuesPolicyRead, 'mode_label' | 'deductions' | 'deduction_keys'>,
  category: DuesCategory,
): BasisPolicyHints {
  return {
    modeLabel: policy.mode_label,
    afterTax: takesDeductions(category),
    deductions: [...policy.deductions],
    items: policy.deduction_keys.map((key, i) => ({ key, label: policy.deductions[i] ?? key })),
    farmer: category === 'farmer',
  }
}
