import { describe, expect, it } from 'vitest'
import { createBody, emptyForm } from '@/modules/members/form'
import { filenameFromDisposition } from '@/shared/download'
import { exportQuery, importFileProblem, MAX_IMPORT_BYTES } from '@/modules/members/files'
import { changeLines, CORRECTABLE_FIELDS, correctionChanges, NOT_CORRECTABLE } from '@/modules/members/corrections'
import { emptyFilters } from '@/modules/members/roster'
import { enumLabel } from '@/locales/enums'
import { errorMessage, errorTexts } from '@/locales/errors'
import { ApiError } from '@/api/errors'

describe('登记建卡 body', () => {
  it('is null while a required field is missing', () => {
    expect(createBody(emptyForm(4))).toBeNull()
    expect(createBody({ ...emptyForm(null), name: '张三', id_number: '320102194905099254', joined_on: '2000-07-01' })).toBeNull()
  })

  it('normalises the ID number, derives birth date and gender, and leaves blank optional fields out', () => {
    const body = createBody({
      ...emptyForm(4),
      name: ' 李四 ',
      id_number: '11010519491231002x ',
      kind: 'probationary',
      joined_on: '2025-07-01',
      mobile: '13800138000',
      address: '   ',
      categories: ['retired'],
    })
    expect(body).toEqual({
      name: '李四',
      organization_id: 4,
      id_number: '11010519491231002X',
      kind: 'probationary',
      joined_on: '2025-07-01',
      birth_date: '1949-12-31',
      gender: 'female',
      mobile: '13800138000',
      categories: ['retired'],
    })
  })
})

describe('roster downloads', () => {
  it('reads the file name of a Content-Disposition header, RFC 6266 encoded name first', () => {
    const h = "attachment; filename=roster.xlsx; filename*=UTF-8''%E5%85%9A%E5%91%98%E8%8A%B1%E5%90%8D%E5%86%8C.xlsx"
    expect(filenameFromDisposition(h, 'x.xlsx')).toBe('党员花名册.xlsx')
    expect(filenameFromDisposition('attachment; filename="a b.json"', 'x')).toBe('a b.json')
    expect(filenameFromDisposition("attachment; filename*=UTF-8''%E0%A4%A; filename=ok.xlsx", 'x')).toBe('ok.xlsx')
    expect(filenameFromDisposition(null, 'fallback.xlsx')).toBe('fallback.xlsx')
  })

  it('exports with the filters the export understands', () => {
    const f = { ...emptyFilters(), org_id: 7, kind: 'formal' as const, q: '  张 ', age_min: 30, joined: ['2000-01-01', '2001-01-01'] as [string, string] }
    expect(exportQuery(f, 'birthdays', false)).toEqual({ full: false, org_id: 7, kind: 'formal', q: '张', list: 'birthdays' })
    expect(exportQuery(emptyFilters(), null, true)).toEqual({ full: true })
  })

  it('accepts only non-empty .xlsx files within the size limit', () => {
    expect(importFileProblem({ name: '花名册.xlsx', size: 100 })).toBeNull()
    expect(importFileProblem({ name: 'roster', size: 100, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })).toBeNull()
    expect(importFileProblem({ name: '花名册.xls', size: 100 })).toBe('type')
    expect(importFileProblem({ name: 'a.csv', size: 100, type: 'text/csv' })).toBe('type')
    expect(importFileProblem({ name: 'a.XLSX', size: 0 })).toBe('empty')
    expect(importFileProblem({ name: 'a.xlsx', size: MAX_IMPORT_BYTES + 1 })).toBe('size')
  })
})

describe('更正申请', () => {
  it('offers no field the backend refuses', () => {
    const keys = CORRECTABLE_FIELDS.map((f) => f.key as string)
    for (const k of NOT_CORRECTABLE) expect(keys).not.toContain(k)
  })

  it('sends only the chosen fields, trimmed, an emptied one as null', () => {
    expect(correctionChanges(['mobile', 'address', 'organization_id'], { mobile: ' 13900139000 ', address: '', name: '不选' })).toEqual({
      mobile: '13900139000',
      address: null,
    })
  })

  it('sends a new ID number normalised with the birth date and gender it encodes', () => {
    expect(correctionChanges(['id_number'], { id_number: '11010519491231002x' })).toEqual({
      id_number: '11010519491231002X',
      birth_date: '1949-12-31',
      gender: 'female',
    })
  })

  it('lists changes in the form order with the label group of each value', () => {
    const lines = changeLines({ mobile: '139', gender: 'male', name: '王五', education: null, odd: 1 })
    expect(lines.map((l) => l.key)).toEqual(['name', 'education', 'mobile', 'gender', 'odd'])
    expect(lines[0]).toEqual({ key: 'name', label: 'member.name', value: '王五', group: undefined })
    expect(lines.find((l) => l.key === 'gender')?.group).toBe('gender')
    expect(lines.find((l) => l.key === 'education')).toMatchObject({ value: null, group: 'education' })
    expect(lines.at(-1)).toEqual({ key: 'odd', label: 'odd', value: '1', group: undefined })
  })
})

describe('labels and errors of the new roster features', () => {
  it('labels correction statuses', () => {
    expect(enumLabel('correctionStatus', 'pending')).toBe('待审核')
    expect(enumLabel('correctionStatus', 'refused', 'en')).toBe('Refused')
  })

  it('knows the new error codes', () => {
    for (const code of ['id_number_taken', 'correction_not_allowed', 'correction_decided', 'correction_empty', 'import_unreadable', 'import_too_large']) {
      expect(errorTexts[code]).toBeDefined()
    }
    expect(errorMessage(new ApiError(409, { code: 'correction_decided', detail: '该申请已处理' }))).toBe('该申请已由他人处理，请刷新列表')
    const unreadable = new ApiError(422, { code: 'import_unreadable', detail: '表头缺少必填列：姓名（请使用导入模板）' })
    expect(errorMessage(unreadable)).toBe('表头缺少必填列：姓名（请使用导入模板）')
    expect(errorMessage(unreadable, 'en')).toMatch(/cannot be read/)
  })
})
