import { describe, expect, it } from 'vitest'
import { basisCell, basisCreateBody, monthLabel, monthOf, parseMonth } from '@/modules/dues/basis'

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
