import { describe, expect, it } from 'vitest'
import type { Capability, MemberRead, MeOrganization } from '@/api'
import {
  activeFilterCount,
  anniversaryYears,
  CHOOSABLE_COLUMNS,
  DEFAULT_COLUMNS,
  emptyFilters,
  LIST_COLUMNS,
  rosterQuery,
  sortParam,
  tableSort,
  visibleColumns,
} from '@/modules/members/roster'
import { crossProblems, formFromMember, idNumberErrorKey, identityFromId, memberOrgSelectable, patchBody } from '@/modules/members/form'
import { EVENT_GROUPS, EVENT_STATUS, eventBody, leavesRoster, needsEndDate, needsRemovalKind, statusAfter } from '@/modules/members/events'
import { looksMasked, maskIdNumber, maskPhone, personalView } from '@/modules/members/mask'
import { barOption, flowsOption, labelled, pieOption, topN } from '@/modules/members/charts'
import { rosterOrgId } from '@/shared/scope'
import { enumLabel, enumLabels } from '@/locales/enums'

const member = (extra: Partial<MemberRead> = {}): MemberRead => ({
  id: 7,
  name: '李建国',
  gender: 'male',
  age: 52,
  organization_id: 6,
  organization_name: '第一党小组',
  kind: 'formal',
  status: 'normal',
  categories: ['retired'],
  joined_on: '2013-07-22',
  party_standing_years: 12,
  id_number: '320102194905099254',
  mobile: '13912345678',
  masked: false,
  political_birthday: '2026-07-22',
  conversion_due: null,
  lost_contact_since: null,
  stop_membership_due: null,
  self_lapsed_due: null,
  birth_date: '1949-05-09',
  ethnicity: '汉族',
  education: '大学本科',
  degree: null,
  converted_on: '2014-07-22',
  standing_correction_months: 0,
  work_post: null,
  work_started_on: null,
  professional_title: null,
  new_stratum: null,
  landline: '010-12345678',
  registered_residence: null,
  address: '幸福小区 3-2-101',
  grid_area: null,
  home_unit_id: null,
  has_photo: false,
  version: 3,
  updated_at: '2026-11-23T10:00:00Z',
  ...extra,
})

