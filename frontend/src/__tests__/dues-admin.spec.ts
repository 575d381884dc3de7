import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ArrearsRow, CollectionRow, YearlyCollectionMonth } from '@/api'
import { enumLabel, enumLabels } from '@/locales/enums'
import { errorTexts } from '@/locales/errors'
import { arrearsByOrganisation, arrearsOrder, lapseCases, remindIds, remindSummary } from '@/modules/dues-admin/arrears'
import { basisPolicyHints } from '@/modules/dues/basis-policy'
import { emptyExemptionForm, exemptionBody, exemptionProblems, periodText, statusTag } from '@/modules/dues-admin/exemptions'
import { activeRows, collectionRate, monthSpan, monthText, monthlySeries, reportYears, shiftMonth, yearlySeries } from '@/modules/dues-admin/reports'
import { queryId } from '@/modules/dues-admin/scope'

// parseFen, toFen, fenToYuan and canonicalYuan live in dues/money (tested in dues.spec.ts).
describe('dues collection rate (in fen, no floats)', () => {
  it('gives the collection rate with one decimal, rounded half up', () => {
    expect(collectionRate('35.00', '40.00')).toBe('87.5%')
    expect(collectionRate('40.00', '40.00')).toBe('100.0%')
    expect(collectionRate('1.00', '3.00')).toBe('33.3%')
    expect(collectionRate('2.00', '3.00')).toBe('66.7%')
    expect(collectionRate('0.00', '40.00')).toBe('0.0%')
    expect(collectionRate('5.00', '0.00')).toBe('—')
  })
})

describe('dues report helpers', () => {
  it('handles months', () => {
    expect(monthText(new Date(2026, 10, 24))).toBe('2026-11')
    expect(shiftMonth('2026-01', -1)).toBe('2025-12')
    expect(shiftMonth('2026-11', 2)).toBe('2027-01')
    expect(monthSpan('2026-12', '2027-03')).toBe(4)
    expect(monthSpan('2026-05', '2026-05')).toBe(1)
    expect(monthSpan('2026-05', '2026-04')).toBe(0)
    expect(monthSpan(null, '2026-04')).toBe(0)
    expect(reportYears(2026, 2)).toEqual([2026, 2025, 2024])
  })

  const row = (name: string, due: string, collected: string, members = 1, voluntary = '0.00'): CollectionRow => ({
    organization_id: 1,
    organization_name: name,
    members,
    members_paid: 0,
    amount_due: due,
    collected,
    arrears: '0.00',
    voluntary,
  })

  it('charts due against collected in fen', () => {
    const series = monthlySeries([row('第一党支部', '40.00', '12.50'), row('第二党支部', '0.20', '0.00')])
    expect(series).toEqual({ labels: ['第一党支部', '第二党支部'], due: [4000, 20], collected: [1250, 0] })
    const months: YearlyCollectionMonth[] = [
      { month: '2026-01', members: 1, members_paid: 1, amount_due: '40.00', collected: '40.00', arrears: '0.00', voluntary: '0.00' },
      { month: '2026-02', members: 1, members_paid: 0, amount_due: '40.00', collected: '0.00', arrears: '40.00', voluntary: '0.00' },
    ]
    expect(yearlySeries(months, (m) => `${m}月`)).toEqual({ labels: ['1月', '2月'], due: [4000, 4000], collected: [4000, 0] })
  })

  it('hides organisations without figures', () => {
    const rows = [row('空', '0.00', '0.00', 0), row('有人', '0.00', '0.00', 2), row('多交', '0.00', '0.00', 0, '100.00')]
    expect(activeRows(rows).map((r) => r.organization_name)).toEqual(['有人', '多交'])
  })
})

describe('arrears', () => {
  const row = (id: number, name: string, org: string, owed: string, lapse = false, orgId = 1): ArrearsRow => ({
    member_id: id,
    name,
    organization_id: orgId,
    organization_name: org,
    owed_months: 3,
    owed_amount: owed,
    first_owed: '2026-08',
    months: ['2026-08', '2026-09', '2026-10'],
    consecutive_months: lapse ? 6 : 3,
    lapse_case: lapse,
    has_account: true,
    last_reminded_at: null,
  })

  it('lists by name (pinyin), never by the amount owed', () => {
    const rows = [row(1, '王五', '第二党支部', '900.00'), row(2, '李四', '第一党支部', '1.00'), row(3, '张三', '第一党支部', '500.00', true)]
    expect(arrearsOrder(rows).map((r) => r.member_id)).toEqual([2, 1, 3])
    expect(lapseCases(rows).map((r) => r.name)).toEqual(['张三'])
    expect(remindIds([rows[0], rows[0], rows[1]])).toEqual([1, 2])
  })

  it('groups the printed reminder list by organisation, members by name, totals in fen (DUES-08)', () => {
    const rows = [
      row(1, '王五', '第二党支部', '900.10', false, 2),
      row(2, '李四', '第一党支部', '0.10', false, 1),
      row(3, '张三', '第一党支部', '0.20', true, 1),
      row(4, '赵六', '第二党支部', '0.20', false, 2),
    ]
    const groups = arrearsByOrganisation(rows)
    expect(groups.map((g) => g.organizationName)).toEqual(['第二党支部', '第一党支部'])
    expect(groups[0].rows.map((r) => r.name)).toEqual(['王五', '赵六'])
    expect(groups[1].rows.map((r) => r.name)).toEqual(['李四', '张三'])
    expect(groups.map((g) => g.totalFen)).toEqual([90030, 30])
    expect(arrearsByOrganisation([])).toEqual([])
  })

  it('summarises a reminder run', () => {
    expect(remindSummary({ sent: 2, without_account: ['赵六'], not_owing: ['钱七'] })).toEqual({ sent: 2, inPerson: ['赵六'], skipped: ['钱七'] })
  })
})

