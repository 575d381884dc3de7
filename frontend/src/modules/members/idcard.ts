/**
 * Citizen ID numbers (GB 11643-1999), client side: the same checks the backend makes
 * (backend/dangjian/core/idcard.py) so the form can say what is wrong while the user types,
 * and the birth date and gender the number encodes. The server still decides.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const CHECK = '10X98765432'

/** Why a number is not valid — each maps to a message in the locale files (member.idError.*). */
export type IdNumberProblem = 'length' | 'format' | 'birthDate' | 'future' | 'checksum'

export type Gender = 'male' | 'female'

/**
 * What people type, made comparable: surrounding and inner spaces dropped, full-width digits
 * and "Ｘ" (a Chinese input method's) turned into ASCII, a lower-case x upper-cased.
 */
export function normalizeIdNumber(value: string | null | undefined): string {
  if (!value) return ''
  return value
    .replace(/[\s\u3000]+/g, '')
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/[xＸｘ]/g, 'X')
}

/** The check character of the first 17 digits. */
export function checkDigit(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return CHECK[sum % 11]
}

const pad = (n: number) => String(n).padStart(2, '0')

function localToday(): string {
  const d = new Date()
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** The birth date (YYYY-MM-DD) in positions 7–14, or null when it is not a real date. */
export function birthDateOf(number: string): string | null {
  const n = normalizeIdNumber(number)
  if (!/^[0-9]{14}/.test(n)) return null
  const y = Number(n.slice(6, 10))
  const m = Number(n.slice(10, 12))
  const d = Number(n.slice(12, 14))
  if (y < 1800 || m < 1 || m > 12 || d < 1) return null
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate()
  if (d > days) return null
  return `${y}-${pad(m)}-${pad(d)}`
}

/** 'male' when the 17th digit is odd, else 'female' (null before 17 digits are typed). */
export function genderOf(number: string): Gender | null {
  const n = normalizeIdNumber(number)
  if (!/^[0-9]{17}/.test(n)) return null
  return Number(n[16]) % 2 === 1 ? 'male' : 'female'
}

/** The first problem of a (complete) number, or null when it is valid. */
export function idNumberProblem(value: string, today: string = localToday()): IdNumberProblem | null {
  const n = normalizeIdNumber(value)
  if (n.length !== 18) return 'length'
  if (!/^[0-9]{17}[0-9X]$/.test(n)) return 'format'
  const born = birthDateOf(n)
  if (!born) return 'birthDate'
  if (born > today) return 'future'
  if (checkDigit(n.slice(0, 17)) !== n[17]) return 'checksum'
  return null
}

export function isValidIdNumber(value: string, today?: string): boolean {
  return idNumberProblem(value, today) === null
}

/** Birth date and gender of a valid number (null otherwise) — what the edit form fills in. */
export function deriveFromIdNumber(value: string, today?: string): { birthDate: string; gender: Gender } | null {
  if (!isValidIdNumber(value, today)) return null
  const n = normalizeIdNumber(value)
  return { birthDate: birthDateOf(n)!, gender: genderOf(n)! }
}

/**
 * What a partly typed number already tells: the problem so far (a wrong character, an
 * impossible date once its 14 digits are there), without complaining that it is too short.
 */
export function partialProblem(value: string, today: string = localToday()): IdNumberProblem | null {
  const n = normalizeIdNumber(value)
  if (!n) return null
  if (n.length > 18) return 'length'
  const digits = n.length === 18 ? n.slice(0, 17) : n
  if (!/^[0-9]*$/.test(digits) || (n.length === 18 && !/[0-9X]/.test(n[17]))) return 'format'
  if (n.length >= 14) {
    const born = birthDateOf(n)
    if (!born) return 'birthDate'
    if (born > today) return 'future'
  }
  if (n.length === 18) return idNumberProblem(n, today)
  return null
}