describe('roster table', () => {
  it('shows the name first, then the chosen columns in table order', () => {
    const keys = visibleColumns(['mobile', 'gender'], null).map((c) => c.key)
    expect(keys).toEqual(['name', 'gender', 'mobile'])
    expect(visibleColumns(DEFAULT_COLUMNS, null)[0].key).toBe('name')
  })

  it('adds the columns each work list needs, whatever was chosen', () => {
    expect(visibleColumns([], 'lost_contact').map((c) => c.key)).toEqual(['name', 'status', 'lost_contact_since', 'stop_membership_due', 'self_lapsed_due'])
    expect(visibleColumns(['gender'], 'probationary').map((c) => c.key)).toEqual(['name', 'gender', 'joined_on', 'conversion_due'])
    expect(visibleColumns([], 'birthdays').map((c) => c.key)).toContain('political_birthday')
    for (const cols of Object.values(LIST_COLUMNS)) for (const k of cols) expect(visibleColumns([], null).map((c) => c.key)).not.toContain(k === 'name' ? 'x' : k)
  })

  it('offers every default column in the chooser', () => {
    for (const k of DEFAULT_COLUMNS) expect(CHOOSABLE_COLUMNS).toContain(k)
  })

  it('turns filters into the GET /members query, leaving empty ones out', () => {
    expect(rosterQuery(emptyFilters(), null, 'name', 1, 20)).toEqual({ page: 1, size: 20, sort: 'name' })
    const q = rosterQuery(
      { ...emptyFilters(), org_id: 4, kind: 'formal', status: 'lost_contact', gender: 'female', age_min: 70, age_max: 60, joined: ['2000-01-01', '2010-12-31'], q: '  王  ', category: 'retired' },
      'elderly_or_sick',
      '-joined_on',
      3,
      50,
    )
    expect(q).toEqual({
      page: 3,
      size: 50,
      sort: '-joined_on',
      org_id: 4,
      kind: 'formal',
      category: 'retired',
      status: 'lost_contact',
      gender: 'female',
      age_min: 60,
      age_max: 70,
      joined_from: '2000-01-01',
      joined_to: '2010-12-31',
      q: '王',
      list: 'elderly_or_sick',
    })
    expect(rosterQuery({ ...emptyFilters(), age_min: 0 }, null, 'name', 1, 20).age_min).toBe(0)
    expect(rosterQuery({ ...emptyFilters(), q: 'x'.repeat(40) }, null, 'name', 1, 20).q).toHaveLength(32)
  })

  it('counts active filters', () => {
    expect(activeFilterCount(emptyFilters())).toBe(0)
    expect(activeFilterCount({ ...emptyFilters(), gender: 'male', age_min: 0, q: ' ' })).toBe(2)
    expect(activeFilterCount({ ...emptyFilters(), joined: ['2000-01-01', ''] })).toBe(1)
  })

  it('maps table sorting to the API and back (age sorts by birth date, reversed)', () => {
    expect(sortParam('joined_on', 'ascending')).toBe('joined_on')
    expect(sortParam('joined_on', 'descending')).toBe('-joined_on')
    expect(sortParam('age', 'ascending')).toBe('-birth_date')
    expect(sortParam('age', 'descending')).toBe('birth_date')
    expect(sortParam('name', 'ascending')).toBe('name')
    expect(sortParam('age', null)).toBe('name')
    for (const s of ['joined_on', '-joined_on', 'birth_date', '-birth_date'] as const) {
      const ts = tableSort(s)!
      expect(sortParam(ts.prop, ts.order)).toBe(s)
    }
    expect(tableSort('name')).toBeUndefined()
  })

  it('counts the years a political birthday celebrates', () => {
    expect(anniversaryYears('1981-01-21', '2026-01-21')).toBe(45)
    expect(anniversaryYears(null, '2026-01-21')).toBeNull()
    expect(anniversaryYears('2026-01-21', '2026-01-21')).toBeNull()
  })
})

describe('masking', () => {
  it('masks like the backend: ID first 4 + last 4, phones last 4', () => {
    expect(maskIdNumber('320102194905099254')).toBe('3201**********9254')
    expect(maskIdNumber('1234')).toBe('****')
    expect(maskPhone('13912345678')).toBe('*******5678')
    expect(maskPhone(null)).toBeNull()
    expect(looksMasked('3201**********9254')).toBe(true)
    expect(looksMasked('320102194905099254')).toBe(false)
  })

  it('shows full answers masked on roster pages until revealed, in full on the own page', () => {
    const m = member()
    const roster = personalView(m, null, true)
    expect(roster).toMatchObject({ id_number: '3201**********9254', mobile: '*******5678', address: null, masked: true, addressHidden: true })
    const own = personalView(m, null, false)
    expect(own).toMatchObject({ id_number: '320102194905099254', mobile: '13912345678', address: '幸福小区 3-2-101', masked: false })
    const revealed = personalView(m, { id_number: '320102194905099254', mobile: '13912345678', address: '某地' }, true)
    expect(revealed).toMatchObject({ id_number: '320102194905099254', address: '某地', masked: false, addressHidden: false })
  })

  it('keeps a masked server answer masked', () => {
    const m = member({ masked: true, id_number: '3201**********9254', mobile: '*******5678', address: null })
    expect(personalView(m, null, false)).toMatchObject({ id_number: '3201**********9254', masked: true, addressHidden: true })
  })
})

