/**
 * 工作制度参数: pure helpers over the policy answer (unit-tested) — value formatting, grouping,
 * checking an edited value, and the "only changed keys" diff sent to PUT …/policy.
 */
import type { ParamKind, PolicyItem } from '@/api'
import { normaliseMoney } from '@/shared/money'

export const PERIODS = ['month', 'two_months', 'quarter', 'half_year', 'year'] as const
export type Period = (typeof PERIODS)[number]

export interface Frequency {
  count: number
  period: Period
}

/**
 * A value as the API carries it: frequency {count, period}, days and months (int), ladder
 * [a, b, c], choice (an option key), choices (option keys), money range ["0.20", "1.00"].
 */
export type PolicyValue = Frequency | number | number[] | string | string[]

/** The options of a choice / choices parameter: value → Chinese label (server order). */
export type PolicyOptions = Readonly<Record<string, string>> | null | undefined

/** A value as edited: the new value, or null = 恢复继承 (drop this organisation's own setting). */
export type DraftValue = PolicyValue | null

/** One row of the edit form; every kind's inputs, so templates bind without casts. */
export interface EditRow {
  restore: boolean
  count: number
  period: Period
  days: number
  months: [number, number, number]
  /** kind months */
  month: number
  /** kind choice */
  choice: string
  /** kind choices */
  choices: string[]
  /** kind money_range, as typed */
  low: string
  high: string
}

/** The translator the formatters need (vue-i18n's `t`, or i18n.global.t in tests). */
export type Translate = (key: string, named?: Record<string, unknown>) => string

export const LIMITS = {
  count: { min: 0, max: 31 },
  days: { min: 0, max: 60 },
  months: { min: 1, max: 24 },
} as const

/** Yuan as the money_range parameters take it: at most 6 integer digits, 2 decimals (server check). */
const YUAN = /^\d{1,6}(\.\d{1,2})?$/

/** Fen of a yuan text that passed YUAN (integer arithmetic, no floats). */
const fenOf = (text: string): number => {
  const [whole, fraction = ''] = text.split('.')
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
}

/** What a person typed as yuan, as the server writes it ("0.2" → "0.20", "1" → "1.00"); the text itself when it is not money. */
export function yuanText(raw: string): string {
  const { value } = normaliseMoney(raw)
  if (value === null || !YUAN.test(value)) return raw.trim()
  const fen = fenOf(value)
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')

/** Option keys in the options' own order (so a choice of the same items is the same value). */
function inOptionOrder(keys: readonly string[], options: PolicyOptions): string[] {
  if (!options) return [...keys]
  const order = Object.keys(options)
  return [...keys].sort((a, b) => {
    const ia = order.indexOf(a)
    const ib = order.indexOf(b)
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib)
  })
}

const isPeriod = (v: unknown): v is Period => typeof v === 'string' && (PERIODS as readonly string[]).includes(v)

export function isFrequency(v: unknown): v is Frequency {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Frequency).count === 'number' && isPeriod((v as Frequency).period)
}

/**
 * A value in words: "每季度至少 1 次", "不作要求", "提前 1 天", "2 / 4 / 6 个月", "3 个月", an
 * option's label, several labels, "0.20 至 1.00 元".
 */
export function formatPolicyValue(kind: ParamKind, value: unknown, t: Translate, options?: PolicyOptions): string {
  if (value === null || value === undefined) return '—'
  switch (kind) {
    case 'frequency':
      if (!isFrequency(value)) break
      if (value.count === 0) return t('policy.notRequired')
      return t('policy.frequencyText', { period: t(`policy.period.${value.period}`), count: value.count })
    case 'days':
      if (typeof value !== 'number') break
      return t('policy.daysText', { n: value })
    case 'months_ladder':
      if (!Array.isArray(value)) break
      return t('policy.ladderText', { months: value.join(' / ') })
    case 'months':
      if (typeof value !== 'number') break
      return t('policy.monthsText', { n: value })
    case 'choice':
      if (typeof value !== 'string') break
      return options?.[value] ?? value
    case 'choices':
      if (!isStringList(value)) break
      if (!value.length) return t('policy.noneChosen')
      return inOptionOrder(value, options)
        .map((v) => options?.[v] ?? v)
        .join('、')
    case 'money_range':
      if (!isStringList(value) || value.length !== 2) break
      return t('policy.moneyRangeText', { low: value[0], high: value[1] })
  }
  return JSON.stringify(value)
}

/** Where a value comes from, in words: 系统默认 / 继承自 {name} / 本组织设置. */
export function formatSource(item: Pick<PolicyItem, 'source' | 'source_organization_name'>, t: Translate): string {
  if (item.source === 'inherited') return t('policy.source.inherited', { name: item.source_organization_name ?? '' })
  return t(`policy.source.${item.source}`)
}

/** Items grouped by `group`, groups and items in the server's order. */
export function groupItems<T extends Pick<PolicyItem, 'group'>>(items: readonly T[]): { group: string; items: T[] }[] {
  const out: { group: string; items: T[] }[] = []
  for (const item of items) {
    let g = out.find((x) => x.group === item.group)
    if (!g) {
      g = { group: item.group, items: [] }
      out.push(g)
    }
    g.items.push(item)
  }
  return out
}

