/**
 * The roster table as data (unit-tested): its columns, the columns each work list adds, the
 * filters and how they become the query of GET /members, and the table sort ↔ API sort.
 */
import type { Category, Gender, MemberKind, MemberListKind, MemberSort, MemberStatus, MembersListMembersData } from '@/api'

export type ColumnKey =
  | 'name'
  | 'gender'
  | 'age'
  | 'organization_name'
  | 'kind'
  | 'status'
  | 'categories'
  | 'joined_on'
  | 'party_standing_years'
  | 'id_number'
  | 'mobile'
  | 'political_birthday'
  | 'anniversary'
  | 'conversion_due'
  | 'lost_contact_since'
  | 'stop_membership_due'
  | 'self_lapsed_due'

export interface ColumnDef {
  key: ColumnKey
  /** i18n key of the header. */
  label: string
  minWidth: number
  /** Sortable on the server (see sortParam). */
  sortable?: boolean
}

const col = (key: ColumnKey, minWidth: number, sortable = false): ColumnDef => ({ key, label: `roster.col.${key}`, minWidth, sortable })

export const COLUMNS: Record<ColumnKey, ColumnDef> = {
  name: col('name', 110, true),
  gender: col('gender', 64),
  age: col('age', 76, true),
  organization_name: col('organization_name', 170),
  kind: col('kind', 100),
  status: col('status', 110),
  categories: col('categories', 160),
  joined_on: col('joined_on', 118, true),
  party_standing_years: col('party_standing_years', 76),
  id_number: col('id_number', 200),
  mobile: col('mobile', 136),
  political_birthday: col('political_birthday', 118),
  anniversary: col('anniversary', 96),
  conversion_due: col('conversion_due', 118),
  lost_contact_since: col('lost_contact_since', 118),
  stop_membership_due: col('stop_membership_due', 130),
  self_lapsed_due: col('self_lapsed_due', 130),
}

/** Always shown; not in the column chooser. */
export const FIXED_COLUMNS: readonly ColumnKey[] = ['name']

/** What the column chooser offers, in table order. */
export const CHOOSABLE_COLUMNS: readonly ColumnKey[] = [
  'gender',
  'age',
  'organization_name',
  'kind',
  'status',
  'categories',
  'joined_on',
  'party_standing_years',
  'id_number',
  'mobile',
]

export const DEFAULT_COLUMNS: readonly ColumnKey[] = ['gender', 'age', 'organization_name', 'kind', 'status', 'joined_on', 'id_number', 'mobile']

/** The columns a work list shows whatever the chooser says (MEM-04, MEM-05, MEM-08, probation). */
export const LIST_COLUMNS: Record<MemberListKind, readonly ColumnKey[]> = {
  elderly_or_sick: ['age', 'categories'],
  birthdays: ['joined_on', 'political_birthday', 'anniversary'],
  lost_contact: ['status', 'lost_contact_since', 'stop_membership_due', 'self_lapsed_due'],
  probationary: ['joined_on', 'conversion_due'],
}

export const LISTS: readonly MemberListKind[] = ['elderly_or_sick', 'birthdays', 'lost_contact', 'probationary']

/** The table's columns: fixed, then the chosen ones in table order, then the list's own. */
export function visibleColumns(chosen: readonly ColumnKey[], list: MemberListKind | null): ColumnDef[] {
  const forced = list ? LIST_COLUMNS[list] : []
  const keys: ColumnKey[] = [...FIXED_COLUMNS]
  for (const k of CHOOSABLE_COLUMNS) if (chosen.includes(k) || forced.includes(k)) keys.push(k)
  for (const k of forced) if (!keys.includes(k)) keys.push(k)
  return keys.map((k) => COLUMNS[k])
}

export interface RosterFilters {
  org_id: number | null
  kind: MemberKind | ''
  category: Category | ''
  /** '' = the default: members on the roster. */
  status: MemberStatus | ''
  gender: Gender | ''
  age_min: number | null
  age_max: number | null
  /** [from, to] as YYYY-MM-DD, or null. */
  joined: [string, string] | null
  q: string
}

