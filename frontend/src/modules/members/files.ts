/**
 * Downloads and uploads of the roster (template, export, the member's own data). Files come
 * through the authenticated client — bearer token, one refresh on 401 — as a blob, saved through
 * an object URL; never a bare link (the API needs the token, which a link cannot carry).
 */
import type { Category, Gender, MemberKind, MemberListKind, MemberStatus } from '@/api'
import type { RosterFilters } from './roster'

/** The file name of a Content-Disposition header (RFC 6266 `filename*` preferred), or the fallback. */
export function filenameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // a malformed encoding: try the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header)
  return plain ? plain[1].trim() : fallback
}

/** Save a blob under a name: an object URL clicked through a temporary link, then released. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Run an SDK call answering a blob (`parseAs: 'blob'`) and save what it answered. */
export async function download(call: () => Promise<{ data: unknown; response: Response }>, fallback: string): Promise<string> {
  const { data, response } = await call()
  const blob = data instanceof Blob ? data : new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })
  const name = filenameFromDisposition(response.headers.get('content-disposition'), fallback)
  saveBlob(blob, name)
  return name
}

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
