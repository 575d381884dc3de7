/** The dues categories and what each asks for (R: DUES-02). Pure, no Vue. */
import type { DuesCategory } from '@/api'

/** Every category, in the order of the select (R: DUES-02). */
export const DUES_CATEGORIES: readonly DuesCategory[] = [
  'salaried',
  'annual_salary',
  'self_employed',
  'retired',
  'farmer',
  'student',
  'unemployed',
  'relief',
  'low_income',
]

/** What a category asks for: a monthly basis (rates), a set amount (farmers) or nothing (0.20 yuan). */
export type DuesInputKind = 'basis' | 'amount' | 'none'

export function inputKind(category: DuesCategory): DuesInputKind {
  if (category === 'farmer') return 'amount'
  if (category === 'salaried' || category === 'annual_salary' || category === 'self_employed' || category === 'retired') return 'basis'
  return 'none'
}
