/**
 * 大写金额: an amount in Chinese financial capitals for receipts, e.g. "1234.56" →
 * "壹仟贰佰叁拾肆元伍角陆分", "30.00" → "叁拾元整". Pure; the amount is read as a decimal
 * string and handled in integer fen (never as a float).
 *
 * Conventions (中国人民银行《支付结算办法》附件 正确填写票据和结算凭证的基本规定):
 * "整" after 元 (and after 角) when nothing follows; one "零" for any run of zeros inside the
 * number ("1005" → 壹仟零伍元整, "100500" → 壹拾万零伍佰元整); "零" between 元 and 分 when
 * there are no 角 ("100.05" → 壹佰元零伍分); "壹拾" is written in full.
 */
import { parseFen } from '@/shared/money'

const DIGITS = '零壹贰叁肆伍陆柒捌玖'
const UNITS = ['', '拾', '佰', '仟']
const GROUPS = ['', '万', '亿', '万亿']

/** The capitals of a positive whole number of yuan given as digits without leading zeros. */
function wholeWords(digits: string): string {
  let out = ''
  let zero = false
  const n = digits.length
  for (let i = 0; i < n; i++) {
    const d = Number(digits[i])
    const pos = n - 1 - i // power of ten
    const within = pos % 4
    const group = Math.floor(pos / 4)
    if (d === 0) {
      if (out !== '') zero = true
    } else {
      if (zero) out += '零'
      zero = false
      out += DIGITS[d] + UNITS[within]
    }
    if (within === 0 && group > 0) {
      // Name the group (万, 亿) when any of its four digits is not zero.
      const start = Math.max(0, i - 3)
      if (/[1-9]/.test(digits.slice(start, i + 1))) out += GROUPS[group]
    }
  }
  return out
}

/** "1234.56" → "壹仟贰佰叁拾肆元伍角陆分"; "" for text that is not an amount. */
export function amountInWords(amount: string | null | undefined): string {
  const fen = parseFen(amount)
  if (fen === null) return ''
  if (fen === 0) return '零元整'
  const sign = fen < 0 ? '负' : ''
  const abs = Math.abs(fen)
  const whole = Math.floor(abs / 100)
  const jiao = Math.floor(abs / 10) % 10
  const cents = abs % 10
  let out = whole > 0 ? `${wholeWords(String(whole))}元` : ''
  if (jiao > 0) out += `${DIGITS[jiao]}角`
  else if (cents > 0 && whole > 0) out += '零'
  if (cents > 0) out += `${DIGITS[cents]}分`
  else out += '整'
  return sign + out
}