describe('member edit form', () => {
  it('pre-fills personal data only when known in full', () => {
    const m = member()
    const blank = formFromMember(m, null)
    expect(blank.id_number).toBe('')
    expect(blank.mobile).toBe('')
    expect(blank.address).toBe('')
    expect(blank.landline).toBe('010-12345678')
    const full = formFromMember(m, { id_number: m.id_number, mobile: m.mobile, address: m.address })
    expect(full.id_number).toBe('320102194905099254')
    expect(full.address).toBe('幸福小区 3-2-101')
    // never a masked value
    expect(formFromMember(m, { id_number: '3201**********9254' }).id_number).toBe('')
  })

  it('sends only what changed', () => {
    const m = member()
    const before = formFromMember(m, null)
    expect(patchBody(before, { ...before })).toEqual({})
    expect(patchBody(before, { ...before, name: ' 李建军 ', categories: ['retired', 'elderly_or_sick'], ethnicity: '' })).toEqual({
      name: '李建军',
      categories: ['retired', 'elderly_or_sick'],
      ethnicity: null,
    })
    expect(patchBody(before, { ...before, categories: ['retired'] })).toEqual({})
    // blank personal fields mean "unchanged"; a new mobile is sent
    expect(patchBody(before, { ...before, mobile: '13800000000' })).toEqual({ mobile: '13800000000' })
  })

  it('clears a personal field that was shown in full and then emptied', () => {
    const before = formFromMember(member(), { mobile: '13912345678' })
    expect(patchBody(before, { ...before, mobile: '' })).toEqual({ mobile: null })
  })

  it('sends a new ID number normalised, with the birth date and gender it encodes', () => {
    const before = formFromMember(member(), null)
    expect(patchBody(before, { ...before, id_number: '11010519491231002x' })).toEqual({
      id_number: '11010519491231002X',
      birth_date: '1949-12-31',
      gender: 'female',
    })
  })

  it('fixes birth date and gender to the ID number', () => {
    const form = formFromMember(member(), null)
    expect(identityFromId(form, true)).toBe(true)
    expect(identityFromId(form, false)).toBe(false)
    expect(identityFromId({ ...form, id_number: '11010519491231002X' }, false)).toBe(true)
    expect(identityFromId({ ...form, id_number: '1101051949' }, true)).toBe(false)
  })

  it('checks fields against each other', () => {
    const form = { ...formFromMember(member(), null), id_number: '11010519491231002X', birth_date: '1949-12-30', gender: 'male' as const }
    expect(crossProblems(form)).toEqual({ birth_date: 'birthMismatch', gender: 'genderMismatch' })
    expect(crossProblems({ ...form, birth_date: '1949-12-31', gender: 'female' })).toEqual({})
    expect(crossProblems({ ...formFromMember(member(), null), joined_on: '2014-01-01', converted_on: '2013-12-31' })).toEqual({
      converted_on: 'convertedBeforeJoined',
    })
  })
})

describe('member form fields', () => {
  it('checks an ID number as typed, and a blank one only when required', () => {
    expect(idNumberErrorKey('', false, true)).toBeNull()
    expect(idNumberErrorKey('', true, true)).toBe('newMember.idRequired')
    expect(idNumberErrorKey('', true, false)).toBeNull()
    expect(idNumberErrorKey('110105', false, false)).toBeNull()
    expect(idNumberErrorKey('110105', true, false)).toBe('member.idError.length')
    expect(idNumberErrorKey('11010519491231002X', false, true)).toBeNull()
    expect(idNumberErrorKey('110105194912310021', false, true)).toBe('member.idError.checksum')
  })

  it('places members only in member organisations the caller maintains', () => {
    const node = (kind: 'branch' | 'street', path: string) => ({ id: 1, name: 'x', kind, path, children: [] }) as never
    const canWrite = (path: string) => path.startsWith('/1/')
    expect(memberOrgSelectable(node('branch', '/1/2/'), canWrite)).toBe(true)
    expect(memberOrgSelectable(node('branch', '/3/'), canWrite)).toBe(false)
    expect(memberOrgSelectable(node('street', '/1/2/'), canWrite)).toBe(false)
  })
})

