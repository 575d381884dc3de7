import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PolicyItem } from '@/api'
import { i18n } from '@/locales'
import {
  changedValues,
  draftOf,
  draftProblem,
  editRow,
  formatPolicyValue,
  formatSource,
  groupItems,
  sameValue,
  type Translate,
} from '@/modules/organizations/policy'

const t: Translate = (key, named) => (named ? i18n.global.t(key, named) : i18n.global.t(key))

const item = (extra: Partial<PolicyItem> = {}): PolicyItem => ({
  key: 'meetings.frequency.committee',
  label: '支部委员会最少次数',
  rule: 'MTG-02',
  group: '会议频次',
  kind: 'frequency',
  value: { count: 1, period: 'month' },
  default: { count: 1, period: 'month' },
  source: 'default',
  source_organization_id: null,
  source_organization_name: null,
  effective_from: null,
  ...extra,
})

const days = (extra: Partial<PolicyItem> = {}) =>
  item({ key: 'meetings.notice_days.committee', label: '支部委员会提前通知天数', rule: 'MTG-03', group: '会议通知', kind: 'days', value: 1, default: 1, ...extra })
const ladder = (extra: Partial<PolicyItem> = {}) =>
  item({ key: 'discipline.absence_months', label: '无故缺席组织生活处置月数', rule: 'DISC-01', group: '组织纪律', kind: 'months_ladder', value: [2, 4, 6], default: [2, 4, 6], ...extra })

describe('policy value formatting (zh-CN)', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })

  it('renders frequencies per period, and count 0 as not required', () => {
    expect(formatPolicyValue('frequency', { count: 1, period: 'quarter' }, t)).toBe('每季度至少 1 次')
    expect(formatPolicyValue('frequency', { count: 2, period: 'month' }, t)).toBe('每月至少 2 次')
    expect(formatPolicyValue('frequency', { count: 1, period: 'two_months' }, t)).toBe('每两个月至少 1 次')
    expect(formatPolicyValue('frequency', { count: 3, period: 'half_year' }, t)).toBe('每半年至少 3 次')
    expect(formatPolicyValue('frequency', { count: 1, period: 'year' }, t)).toBe('每年至少 1 次')
    expect(formatPolicyValue('frequency', { count: 0, period: 'month' }, t)).toBe('不作要求')
  })

  it('renders notice days and the months ladder', () => {
    expect(formatPolicyValue('days', 1, t)).toBe('提前 1 天')
    expect(formatPolicyValue('days', 0, t)).toBe('提前 0 天')
    expect(formatPolicyValue('months_ladder', [2, 4, 6], t)).toBe('2 / 4 / 6 个月')
  })

  it('does not crash on values of an unexpected shape', () => {
    expect(formatPolicyValue('frequency', null, t)).toBe('—')
    expect(formatPolicyValue('days', 'x', t)).toBe('"x"')
    expect(formatPolicyValue('frequency', { count: 1, period: 'decade' }, t)).toBe('{"count":1,"period":"decade"}')
  })

  it('names the source', () => {
    expect(formatSource(item(), t)).toBe('系统默认')
    expect(formatSource(item({ source: 'inherited', source_organization_name: '东风社区党委' }), t)).toBe('继承自 东风社区党委')
    expect(formatSource(item({ source: 'set', source_organization_name: '东风社区党委' }), t)).toBe('本组织设置')
  })
})

describe('policy value formatting (en)', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en'
  })
  afterEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })

  it('renders in English', () => {
    expect(formatPolicyValue('frequency', { count: 1, period: 'quarter' }, t)).toBe('Quarterly, at least 1')
    expect(formatPolicyValue('frequency', { count: 0, period: 'quarter' }, t)).toBe('Not required')
    expect(formatPolicyValue('months_ladder', [2, 4, 6], t)).toBe('2 / 4 / 6 months')
    expect(formatSource(item({ source: 'inherited', source_organization_name: 'X' }), t)).toBe('Inherited from X')
  })
})

describe('grouping', () => {
  it('keeps the server order of groups and items', () => {
    const items = [item(), days(), item({ key: 'b', label: 'B' }), ladder()]
    const groups = groupItems(items)
    expect(groups.map((g) => g.group)).toEqual(['会议频次', '会议通知', '组织纪律'])
    expect(groups[0].items.map((i) => i.key)).toEqual(['meetings.frequency.committee', 'b'])
  })
})

