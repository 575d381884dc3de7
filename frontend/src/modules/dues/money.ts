/**
 * Money as text, never as a JS number (0.1 + 0.2 !== 0.3): the calculator sends the basis as a
 * decimal string ("3000.01") and shows the server's strings. Pure helpers, no Vue.
 */
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

export type MoneyProblem = 'invalid' | 'negative' | 'tooManyDecimals' | 'tooLarge'

/** The normalised input: `value` is null when the field is empty or has a problem. */
export interface MoneyInput {
  value: string | null
  problem: MoneyProblem | null
}

const FULL_WIDTH = /[０-９．。，]/g
const FULL_WIDTH_MAP: Record<string, string> = { '．': '.', '。': '.', '，': ',' }

/**
 * Normalise what a person typed into the server's money format `^\d{1,9}(\.\d{1,2})?$`:
 * full-width digits and points (Chinese IME), thousands separators, spaces, "¥" and "元" are
 * accepted; a trailing point is dropped ("3000." → "3000"); leading zeros are dropped.
 */
export function normaliseMoney(raw: string): MoneyInput {
  let text = raw
    .replace(FULL_WIDTH, (ch) => FULL_WIDTH_MAP[ch] ?? String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s,¥￥]/g, '')
    .replace(/元$/, '')
  if (text === '') return { value: null, problem: null }
  if (/^[-－]/.test(text)) return { value: null, problem: /^[-－]\d*\.?\d*$/.test(text) ? 'negative' : 'invalid' }
  if (text.endsWith('.')) text = text.slice(0, -1)
  if (text.startsWith('.')) text = `0${text}`
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text)
  if (!match) return { value: null, problem: 'invalid' }
  const whole = match[1].replace(/^0+(?=\d)/, '')
  const fraction = match[2] ?? ''
  if (fraction.length > 2) return { value: null, problem: 'tooManyDecimals' }
  if (whole.length > 9) return { value: null, problem: 'tooLarge' }
  return { value: fraction ? `${whole}.${fraction}` : whole, problem: null }
}

/**
 * A rate as a percentage, exactly (string arithmetic, no floats): "0.005" → "0.5%",
 * "0.01" → "1%", "0.015" → "1.5%", "0.02" → "2%".
 */
export function ratePercent(rate: string): string {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(rate.trim())
  if (!match) return rate
  const fraction = (match[2] ?? '').padEnd(2, '0')
  const whole = `${match[1]}${fraction.slice(0, 2)}`.replace(/^0+(?=\d)/, '')
  const rest = fraction.slice(2).replace(/0+$/, '')
  return `${whole}${rest ? `.${rest}` : ''}%`
}
