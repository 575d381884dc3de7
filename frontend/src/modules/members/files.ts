/** The roster's export query and the import's file checks (downloads: `@/shared/download`). */
import type { Category, Gender, MemberKind, MemberListKind, MemberStatus } from '@/api'
import type { RosterFilters } from './roster'

export interface ExportQuery {
  org_id?: number
  kind?: MemberKind
  category?: Category
  status?: MemberStatus
  gender?: Gender
  q?: string
  list?: MemberListKind
  full: boolean
}

/** The export's query from the roster's current filters (the ones the export understands). */
export function exportQuery(f: RosterFilters, list: MemberListKind | null, full: boolean): ExportQuery {
  const q: ExportQuery = { full }
  if (f.org_id != null) q.org_id = f.org_id
  if (f.kind) q.kind = f.kind
  if (f.category) q.category = f.category
  if (f.status) q.status = f.status
  if (f.gender) q.gender = f.gender
  const text = f.q.trim().slice(0, 32)
  if (text) q.q = text
  if (list) q.list = list
  return q
}

export const XLSX_TYPES = ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']
/** The largest file the import accepts here (the server has its own limits too). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024

export type FileProblem = 'type' | 'size' | 'empty'

/** Why a chosen file cannot be imported, or null. */
export function importFileProblem(file: { name: string; size: number; type?: string }): FileProblem | null {
  if (!/\.xlsx$/i.test(file.name) && !(file.type && XLSX_TYPES.includes(file.type))) return 'type'
  if (file.size === 0) return 'empty'
  if (file.size > MAX_IMPORT_BYTES) return 'size'
  return null
}