export const emptyFilters = (): RosterFilters => ({
  org_id: null,
  kind: '',
  category: '',
  status: '',
  gender: '',
  age_min: null,
  age_max: null,
  joined: null,
  q: '',
})

/** How many filters differ from the default (shown on the "more filters" toggle). */
export function activeFilterCount(f: RosterFilters): number {
  const e = emptyFilters()
  return (Object.keys(e) as (keyof RosterFilters)[]).filter((k) => {
    const v = f[k]
    if (k === 'q') return f.q.trim() !== ''
    if (k === 'joined') return !!f.joined && (!!f.joined[0] || !!f.joined[1])
    return v !== e[k] && v !== undefined
  }).length
}

export type RosterQuery = NonNullable<MembersListMembersData['query']>

/** GET /members query for the filters, list, sort and page (empty filters are left out). */
export function rosterQuery(
  f: RosterFilters,
  list: MemberListKind | null,
  sort: MemberSort,
  page: number,
  size: number,
): RosterQuery {
  const q: RosterQuery = { page, size, sort }
  if (f.org_id != null) q.org_id = f.org_id
  if (f.kind) q.kind = f.kind
  if (f.category) q.category = f.category
  if (f.status) q.status = f.status
  if (f.gender) q.gender = f.gender
  let lo = f.age_min
  let hi = f.age_max
  if (lo != null && hi != null && lo > hi) [lo, hi] = [hi, lo]
  if (lo != null) q.age_min = lo
  if (hi != null) q.age_max = hi
  if (f.joined?.[0]) q.joined_from = f.joined[0]
  if (f.joined?.[1]) q.joined_to = f.joined[1]
  const text = f.q.trim().slice(0, 32)
  if (text) q.q = text
  if (list) q.list = list
  return q
}

export type TableOrder = 'ascending' | 'descending' | null

/** Element Plus sort-change → API sort. Age sorts by birth date, the other way round. */
export function sortParam(prop: string | null | undefined, order: TableOrder): MemberSort {
  if (!order || !prop) return 'name'
  if (prop === 'joined_on') return order === 'ascending' ? 'joined_on' : '-joined_on'
  if (prop === 'age') return order === 'ascending' ? '-birth_date' : 'birth_date'
  return 'name'
}

/** API sort → the table's default-sort (to show the arrow after coming back to the page). */
export function tableSort(sort: MemberSort): { prop: string; order: 'ascending' | 'descending' } | undefined {
  switch (sort) {
    case 'joined_on':
      return { prop: 'joined_on', order: 'ascending' }
    case '-joined_on':
      return { prop: 'joined_on', order: 'descending' }
    case '-birth_date':
      return { prop: 'age', order: 'ascending' }
    case 'birth_date':
      return { prop: 'age', order: 'descending' }
    default:
      return undefined
  }
}

/** How many years a political birthday celebrates (this year's anniversary − the joining year). */
export function anniversaryYears(joinedOn: string | null | undefined, birthday: string | null | undefined): number | null {
  if (!joinedOn || !birthday) return null
  const n = Number(birthday.slice(0, 4)) - Number(joinedOn.slice(0, 4))
  return Number.isFinite(n) && n > 0 ? n : null
}

type Translate = (key: string, named: Record<string, unknown>) => string

/**
 * 党龄 as shown (issue 18 item 10): whole years since conversion (the backend's
 * `party_standing_years`, national.md §3.1); a formal member in the first year reads '不满1年',
 * never '0 年'; a probationary member has none ('—').
 */
export function standingText(t: Translate, kind: string, years: number, key: 'member.years' | 'roster.years' = 'member.years'): string {
  if (kind !== 'formal') return '—'
  return years < 1 ? t('member.underOneYear', {}) : t(key, { n: years })
}