describe('status events', () => {
  it('groups every event type exactly once', () => {
    const all = EVENT_GROUPS.flatMap((g) => g.types)
    expect(new Set(all).size).toBe(all.length)
    expect([...all].sort()).toEqual(Object.keys(EVENT_STATUS).sort())
    expect([...all].sort()).toEqual(Object.keys(enumLabels.eventType).sort())
  })

  it('previews the status an event leads to, and who leaves the roster', () => {
    expect(statusAfter('transfer_out')).toBe('transferred_out')
    expect(leavesRoster('transfer_out')).toBe(true)
    expect(leavesRoster('death')).toBe(true)
    expect(leavesRoster('lost_contact')).toBe(false)
    expect(leavesRoster('party_probation')).toBe(false)
    expect(statusAfter('contact_restored')).toBe('normal')
  })

  it('asks for the conditional fields and leaves out the others', () => {
    expect(needsEndDate('party_probation')).toBe(true)
    expect(needsEndDate('removal')).toBe(false)
    expect(needsRemovalKind('removal')).toBe(true)
    const draft = { type: 'transfer_out' as const, occurred_on: '2026-11-01', reason: ' 工作调动 ', document: '', ends_on: '2027-01-01', removal_kind: '自行脱党' as const }
    expect(eventBody(draft)).toEqual({ type: 'transfer_out', occurred_on: '2026-11-01', reason: '工作调动', document: null, ends_on: null, removal_kind: null })
    expect(eventBody({ ...draft, type: 'removal' }).removal_kind).toBe('自行脱党')
    expect(eventBody({ ...draft, type: 'party_probation' }).ends_on).toBe('2027-01-01')
    expect(() => eventBody({ ...draft, type: '' })).toThrow()
  })
})

describe('statistics charts', () => {
  const label = (g: Parameters<typeof enumLabel>[0], v: string) => enumLabel(g, v)

  it('labels rows and keeps the 未填写 bucket last', () => {
    const items = labelled(
      [
        { key: '未填写', count: 3 },
        { key: '大学本科', count: 5 },
      ],
      'education',
      label,
    )
    expect(items.map((i) => i.name)).toEqual(['大学本科', '未填写'])
    expect(labelled([{ key: '未填写', count: 1 }], 'education', (g, v) => enumLabel(g, v, 'en'))[0].name).toBe('Not recorded')
    expect(labelled([{ key: 'female', count: 2 }], 'gender', label)[0].name).toBe('女')
  })

  it('folds long tails into 其他', () => {
    const items = [5, 4, 3, 2, 1].map((n) => ({ key: String(n), name: String(n), value: n }))
    expect(topN(items, 3, '其他').map((i) => [i.name, i.value])).toEqual([
      ['5', 5],
      ['4', 4],
      ['其他', 6],
    ])
    expect(topN(items, 9, '其他')).toHaveLength(5)
  })

  it('builds pie and bar options without empty slices', () => {
    const pie = pieOption([
      { key: 'a', name: 'A', value: 2 },
      { key: 'b', name: 'B', value: 0 },
    ])
    expect(pie.series[0].data).toEqual([{ name: 'A', value: 2 }])
    expect(pie.tooltip.renderMode).toBe('richText')
    const bar = barOption([{ key: 'a', name: 'A', value: 2 }], { horizontal: true })
    expect(bar.series[0].data).toEqual([2])
  })

  it('draws joining above and leaving below the axis, leaving status changes out', () => {
    const opt = flowsOption(
      [
        { year: 2025, type: 'transfer_in', count: 2 },
        { year: 2026, type: 'transfer_out', count: 1 },
        { year: 2026, type: 'lost_contact', count: 4 },
      ],
      (t) => enumLabel('eventType', t),
    )
    expect(opt.xAxis.data).toEqual(['2025', '2026'])
    expect(opt.series.map((s) => [s.name, s.stack, s.data])).toEqual([
      ['转入', 'in', [2, 0]],
      ['转出', 'out', [0, -1]],
    ])
  })
})

describe('roster organisation', () => {
  const org = (id: number, caps: Capability[]): MeOrganization => ({ id, name: `O${id}`, kind: 'community', path: `/${id}/`, capabilities: caps })
  it('prefers the current organisation, else the first that grants the capability', () => {
    const orgs = [org(1, ['org.read']), org(2, ['roster.read']), org(3, ['roster.read', 'stats.export'])]
    expect(rosterOrgId(orgs, 3)).toBe(3)
    expect(rosterOrgId(orgs, 1)).toBe(2)
    expect(rosterOrgId(orgs, null)).toBe(2)
    expect(rosterOrgId([org(1, ['org.read'])], 1)).toBeNull()
    expect(rosterOrgId([org(1, ['stats.export'])], null, ['roster.read', 'stats.export'])).toBe(1)
  })
})
