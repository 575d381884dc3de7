/**
 * 更正申请 as data (unit-tested): the fields a member may ask to correct (not the organisation,
 * the kind or the categories — those are procedures of their own), the request body of what was
 * chosen, and the changes of a request as label → value for display.
 */
import type { MemberUpdate } from '@/api'
import type { EnumGroup } from '@/locales/enums'
import { deriveFromIdNumber, normalizeIdNumber } from './idcard'

export type CorrectionInput = 'text' | 'date' | 'select' | 'gender'

export interface CorrectableField {
  key: keyof MemberUpdate & string
  /** i18n key of the label. */
  label: string
  input: CorrectionInput
  /** Labels of a select's options. */
  group?: EnumGroup
}

export const CORRECTABLE_FIELDS: readonly CorrectableField[] = [
  { key: 'name', label: 'member.name', input: 'text' },
  { key: 'id_number', label: 'member.idNumber', input: 'text' },
  { key: 'ethnicity', label: 'member.ethnicity', input: 'select', group: 'ethnicity' },
  { key: 'education', label: 'member.education', input: 'select', group: 'education' },
  { key: 'degree', label: 'member.degree', input: 'select', group: 'degree' },
  { key: 'joined_on', label: 'member.joinedOn', input: 'date' },
  { key: 'converted_on', label: 'member.convertedOn', input: 'date' },
  { key: 'work_post', label: 'member.workPost', input: 'select', group: 'workPost' },
  { key: 'work_started_on', label: 'member.workStartedOn', input: 'date' },
  { key: 'professional_title', label: 'member.professionalTitle', input: 'select', group: 'professionalTitle' },
  { key: 'new_stratum', label: 'member.newStratum', input: 'select', group: 'newStratum' },
  { key: 'mobile', label: 'member.mobile', input: 'text' },
  { key: 'landline', label: 'member.landline', input: 'text' },
  { key: 'registered_residence', label: 'member.registeredResidence', input: 'text' },
  { key: 'address', label: 'member.address', input: 'text' },
  { key: 'grid_area', label: 'member.gridArea', input: 'text' },
]

/** What the backend refuses in a correction (corrections.NOT_CORRECTABLE). */
export const NOT_CORRECTABLE = ['organization_id', 'kind', 'categories'] as const

export const fieldOf = (key: string): CorrectableField | undefined => CORRECTABLE_FIELDS.find((f) => f.key === key)

/**
 * The `changes` of a request: the chosen fields with their new values, trimmed (empty → null);
 * a new ID number normalised, with the birth date and gender it encodes.
 */
export function correctionChanges(chosen: readonly string[], values: Record<string, string | null | undefined>): MemberUpdate {
  const out: Record<string, string | null> = {}
  for (const key of chosen) {
    if (!fieldOf(key)) continue
    const raw = values[key]
    const v = typeof raw === 'string' ? raw.trim() : raw
    out[key] = v ? v : null
  }
  if (out.id_number) {
    out.id_number = normalizeIdNumber(out.id_number)
    const derived = deriveFromIdNumber(out.id_number)
    if (derived) {
      out.birth_date = derived.birthDate
      out.gender = derived.gender
    }
  }
  return out as MemberUpdate
}

export interface ChangeLine {
  key: string
  /** i18n key of the label (or the raw field name when unknown). */
  label: string
  value: string | null
  /** Enum group to label the value with. */
  group?: EnumGroup
}

/** A request's changes as lines to show, in the form's field order; unknown fields last. */
export function changeLines(changes: Record<string, unknown>): ChangeLine[] {
  const extra: Record<string, EnumGroup> = { gender: 'gender', kind: 'memberKind' }
  const label: Record<string, string> = { birth_date: 'member.birthDate', gender: 'member.gender' }
  const keys = Object.keys(changes)
  const order = (k: string) => {
    const i = CORRECTABLE_FIELDS.findIndex((f) => f.key === k)
    return i < 0 ? CORRECTABLE_FIELDS.length : i
  }
  return [...keys]
    .sort((a, b) => order(a) - order(b))
    .map((key) => {
      const f = fieldOf(key)
      const raw = changes[key]
      return {
        key,
        label: f?.label ?? label[key] ?? key,
        value: raw === null || raw === undefined || raw === '' ? null : String(raw),
        group: f?.group ?? extra[key],
      }
    })
}
