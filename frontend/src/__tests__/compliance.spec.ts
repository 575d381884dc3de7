import { describe, expect, it } from 'vitest'
import type { MeetingComplianceRow, MeetingType } from '@/api'
import { changeKind, formatPeriod, isFuture, parsePeriod, periodBounds, periodOf, shiftPeriod, windowInstants } from '@/modules/compliance/period'
import { buildMatrix, cellLook, colourClass, colourTag, COLOURS } from '@/modules/compliance/matrix'
import { byName } from '@/shared/people'
import zhCN from '@/locales/zh-CN'
import en from '@/locales/en'

describe('report periods', () => {
  it('formats in the backend notation', () => {
    expect(formatPeriod({ kind: 'month', year: 2026, n: 3 })).toBe('2026-03')
    expect(formatPeriod({ kind: 'month', year: 2026, n: 11 })).toBe('2026-11')
    expect(formatPeriod({ kind: 'quarter', year: 2026, n: 4 })).toBe('2026-Q4')
    expect(formatPeriod({ kind: 'half', year: 2026, n: 2 })).toBe('2026-H2')
    expect(formatPeriod({ kind: 'year', year: 2026, n: 1 })).toBe('2026')
  })

  it('parses what the backend accepts, and nothing else', () => {
    expect(parsePeriod('2026-11')).toEqual({ kind: 'month', year: 2026, n: 11 })
    expect(parsePeriod('2026-3')).toEqual({ kind: 'month', year: 2026, n: 3 })
    expect(parsePeriod('2026-Q4')).toEqual({ kind: 'quarter', year: 2026, n: 4 })
    expect(parsePeriod('2026-q1')).toEqual({ kind: 'quarter', year: 2026, n: 1 })
    expect(parsePeriod('2026-H2')).toEqual({ kind: 'half', year: 2026, n: 2 })
    expect(parsePeriod(' 2026 ')).toEqual({ kind: 'year', year: 2026, n: 1 })
    for (const bad of ['2026-13', '2026-0', '2026-Q5', '2026-H3', '1999', '2101-01', '26-11', '2026-11-01', '', null, undefined, 'abc']) {
      expect(parsePeriod(bad)).toBeNull()
    }
    for (const p of ['2026-01', '2026-Q2', '2026-H1', '2030']) expect(formatPeriod(parsePeriod(p)!)).toBe(p)
  })

  it('finds the period of a day', () => {
    const day = new Date(2026, 10, 24)
    expect(periodOf('month', day)).toEqual({ kind: 'month', year: 2026, n: 11 })
    expect(periodOf('quarter', day)).toEqual({ kind: 'quarter', year: 2026, n: 4 })
    expect(periodOf('half', day)).toEqual({ kind: 'half', year: 2026, n: 2 })
    expect(periodOf('year', day)).toEqual({ kind: 'year', year: 2026, n: 1 })
    expect(periodOf('quarter', new Date(2026, 2, 31))).toEqual({ kind: 'quarter', year: 2026, n: 1 })
  })

  it('knows first and last days, leap years included', () => {
    expect(periodBounds({ kind: 'month', year: 2028, n: 2 })).toEqual({ from: '2028-02-01', to: '2028-02-29' })
    expect(periodBounds({ kind: 'month', year: 2026, n: 2 })).toEqual({ from: '2026-02-01', to: '2026-02-28' })
    expect(periodBounds({ kind: 'quarter', year: 2026, n: 4 })).toEqual({ from: '2026-10-01', to: '2026-12-31' })
    expect(periodBounds({ kind: 'half', year: 2026, n: 1 })).toEqual({ from: '2026-01-01', to: '2026-06-30' })
    expect(periodBounds({ kind: 'year', year: 2026, n: 1 })).toEqual({ from: '2026-01-01', to: '2026-12-31' })
  })

  it('steps across year ends', () => {
    expect(shiftPeriod({ kind: 'month', year: 2026, n: 1 }, -1)).toEqual({ kind: 'month', year: 2025, n: 12 })
    expect(shiftPeriod({ kind: 'month', year: 2026, n: 12 }, 1)).toEqual({ kind: 'month', year: 2027, n: 1 })
    expect(shiftPeriod({ kind: 'quarter', year: 2026, n: 4 }, 2)).toEqual({ kind: 'quarter', year: 2027, n: 2 })
    expect(shiftPeriod({ kind: 'half', year: 2026, n: 1 }, -1)).toEqual({ kind: 'half', year: 2025, n: 2 })
    expect(shiftPeriod({ kind: 'year', year: 2026, n: 1 }, -3)).toEqual({ kind: 'year', year: 2023, n: 1 })
  })

  it('changes kind keeping the part that holds the first month', () => {
    expect(changeKind({ kind: 'month', year: 2026, n: 11 }, 'quarter')).toEqual({ kind: 'quarter', year: 2026, n: 4 })
    expect(changeKind({ kind: 'month', year: 2026, n: 11 }, 'half')).toEqual({ kind: 'half', year: 2026, n: 2 })
    expect(changeKind({ kind: 'quarter', year: 2026, n: 3 }, 'month')).toEqual({ kind: 'month', year: 2026, n: 7 })
    expect(changeKind({ kind: 'half', year: 2026, n: 2 }, 'year')).toEqual({ kind: 'year', year: 2026, n: 1 })
  })

  it('tells a future period', () => {
    const day = new Date(2026, 10, 24)
    expect(isFuture({ kind: 'month', year: 2026, n: 12 }, day)).toBe(true)
    expect(isFuture({ kind: 'month', year: 2026, n: 11 }, day)).toBe(false)
  })

  it('spans a counting window in China time for the meeting list', () => {
    expect(windowInstants('2026-11-01', '2026-11-30')).toEqual({ from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' })
    expect(windowInstants('2026-10-01', '2026-12-31')).toEqual({ from: '2026-10-01T00:00:00+08:00', to: '2027-01-01T00:00:00+08:00' })
    expect(windowInstants('2028-02-01', '2028-02-28')).toEqual({ from: '2028-02-01T00:00:00+08:00', to: '2028-02-29T00:00:00+08:00' })
  })
})

const row = (orgId: number, name: string, path: string, type: MeetingType, colour: 'green' | 'amber' | 'red', held = 0, required = 1): MeetingComplianceRow => ({
  organization_id: orgId,
  organization_name: name,
  organization_path: path,
  type,
  type_label: '',
  count: 1,
  per: 'month',
  per_label: '每月',
  required,
  held,
  short_notice: 0,
  counted_from: '2026-11-01',
  counted_to: '2026-11-30',
  colour,
})

describe('the 三会一课 table', () => {
  it('lays rows out as organisation × type, keeping the tree order', () => {
    const m = buildMatrix([
      row(2, '东风社区党委', '/1/2/', 'theme_day', 'amber'),
      row(2, '东风社区党委', '/1/2/', 'committee', 'amber'),
      row(3, '第一党总支', '/1/2/3/', 'committee', 'green', 1),
      row(4, '第一党支部', '/1/2/3/4/', 'branch_assembly', 'red'),
      row(5, '第一党小组', '/1/2/3/4/5/', 'group_meeting', 'red'),
    ])
    expect(m.types).toEqual(['branch_assembly', 'committee', 'group_meeting', 'theme_day'])
    expect(m.rows.map((r) => [r.name, r.depth])).toEqual([
      ['东风社区党委', 0],
      ['第一党总支', 1],
      ['第一党支部', 2],
      ['第一党小组', 3],
    ])
    expect(m.rows[0].cells.committee?.colour).toBe('amber')
    expect(m.rows[0].cells.branch_assembly).toBeUndefined()
    expect(buildMatrix([])).toEqual({ types: [], rows: [] })
  })

  it('maps colours to tags and cell classes', () => {
    expect(colourTag('green')).toBe('success')
    expect(colourTag('amber')).toBe('warning')
    expect(colourTag('red')).toBe('danger')
    expect(colourClass('green')).toBe('green')
    expect(colourClass('amber')).toBe('amber')
    expect(colourClass('red')).toBe('red')
    expect(colourClass('purple')).toBe('red')
    expect(COLOURS).toEqual(['green', 'amber', 'red'])
  })

  it('shows a cell with nothing due and nothing held as neutral, not as an achievement', () => {
    expect(cellLook({ colour: 'green', required: 0, held: 0 })).toBe('none')
    expect(cellLook({ colour: 'green', required: 0, held: 1 })).toBe('green')
    expect(cellLook({ colour: 'green', required: 1, held: 1 })).toBe('green')
    expect(cellLook({ colour: 'amber', required: 1, held: 0 })).toBe('amber')
    expect(cellLook({ colour: 'red', required: 3, held: 0 })).toBe('red')
  })

  it('has a legend text for every colour, and the DISC-01 notice, in both languages', () => {
    for (const c of COLOURS) {
      expect(zhCN.compliance.colour[c]).toBeTruthy()
      expect(en.compliance.colour[c]).toBeTruthy()
    }
    expect(zhCN.compliance.absencesNote).toBe('这是需要支部研究处理的情形，平台不会自动处理。')
  })
})

describe('people are listed by name, never ranked', () => {
  const p = (member_id: number, name: string, rate: number, organization_name = '第一党小组') => ({ member_id, name, organization_name, rate_percent: rate })

  it('sorts Chinese names by pinyin, whatever their rates', () => {
    const rows = [p(1, '张伟', 100), p(2, '伍婷婷', 0), p(3, '安然', 50), p(4, '李建国', 75)]
    expect(byName(rows).map((r) => r.name)).toEqual(['安然', '李建国', '伍婷婷', '张伟'])
    expect(rows[0].name).toBe('张伟') // a copy, the input is left alone
  })

  it('keeps namesakes apart by organisation, then id', () => {
    const rows = [p(9, '王小红', 0, '第二党小组'), p(3, '王小红', 100, '第一党小组'), p(2, '王小红', 100, '第一党小组')]
    expect(byName(rows).map((r) => r.member_id)).toEqual([9, 2, 3]) // 第二 (di er) before 第一 (di yi)
  })

  it('uses the English collation for English', () => {
    const rows = [p(1, 'zoe', 1), p(2, 'Adam', 1), p(3, 'bob', 1)]
    expect(byName(rows, 'en').map((r) => r.name)).toEqual(['Adam', 'bob', 'zoe'])
  })
})