describe('exemption application form', () => {
  it('lists what is missing, in field order', () => {
    const form = emptyExemptionForm(null, '2026-12')
    expect(exemptionProblems(form)).toEqual(['member', 'amount', 'reason'])
    expect(exemptionBody(form)).toBeNull()
  })

  it('builds a reduction with the amount normalised', () => {
    const form = { ...emptyExemptionForm(7, '2026-12'), lastMonth: '2027-03', amount: '５.5', reason: ' 生活困难 ' }
    expect(exemptionProblems(form)).toEqual([])
    expect(exemptionBody(form)).toEqual({ member_id: 7, kind: 'reduce', monthly_amount: '5.5', first_month: '2026-12', last_month: '2027-03', reason: '生活困难' })
  })

  it('sends no amount for an exemption', () => {
    const form = { ...emptyExemptionForm(7, '2026-12'), kind: 'exempt' as const, amount: '3', reason: '重病住院' }
    expect(exemptionBody(form)).toEqual({ member_id: 7, kind: 'exempt', first_month: '2026-12', last_month: '2026-12', reason: '重病住院' })
  })

  it('refuses reversed, too long and zero-amount periods', () => {
    const base = { ...emptyExemptionForm(7, '2026-12'), amount: '1', reason: '困难' }
    expect(exemptionProblems({ ...base, lastMonth: '2026-11' })).toEqual(['order'])
    expect(exemptionProblems({ ...base, lastMonth: '2028-11' })).toEqual([])
    expect(exemptionProblems({ ...base, lastMonth: '2028-12' })).toEqual(['tooLong'])
    expect(exemptionProblems({ ...base, amount: '0' })).toEqual(['amount'])
    expect(exemptionProblems({ ...base, amount: '1.234' })).toEqual(['amount'])
    expect(exemptionProblems({ ...base, lastMonth: null })).toEqual(['months'])
  })

  it('tags statuses and writes periods', () => {
    expect(statusTag('proposed')).toBe('warning')
    expect(statusTag('branch_approved')).toBe('primary')
    expect(statusTag('approved')).toBe('success')
    expect(statusTag('rejected')).toBe('info')
    expect(periodText('2026-12', '2027-03', '至')).toBe('2026-12 至 2027-03')
    expect(periodText('2026-12', '2026-12', '至')).toBe('2026-12')
  })

  it('labels exemption kinds and statuses, covering the API contract', () => {
    expect(enumLabel('duesExemptionKind', 'reduce')).toBe('少交')
    expect(enumLabel('duesExemptionStatus', 'branch_approved')).toBe('待上级党委批准')
    expect(enumLabel('duesExemptionStatus', 'rejected', 'en')).toBe('Not agreed')
    const spec = JSON.parse(readFileSync(resolve(process.cwd(), '../openapi/openapi.json'), 'utf-8')) as { components: { schemas: Record<string, { enum?: string[] }> } }
    for (const [schema, group] of [
      ['ExemptionKind', 'duesExemptionKind'],
      ['ExemptionStatus', 'duesExemptionStatus'],
    ] as const) {
      const values = spec.components.schemas[schema]?.enum
      expect(values, schema).toBeDefined()
      expect(Object.keys(enumLabels[group]).sort()).toEqual([...values!].sort())
    }
  })

  it('has texts for the dues workflow error codes', () => {
    for (const code of ['dues_exemption', 'dues_exemption_overlap', 'dues_exemption_state', 'dues_assessment']) {
      expect(errorTexts[code], code).toBeDefined()
      expect(errorTexts[code].preferDetail, code).toBe(true)
    }
  })
})

describe('basis form hints from the dues policy', () => {
  const policy = {
    mode_label: '按月：收入变化的当月起按新基数计算',
    deductions: ['个人缴纳的养老保险', '个人缴纳的住房公积金'],
    deduction_keys: ['pension', 'housing_fund'],
  }

  it('shows the deductions for wage-type categories only, and the range for farmers', () => {
    expect(basisPolicyHints(policy, 'salaried')).toEqual({
      modeLabel: policy.mode_label,
      afterTax: true,
      deductions: policy.deductions,
      items: [
        { key: 'pension', label: '个人缴纳的养老保险' },
        { key: 'housing_fund', label: '个人缴纳的住房公积金' },
      ],
      farmer: false,
    })
    expect(basisPolicyHints(policy, 'annual_salary').afterTax).toBe(true)
    expect(basisPolicyHints(policy, 'retired').afterTax).toBe(false)
    expect(basisPolicyHints(policy, 'farmer')).toMatchObject({ afterTax: false, farmer: true })
  })
})

describe('organisation in the address', () => {
  it('reads a positive id only', () => {
    expect(queryId('12')).toBe(12)
    expect(queryId(['3'])).toBe(3)
    expect(queryId('0')).toBeNull()
    expect(queryId('x')).toBeNull()
    expect(queryId(undefined)).toBeNull()
  })
})