/** The edit-form row for a value (never shares arrays/objects with the query cache). */
export function editRow(kind: ParamKind, value: unknown, options?: PolicyOptions): EditRow {
  const row: EditRow = { restore: false, count: 1, period: 'month', days: 1, months: [2, 4, 6], month: 1, choice: '', choices: [], low: '', high: '' }
  if (kind === 'frequency' && isFrequency(value)) {
    row.count = value.count
    row.period = value.period
  } else if (kind === 'days' && typeof value === 'number') {
    row.days = value
  } else if (kind === 'months_ladder' && Array.isArray(value) && value.length === 3) {
    row.months = [Number(value[0]), Number(value[1]), Number(value[2])]
  } else if (kind === 'months' && typeof value === 'number') {
    row.month = value
  } else if (kind === 'choice' && typeof value === 'string') {
    row.choice = value
  } else if (kind === 'choices' && isStringList(value)) {
    row.choices = inOptionOrder(value, options)
  } else if (kind === 'money_range' && isStringList(value) && value.length === 2) {
    row.low = value[0]
    row.high = value[1]
  }
  return row
}

/** The value an edit-form row stands for (null = 恢复继承). */
export function draftOf(kind: ParamKind, row: EditRow, options?: PolicyOptions): DraftValue {
  if (row.restore) return null
  switch (kind) {
    case 'frequency':
      return { count: row.count, period: row.period }
    case 'days':
      return row.days
    case 'months_ladder':
      return [...row.months]
    case 'months':
      return row.month
    case 'choice':
      return row.choice
    case 'choices':
      return inOptionOrder(row.choices, options)
    case 'money_range':
      return [yuanText(row.low), yuanText(row.high)]
  }
  return null
}

const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max

/**
 * The i18n key of what is wrong with an edited value, or null when it may be sent. null (恢复继承)
 * is always acceptable. Mirrors the server's checks; the server has the last word.
 */
export function draftProblem(kind: ParamKind, draft: DraftValue, options?: PolicyOptions): string | null {
  if (draft === null) return null
  switch (kind) {
    case 'frequency': {
      if (typeof draft !== 'object' || Array.isArray(draft)) return 'policy.problem.shape'
      if (!isInt(draft.count, LIMITS.count.min, LIMITS.count.max)) return 'policy.problem.count'
      return isPeriod(draft.period) ? null : 'policy.problem.period'
    }
    case 'days':
      return isInt(draft, LIMITS.days.min, LIMITS.days.max) ? null : 'policy.problem.days'
    case 'months_ladder': {
      if (!Array.isArray(draft) || draft.length !== 3) return 'policy.problem.shape'
      if (!draft.every((v) => isInt(v, LIMITS.months.min, LIMITS.months.max))) return 'policy.problem.months'
      const [a, b, c] = draft
      return a < b && b < c ? null : 'policy.problem.ascending'
    }
    case 'months':
      return isInt(draft, LIMITS.months.min, LIMITS.months.max) ? null : 'policy.problem.months'
    case 'choice':
      return typeof draft === 'string' && !!options && Object.prototype.hasOwnProperty.call(options, draft) ? null : 'policy.problem.choice'
    case 'choices': {
      if (!isStringList(draft) || new Set(draft).size !== draft.length) return 'policy.problem.choices'
      return draft.every((v) => !!options && Object.prototype.hasOwnProperty.call(options, v)) ? null : 'policy.problem.choices'
    }
    case 'money_range': {
      if (!isStringList(draft) || draft.length !== 2 || !draft.every((v) => YUAN.test(v))) return 'policy.problem.money'
      return fenOf(draft[0]) <= fenOf(draft[1]) ? null : 'policy.problem.moneyOrder'
    }
  }
  return 'policy.problem.shape'
}

/** Structural equality for the JSON values policies carry. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]))
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const ka = Object.keys(a).sort()
    const kb = Object.keys(b).sort()
    return sameValue(ka, kb) && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  }
  return false
}

/**
 * Whether a draft stands for the value in force: choices are a set (order does not matter), money
 * ranges compare as amounts ("1" is "1.00"); everything else structurally.
 */
export function sameDraft(kind: ParamKind | undefined, draft: unknown, value: unknown): boolean {
  if (kind === 'choices' && isStringList(draft) && isStringList(value)) {
    return draft.length === value.length && new Set(draft).size === new Set([...draft, ...value]).size
  }
  if (kind === 'money_range' && isStringList(draft) && isStringList(value) && draft.length === 2 && value.length === 2) {
    return draft.every((v, i) => YUAN.test(v) && YUAN.test(value[i]) && fenOf(v) === fenOf(value[i]))
  }
  return sameValue(draft, value)
}

/**
 * The `values` of a PUT: only the keys whose draft differs from what is in force. A null draft
 * (恢复继承) counts only where this organisation has its own setting — elsewhere there is nothing
 * to clear. Keys without a draft are left alone.
 */
export function changedValues(
  items: readonly (Pick<PolicyItem, 'key' | 'value' | 'source'> & Partial<Pick<PolicyItem, 'kind'>>)[],
  drafts: Readonly<Record<string, DraftValue | undefined>>,
): Record<string, PolicyValue | null> {
  const out: Record<string, PolicyValue | null> = {}
  for (const item of items) {
    if (!(item.key in drafts)) continue
    const draft = drafts[item.key]
    if (draft === undefined) continue
    if (draft === null) {
      if (item.source === 'set') out[item.key] = null
      continue
    }
    if (!sameDraft(item.kind, draft, item.value)) out[item.key] = JSON.parse(JSON.stringify(draft)) as PolicyValue // plain data, never a reactive proxy
  }
  return out
}