describe('edit rows and their checks', () => {
  it('round-trips every kind through the edit form without sharing objects', () => {
    const value = { count: 2, period: 'quarter' }
    const row = editRow('frequency', value)
    expect(draftOf('frequency', row)).toEqual(value)
    row.count = 5
    expect(value.count).toBe(2)
    expect(draftOf('days', editRow('days', 7))).toBe(7)
    const months = [3, 5, 9]
    const lrow = editRow('months_ladder', months)
    lrow.months[0] = 1
    expect(months).toEqual([3, 5, 9])
    expect(draftOf('months_ladder', lrow)).toEqual([1, 5, 9])
    expect(draftOf('days', { ...editRow('days', 3), restore: true })).toBeNull()
  })

  it('flags values the server would refuse', () => {
    expect(draftProblem('frequency', { count: 2, period: 'month' })).toBeNull()
    expect(draftProblem('frequency', { count: 0, period: 'year' })).toBeNull()
    expect(draftProblem('frequency', { count: 32, period: 'month' })).toBe('policy.problem.count')
    expect(draftProblem('frequency', { count: 1.5, period: 'month' })).toBe('policy.problem.count')
    expect(draftProblem('days', 60)).toBeNull()
    expect(draftProblem('days', 61)).toBe('policy.problem.days')
    expect(draftProblem('days', -1)).toBe('policy.problem.days')
    expect(draftProblem('months_ladder', [2, 4, 6])).toBeNull()
    expect(draftProblem('months_ladder', [2, 2, 6])).toBe('policy.problem.ascending')
    expect(draftProblem('months_ladder', [6, 4, 2])).toBe('policy.problem.ascending')
    expect(draftProblem('months_ladder', [0, 4, 6])).toBe('policy.problem.months')
    expect(draftProblem('months_ladder', [2, 4, 25])).toBe('policy.problem.months')
    expect(draftProblem('months_ladder', [2, 4])).toBe('policy.problem.shape')
    expect(draftProblem('days', null)).toBeNull()
  })
})

describe('only changed keys are sent', () => {
  const items = [
    item(),
    item({ key: 'meetings.frequency.theme_day', value: { count: 2, period: 'month' }, source: 'set', source_organization_name: '东风社区党委' }),
    days(),
    days({ key: 'meetings.notice_days.joint_meeting', value: 7, source: 'inherited', source_organization_name: '东风街道党工委' }),
    ladder(),
  ]
  const unchanged = () => Object.fromEntries(items.map((i) => [i.key, draftOf(i.kind, editRow(i.kind, i.value))]))

  it('sends nothing when nothing changed', () => {
    expect(changedValues(items, unchanged())).toEqual({})
    expect(changedValues(items, {})).toEqual({})
  })

  it('sends exactly the edited keys with their new values', () => {
    const drafts = unchanged()
    drafts['meetings.frequency.committee'] = { count: 2, period: 'month' }
    drafts['discipline.absence_months'] = [3, 6, 9]
    expect(changedValues(items, drafts)).toEqual({
      'meetings.frequency.committee': { count: 2, period: 'month' },
      'discipline.absence_months': [3, 6, 9],
    })
  })

  it('treats a period change alone, or a count change alone, as a change', () => {
    expect(changedValues(items, { 'meetings.frequency.committee': { count: 1, period: 'quarter' } })).toEqual({
      'meetings.frequency.committee': { count: 1, period: 'quarter' },
    })
    expect(changedValues(items, { 'meetings.notice_days.committee': 3 })).toEqual({ 'meetings.notice_days.committee': 3 })
  })

  it('ignores an edit that returns to the value in force (also for an inherited value)', () => {
    expect(changedValues(items, { 'meetings.notice_days.joint_meeting': 7, 'discipline.absence_months': [2, 4, 6] })).toEqual({})
    // key order inside a frequency does not matter
    expect(changedValues(items, { 'meetings.frequency.committee': { period: 'month', count: 1 } as never })).toEqual({})
  })

  it('sends null (恢复继承) only for a value this organisation set itself', () => {
    expect(changedValues(items, { 'meetings.frequency.theme_day': null })).toEqual({ 'meetings.frequency.theme_day': null })
    expect(changedValues(items, { 'meetings.frequency.committee': null, 'meetings.notice_days.joint_meeting': null })).toEqual({})
  })

  it('ignores keys the answer does not list, and returns plain copies', () => {
    const mine = [3, 6, 9]
    const out = changedValues(items, { unknown: 5, 'discipline.absence_months': mine })
    expect(out).toEqual({ 'discipline.absence_months': [3, 6, 9] })
    expect(out['discipline.absence_months']).not.toBe(mine)
  })

  it('compares JSON values structurally', () => {
    expect(sameValue({ a: [1, 2] }, { a: [1, 2] })).toBe(true)
    expect(sameValue([1, 2], [1, 2, 3])).toBe(false)
    expect(sameValue({ count: 1 }, { count: 1, period: 'month' })).toBe(false)
    expect(sameValue(1, '1')).toBe(false)
  })
})
