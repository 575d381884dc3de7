import { describe, expect, it } from 'vitest'
import type { MonthCell } from '@/api'
import { monthNumber } from '@/modules/dues/ledger'
import { cellFigure, currentCell, monthLook, newestFirst, paymentMonthsText } from '@/modules/my-dues/months'

const cell = (month: string, state: MonthCell['state'], due: string | null, paid = '0.00', balance = '0.00'): MonthCell => ({ month, due, paid, balance, state, state_label: state })

describe('我的党费 year grid', () => {
  it('colours each state, the unknown ones grey', () => {
    expect(monthLook('paid')).toBe('paid')
    expect(monthLook('partial')).toBe('partial')
    expect(monthLook('unpaid')).toBe('unpaid')
    expect(monthLook('exempt')).toBe('exempt')
    expect(monthLook('upcoming')).toBe('upcoming')
    expect(monthLook('no_basis')).toBe('none')
    expect(monthLook('not_member')).toBe('none')
  })

  it('says what was paid, what is owed, or what will be due', () => {
    expect(cellFigure(cell('2026-01', 'paid', '40.00', '40.00'))).toEqual({ key: 'paid', amount: '40.00' })
    expect(cellFigure(cell('2026-02', 'partial', '40.00', '10.00', '30.00'))).toEqual({ key: 'owed', amount: '30.00' })
    expect(cellFigure(cell('2026-03', 'unpaid', '40.00', '0.00', '40.00'))).toEqual({ key: 'owed', amount: '40.00' })
    expect(cellFigure(cell('2026-12', 'upcoming', '40.00'))).toEqual({ key: 'due', amount: '40.00' })
    expect(cellFigure(cell('2026-04', 'no_basis', null))).toBeNull()
    expect(cellFigure(cell('2026-05', 'exempt', '0.00'))).toBeNull()
  })

  it('finds this month and numbers months', () => {
    const months = [cell('2026-10', 'paid', '40.00'), cell('2026-11', 'unpaid', '40.00')]
    expect(currentCell(months, '2026-11')?.state).toBe('unpaid')
    expect(currentCell(months, '2027-01')).toBeNull()
    expect(monthNumber('2026-03')).toBe(3)
    expect(monthNumber('x')).toBe(0)
  })

  it('names the months of a payment, with the year when it is another', () => {
    const p = { months: [{ month: '2026-03', amount: '40.00' }, { month: '2026-04', amount: '40.00' }, { month: '2027-01', amount: '40.00' }] }
    expect(paymentMonthsText(p, 2026)).toBe('3月、4月、2027年1月')
    expect(paymentMonthsText(p, 2026, 'en')).toBe('3, 4, 2027-01')
  })

  it('lists payments newest first', () => {
    const list = [
      { id: 1, paid_on: '2026-03-01' },
      { id: 3, paid_on: '2026-05-02' },
      { id: 2, paid_on: '2026-05-02' },
    ]
    expect(newestFirst(list).map((p) => p.id)).toEqual([3, 2, 1])
  })
})
