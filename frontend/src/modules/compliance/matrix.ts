/**
 * The 三会一课 table (unit-tested): rows of GET /compliance/meetings laid out as organisation ×
 * meeting type, and the colour of each cell. Organisations keep the backend's tree order; nothing
 * is sorted by how well anyone did.
 */
import type { Colour, MeetingComplianceRow, MeetingType } from '@/api'

/** Column order: the 三会一课 first, then the other meetings (MTG-01). */
export const TYPE_ORDER: readonly MeetingType[] = [
  'branch_assembly',
  'committee',
  'group_meeting',
  'party_lecture',
  'theme_day',
  'org_life',
  'democratic_life',
  'council',
  'joint_meeting',
  'enlarged_meeting',
  'secretary_office',
  'youth_league',
  'inservice_meeting',
  'residents_forum',
]

export interface MatrixRow {
  id: number
  name: string
  /** Depth below the report's organisation (0 = itself), for indenting. */
  depth: number
  cells: Partial<Record<MeetingType, MeetingComplianceRow>>
}

export interface Matrix {
  types: MeetingType[]
  rows: MatrixRow[]
}

const depthOf = (path: string) => path.split('/').filter(Boolean).length

export function buildMatrix(rows: readonly MeetingComplianceRow[]): Matrix {
  const byOrg = new Map<number, MatrixRow>()
  const present = new Set<MeetingType>()
  const top = rows.length ? Math.min(...rows.map((r) => depthOf(r.organization_path))) : 0
  for (const r of rows) {
    let row = byOrg.get(r.organization_id)
    if (!row) {
      row = { id: r.organization_id, name: r.organization_name, depth: depthOf(r.organization_path) - top, cells: {} }
      byOrg.set(r.organization_id, row)
    }
    row.cells[r.type] = r
    present.add(r.type)
  }
  const known = TYPE_ORDER.filter((t) => present.has(t))
  const other = [...present].filter((t) => !TYPE_ORDER.includes(t))
  return { types: [...known, ...other], rows: [...byOrg.values()] }
}

/** Element Plus tag type of a colour. */
export function colourTag(colour: Colour): 'success' | 'warning' | 'danger' {
  return colour === 'green' ? 'success' : colour === 'amber' ? 'warning' : 'danger'
}

/** CSS modifier of a cell (`cell--green` …); unknown values fall back to the most cautious one. */
export function colourClass(colour: string): 'green' | 'amber' | 'red' {
  return colour === 'green' || colour === 'amber' ? colour : 'red'
}

export const COLOURS: readonly Colour[] = ['green', 'amber', 'red']

/**
 * How a cell looks: its colour, except that a cell with nothing due and nothing held in the period
 * (a quarterly meeting asked about January) is shown as neutral — green, but not an achievement.
 */
export function cellLook(row: Pick<MeetingComplianceRow, 'colour' | 'required' | 'held'>): 'green' | 'amber' | 'red' | 'none' {
  if (row.required === 0 && row.held === 0 && row.colour === 'green') return 'none'
  return colourClass(row.colour)
}
