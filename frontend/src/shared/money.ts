/**
 * Money as text, never as a JS number (0.1 + 0.2 !== 0.3): the calculator sends the basis as a
 * decimal string ("3000.01") and shows the server's strings; sums, comparisons and chart values
 * are done in integer fen. Pure helpers, no Vue — shared by every module that shows an amount.
 */
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

// ---------------------------------------------------------------- money in fen

const AMOUNT = /^(-)?(\d+)(?:\.(\d{1,2}))?$/

/**
 * "15.00" → 1500, "-30.5" → -3050, "0.2" → 20; null for anything that is not an amount of at
 * most two decimals (or too large to count exactly).
 */
export function parseFen(text: string | null | undefined): number | null {
  const match = AMOUNT.exec((text ?? '').trim())
  if (!match) return null
  const fen = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'))
  if (!Number.isSafeInteger(fen)) return null
  return match[1] && fen !== 0 ? -fen : fen
}

/** Like `parseFen`, with nothing (or a non-amount) counting as 0 (for sums and charts). */
export function toFen(text: string | null | undefined): number {
  return parseFen(text) ?? 0
}

/** 1500 → "15.00", -3050 → "-30.50", 20 → "0.20" (a fraction of a fen, e.g. a chart tick, is rounded). */
export function fenToYuan(fen: number): string {
  const whole = Math.round(fen)
  const sign = whole < 0 ? '-' : ''
  const abs = Math.abs(whole)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** The sum of decimal strings, exactly: ["0.10", "0.20"] → "0.30". */
export function sumYuan(amounts: readonly (string | null | undefined)[]): string {
  return fenToYuan(amounts.reduce((sum, a) => sum + toFen(a), 0))
}

/** An amount as the server would write it ("12.3" → "12.30"), or the text itself when malformed. */
export function canonicalYuan(text: string): string {
  const fen = parseFen(text)
  return fen === null ? text : fenToYuan(fen)
}
