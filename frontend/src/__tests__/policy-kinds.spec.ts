import { beforeEach, describe, expect, it } from 'vitest'
import type { PolicyItem } from '@/api'
import { i18n } from '@/locales'
import { changedValues, draftOf, draftProblem, editRow, formatPolicyValue, sameDraft, yuanText, type Translate } from '@/modules/organizations/policy'

const t: Translate = (key, named) => (named ? i18n.global.t(key, named) : i18n.global.t(key))

const MODES = { monthly_basis: '按月：收入变化的当月起按新基数计算', annual_fixed: '按年：每年初核定月交纳额，年内不变' }
const DEDUCTIONS = { pension: '个人缴纳的养老保险', medical: '个人缴纳的医疗保险', housing_fund: '个人缴纳的住房公积金' }

const item = (extra: Partial<PolicyItem>): PolicyItem => ({
  key: 'dues.mode',
  label: '党费交纳额核定方式',
  rule: 'DUES-01',
  group: '党费',
  kind: 'choice',
  value: 'monthly_basis',
  default: 'monthly_basis',
  options: MODES,
  source: 'default',
  source_organization_id: null,
  source_organization_name: null,
  effective_from: null,
  ...extra,
})

describe('policy kinds months, choice, choices, money_range', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })

  it('formats the new kinds', () => {
    expect(formatPolicyValue('months', 3, t)).toBe('3 个月')
    expect(formatPolicyValue('choice', 'annual_fixed', t, MODES)).toBe(MODES.annual_fixed)
    expect(formatPolicyValue('choice', 'unknown', t, MODES)).toBe('unknown')
    expect(formatPolicyValue('choices', ['housing_fund', 'pension'], t, DEDUCTIONS)).toBe('个人缴纳的养老保险、个人缴纳的住房公积金')
    expect(formatPolicyValue('choices', [], t, DEDUCTIONS)).toBe('不另行扣除')
    expect(formatPolicyValue('money_range', ['0.20', '1.00'], t)).toBe('0.20 至 1.00 元')
    expect(formatPolicyValue('months', 'x', t)).toBe('"x"')
  })

  it('formats in English too', () => {
    i18n.global.locale.value = 'en'
    expect(formatPolicyValue('months', 6, t)).toBe('6 months')
    expect(formatPolicyValue('money_range', ['0.50', '2.00'], t)).toBe('0.50 to 2.00 yuan')
  })

  it('round-trips values through the edit row', () => {
    expect(draftOf('months', editRow('months', 6))).toBe(6)
    expect(draftOf('choice', editRow('choice', 'annual_fixed', MODES), MODES)).toBe('annual_fixed')
    expect(draftOf('choices', editRow('choices', ['housing_fund', 'pension'], DEDUCTIONS), DEDUCTIONS)).toEqual(['pension', 'housing_fund'])
    expect(draftOf('money_range', editRow('money_range', ['0.20', '1.00']))).toEqual(['0.20', '1.00'])
    const row = editRow('money_range', ['0.20', '1.00'])
    row.low = '０.5'
    row.high = '2'
    expect(draftOf('money_range', row)).toEqual(['0.50', '2.00'])
  })

  it('normalises typed yuan, leaving anything else as typed', () => {
    expect(yuanText('0.2')).toBe('0.20')
    expect(yuanText(' 1 ')).toBe('1.00')
    expect(yuanText('1234567')).toBe('1234567')
    expect(yuanText('abc')).toBe('abc')
  })

  it('checks the new kinds like the server', () => {
    expect(draftProblem('months', 1)).toBeNull()
    expect(draftProblem('months', 24)).toBeNull()
    expect(draftProblem('months', 0)).toBe('policy.problem.months')
    expect(draftProblem('months', 25)).toBe('policy.problem.months')
    expect(draftProblem('choice', 'annual_fixed', MODES)).toBeNull()
    expect(draftProblem('choice', '', MODES)).toBe('policy.problem.choice')
    expect(draftProblem('choice', 'toString', MODES)).toBe('policy.problem.choice')
    expect(draftProblem('choices', [], DEDUCTIONS)).toBeNull()
    expect(draftProblem('choices', ['pension'], DEDUCTIONS)).toBeNull()
    expect(draftProblem('choices', ['pension', 'pension'], DEDUCTIONS)).toBe('policy.problem.choices')
    expect(draftProblem('choices', ['car'], DEDUCTIONS)).toBe('policy.problem.choices')
    expect(draftProblem('money_range', ['0.20', '1.00'])).toBeNull()
    expect(draftProblem('money_range', ['0.50', '0.50'])).toBeNull()
    expect(draftProblem('money_range', ['1.00', '0.20'])).toBe('policy.problem.moneyOrder')
    expect(draftProblem('money_range', ['', '1.00'])).toBe('policy.problem.money')
    expect(draftProblem('money_range', ['0.205', '1.00'])).toBe('policy.problem.money')
    expect(draftProblem('money_range', ['1234567', '1.00'])).toBe('policy.problem.money')
    expect(draftProblem('choice', null)).toBeNull()
  })

  it('sends only real changes: choices as a set, money ranges as amounts', () => {
    expect(sameDraft('choices', ['pension', 'medical'], ['medical', 'pension'])).toBe(true)
    expect(sameDraft('choices', ['pension'], ['medical'])).toBe(false)
    expect(sameDraft('money_range', ['1.00', '2.00'], ['1', '2.0'])).toBe(true)
    expect(sameDraft('money_range', ['1.00', '2.00'], ['1.00', '2.01'])).toBe(false)
    const items = [
      item({}),
      item({ key: 'dues.deductions', kind: 'choices', value: ['medical', 'pension'], default: [], options: DEDUCTIONS }),
      item({ key: 'dues.farmer_range', kind: 'money_range', value: ['0.20', '1.00'], default: ['0.20', '1.00'], options: null }),
      item({ key: 'dues.reminder_months', kind: 'months', value: 3, default: 3, options: null }),
    ]
    expect(
      changedValues(items, {
        'dues.mode': 'annual_fixed',
        'dues.deductions': ['pension', 'medical'],
        'dues.farmer_range': ['0.20', '1.00'],
        'dues.reminder_months': 4,
      }),
    ).toEqual({ 'dues.mode': 'annual_fixed', 'dues.reminder_months': 4 })
    expect(changedValues(items, { 'dues.farmer_range': ['0.50', '1.00'], 'dues.deductions': [] })).toEqual({
      'dues.farmer_range': ['0.50', '1.00'],
      'dues.deductions': [],
    })
  })
})
