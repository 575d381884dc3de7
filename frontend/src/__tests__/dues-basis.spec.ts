import { describe, expect, it } from 'vitest'
import { basisCell, basisCreateBody, monthLabel, monthOf, parseMonth } from '@/modules/dues/basis'
import { basisNote, deductionNote, deductionsExceed, readDeductions, takesDeductions } from '@/modules/dues/deductions'

describe('dues basis months', () => {
  it('formats the month of a date as YYYY-MM', () => {
    expect(monthOf(new Date(2026, 10, 24))).toBe('2026-11')
    expect(monthOf(new Date(2027, 0, 1))).toBe('2027-01')
  })

  it('parses months and dates, refuses anything else', () => {
    expect(parseMonth('2026-11')).toEqual({ year: 2026, month: 11 })
    expect(parseMonth('2026-03-01')).toEqual({ year: 2026, month: 3 })
    expect(parseMonth('2026-13')).toBeNull()
    expect(parseMonth('2026-00')).toBeNull()
    expect(parseMonth('')).toBeNull()
    expect(parseMonth(null)).toBeNull()
  })

  it('labels a month in Chinese without a leading zero', () => {
    expect(monthLabel('2026-11-01')).toBe('2026年11月')
    expect(monthLabel('2026-03')).toBe('2026年3月')
    expect(monthLabel('2026-03-01', 'en')).toBe('2026-03')
    expect(monthLabel('soon')).toBe('soon')
  })
})

describe('basisCreateBody', () => {
  it('sends the basis for rate categories, the amount for farmers, nothing for fixed ones', () => {
    expect(basisCreateBody('salaried', '3000.01', '2026-11', '')).toEqual({ category: 'salaried', basis: '3000.01', effective_month: '2026-11' })
    expect(basisCreateBody('farmer', '0.5', '2026-11', ' 省定标准 ')).toEqual({
      category: 'farmer',
      fixed_amount: '0.5',
      effective_month: '2026-11',
      note: '省定标准',
    })
    expect(basisCreateBody('student', null, '2026-11', '')).toEqual({ category: 'student', effective_month: '2026-11' })
  })

  it('is null while the amount or the month is missing', () => {
    expect(basisCreateBody('retired', null, '2026-11', '')).toBeNull()
    expect(basisCreateBody('farmer', null, '2026-11', '')).toBeNull()
    expect(basisCreateBody('salaried', '3000', null, '')).toBeNull()
    expect(basisCreateBody('salaried', '3000', '2026-1', '')).toBeNull()
  })
})

describe('basisCell', () => {
  it('shows the basis, hides withheld income, shows a farmer amount', () => {
    expect(basisCell({ category: 'salaried', basis: '3000.01', fixed_amount: null }, true)).toEqual({ value: '3000.01' })
    expect(basisCell({ category: 'salaried', basis: null, fixed_amount: null }, false)).toBe('hidden')
    expect(basisCell({ category: 'salaried', basis: null, fixed_amount: null }, true)).toBe('none')
    expect(basisCell({ category: 'farmer', basis: null, fixed_amount: '0.50' }, false)).toEqual({ value: '0.50' })
    expect(basisCell({ category: 'student', basis: null, fixed_amount: null }, false)).toBe('none')
  })
})

describe('dues01 deductions on the basis form', () => {
  it('reads the typed amounts of the counted items, keeping out empty and zero ones', () => {
    const texts = { pension: ' 200 ', housing_fund: '３００．５', medical: '99', annuity: '0' }
    expect(readDeductions(texts, ['pension', 'housing_fund', 'annuity', 'unemployment'])).toEqual({
      amounts: { pension: '200', housing_fund: '300.5' },
      problems: {},
    })
  })

  it('names the problem of a bad amount and sends nothing while one is bad', () => {
    const read = readDeductions({ pension: '2OO', housing_fund: '1.234', medical: '-5' }, ['pension', 'housing_fund', 'medical'])
    expect(read.amounts).toBeNull()
    expect(read.problems).toEqual({ pension: 'invalid', housing_fund: 'tooManyDecimals', medical: 'negative' })
  })

  it('checks the sum of the deductions against the basis in fen', () => {
    expect(deductionsExceed('5200', { pension: '200', housing_fund: '5000' })).toBe(false)
    expect(deductionsExceed('5200', { pension: '200', housing_fund: '5000.01' })).toBe(true)
    expect(deductionsExceed(null, { pension: '200' })).toBe(false)
  })

  it('only the wage-type categories take deductions', () => {
    expect(takesDeductions('salaried')).toBe(true)
    expect(takesDeductions('annual_salary')).toBe(true)
    for (const c of ['self_employed', 'retired', 'farmer', 'student'] as const) expect(takesDeductions(c), c).toBe(false)
  })

  it('the note records the deducted items and amounts, after what was typed', () => {
    const text = deductionNote([
      { label: '个人缴纳的养老保险', amount: '200' },
      { label: '个人缴纳的住房公积金', amount: '300.5' },
    ])
    expect(text).toBe('扣除：养老保险 200.00、住房公积金 300.50')
    expect(deductionNote([{ label: '职业（企业）年金', amount: '12.3' }])).toBe('扣除：职业（企业）年金 12.30')
    expect(deductionNote([])).toBe('')
    expect(basisNote(' 工资调整 ', text)).toBe('工资调整；扣除：养老保险 200.00、住房公积金 300.50')
    expect(basisNote('', text)).toBe(text)
    expect(basisNote(' 工资调整 ', '')).toBe('工资调整')
  })

  it('the basis recorded with deductions is the calculation basis, with the note', () => {
    const note = basisNote('', deductionNote([{ label: '个人缴纳的养老保险', amount: '200' }]))
    expect(basisCreateBody('salaried', '5000.00', '2026-11', note)).toEqual({
      category: 'salaried',
      basis: '5000.00',
      effective_month: '2026-11',
      note: '扣除：养老保险 200.00',
    })
  })
})
