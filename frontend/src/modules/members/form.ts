/**
 * The member edit form as data (unit-tested): the form made from a record, the partial PATCH
 * body of what changed, and the client-side checks the backend also makes.
 */
import type { FormItemRule } from 'element-plus'
import type {
  Category,
  Degree,
  Education,
  Gender,
  MemberCreate,
  MemberKind,
  MemberRead,
  MemberUpdate,
  NewStratum,
  OrganizationNode,
  OrgKind,
  ProfessionalTitle,
} from '@/api'
import { deriveFromIdNumber, idNumberProblem, isValidIdNumber, normalizeIdNumber, partialProblem } from './idcard'
import { looksMasked } from './mask'

export const MOBILE_PATTERN = /^1[3-9][0-9]{9}$/

export interface MemberForm {
  name: string
  organization_id: number | null
  id_number: string
  birth_date: string | null
  gender: Gender | ''
  ethnicity: string
  education: Education | ''
  degree: Degree | ''
  kind: MemberKind | ''
  joined_on: string | null
  converted_on: string | null
  standing_correction_months: number
  work_post: string
  work_started_on: string | null
  professional_title: ProfessionalTitle | ''
  new_stratum: NewStratum | ''
  mobile: string
  landline: string
  registered_residence: string
  address: string
  grid_area: string
  categories: Category[]
}

/** A field of the member form. */
export type MemberField = keyof MemberForm

/** Personal data the form only pre-fills when the full value is known (never a masked one). */
export const PERSONAL_FIELDS = ['id_number', 'mobile', 'landline', 'address'] as const
export type PersonalField = (typeof PERSONAL_FIELDS)[number]

export interface FullValues {
  id_number?: string | null
  mobile?: string | null
  address?: string | null
}

/**
 * The form for a record. `full` holds values known in full (the record itself when it is not
 * masked for display, or what "查看完整信息" returned); personal fields without a full value stay
 * blank — blank means "unchanged" — and show the masked value as a hint instead.
 */
export function formFromMember(m: MemberRead, full: FullValues | null): MemberForm {
  const known = (field: PersonalField): string => {
    if (field === 'landline') return m.landline && !looksMasked(m.landline) && !m.masked ? m.landline : ''
    const v = full?.[field]
    return v && !looksMasked(v) ? v : ''
  }
  return {
    name: m.name,
    organization_id: m.organization_id,
    id_number: known('id_number'),
    birth_date: m.birth_date,
    gender: m.gender,
    ethnicity: m.ethnicity ?? '',
    education: (m.education ?? '') as Education | '',
    degree: (m.degree ?? '') as Degree | '',
    kind: m.kind,
    joined_on: m.joined_on,
    converted_on: m.converted_on,
    standing_correction_months: m.standing_correction_months ?? 0,
    work_post: m.work_post ?? '',
    work_started_on: m.work_started_on,
    professional_title: (m.professional_title ?? '') as ProfessionalTitle | '',
    new_stratum: (m.new_stratum ?? '') as NewStratum | '',
    mobile: known('mobile'),
    landline: known('landline'),
    registered_residence: m.registered_residence ?? '',
    address: known('address'),
    grid_area: m.grid_area ?? '',
    categories: [...(m.categories as Category[])],
  }
}

const text = (v: string) => v.trim() || null
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('|') === [...b].sort().join('|')

/**
 * The PATCH body: only what changed (the backend applies a partial update). Empty text becomes
 * null; an ID number is sent normalised, with the birth date and gender it encodes.
 */
export function patchBody(before: MemberForm, after: MemberForm): MemberUpdate {
  const body: MemberUpdate = {}
  const set = <K extends keyof MemberUpdate>(k: K, v: MemberUpdate[K]) => {
    body[k] = v
  }
  if (after.name.trim() !== before.name.trim()) set('name', after.name.trim())
  if (after.organization_id !== before.organization_id && after.organization_id != null) set('organization_id', after.organization_id)
  const idBefore = normalizeIdNumber(before.id_number)
  const idAfter = normalizeIdNumber(after.id_number)
  if (idAfter !== idBefore && idAfter) {
    set('id_number', idAfter)
    const derived = deriveFromIdNumber(idAfter)
    if (derived) {
      set('birth_date', derived.birthDate)
      set('gender', derived.gender)
    }
  } else {
    if (after.birth_date !== before.birth_date) set('birth_date', after.birth_date || null)
    if (after.gender !== before.gender && after.gender) set('gender', after.gender)
  }
  if (after.ethnicity !== before.ethnicity) set('ethnicity', after.ethnicity || null)
  if (after.education !== before.education) set('education', after.education || null)
  if (after.degree !== before.degree) set('degree', after.degree || null)
  if (after.kind !== before.kind && after.kind) set('kind', after.kind)
  if (after.joined_on !== before.joined_on) set('joined_on', after.joined_on || null)
  if (after.converted_on !== before.converted_on) set('converted_on', after.converted_on || null)
  if (after.standing_correction_months !== before.standing_correction_months) set('standing_correction_months', after.standing_correction_months)
  if (after.work_post !== before.work_post) set('work_post', after.work_post || null)
  if (after.work_started_on !== before.work_started_on) set('work_started_on', after.work_started_on || null)
  if (after.professional_title !== before.professional_title) set('professional_title', after.professional_title || null)
  if (after.new_stratum !== before.new_stratum) set('new_stratum', after.new_stratum || null)
  for (const k of ['mobile', 'landline', 'registered_residence', 'address', 'grid_area'] as const) {
    if (after[k].trim() !== before[k].trim()) set(k, text(after[k]))
  }
  if (!same(after.categories, before.categories)) set('categories', [...after.categories])
  return body
}

/**
 * Whether the birth date and gender are fixed by an ID number: one typed (valid) in the form, or
 * the one on record when the field is left blank.
 */
export function identityFromId(form: MemberForm, recordHasId: boolean): boolean {
  return isValidIdNumber(form.id_number) || (!normalizeIdNumber(form.id_number) && recordHasId)
}

export type CrossProblem = 'birthMismatch' | 'genderMismatch' | 'convertedBeforeJoined'

/** The checks across fields the backend makes too (schemas.MemberUpdate._cross_check). */
export function crossProblems(form: MemberForm): Partial<Record<'birth_date' | 'gender' | 'converted_on', CrossProblem>> {
  const out: Partial<Record<'birth_date' | 'gender' | 'converted_on', CrossProblem>> = {}
  const derived = deriveFromIdNumber(form.id_number)
  if (derived) {
    if (form.birth_date && form.birth_date !== derived.birthDate) out.birth_date = 'birthMismatch'
    if (form.gender && form.gender !== derived.gender) out.gender = 'genderMismatch'
  }
  if (form.joined_on && form.converted_on && form.converted_on < form.joined_on) out.converted_on = 'convertedBeforeJoined'
  return out
}

/** An empty form for 登记建卡 (a new member), optionally in a preselected organisation. */
export function emptyForm(organizationId: number | null = null): MemberForm {
  return {
    name: '',
    organization_id: organizationId,
    id_number: '',
    birth_date: null,
    gender: '',
    ethnicity: '',
    education: '',
    degree: '',
    kind: 'formal',
    joined_on: null,
    converted_on: null,
    standing_correction_months: 0,
    work_post: '',
    work_started_on: null,
    professional_title: '',
    new_stratum: '',
    mobile: '',
    landline: '',
    registered_residence: '',
    address: '',
    grid_area: '',
    categories: [],
  }
}

/**
 * The POST /members body of a filled-in new-member form: the ID number normalised, the birth
 * date and gender it encodes, empty optional fields left out. Null while a required field is
 * missing (the form's rules say which).
 */
export function createBody(form: MemberForm): MemberCreate | null {
  const id = normalizeIdNumber(form.id_number)
  if (!form.name.trim() || form.organization_id == null || !id || !form.kind || !form.joined_on) return null
  const body: MemberCreate = {
    name: form.name.trim(),
    organization_id: form.organization_id,
    id_number: id,
    kind: form.kind,
    joined_on: form.joined_on,
  }
  const derived = deriveFromIdNumber(id)
  if (derived) {
    body.birth_date = derived.birthDate
    body.gender = derived.gender
  }
  if (form.converted_on) body.converted_on = form.converted_on
  if (form.ethnicity) body.ethnicity = form.ethnicity
  if (form.education) body.education = form.education
  if (form.degree) body.degree = form.degree
  if (form.work_post) body.work_post = form.work_post
  if (form.work_started_on) body.work_started_on = form.work_started_on
  if (form.professional_title) body.professional_title = form.professional_title
  if (form.new_stratum) body.new_stratum = form.new_stratum
  for (const k of ['mobile', 'landline', 'registered_residence', 'address', 'grid_area'] as const) {
    const v = text(form[k])
    if (v) body[k] = v
  }
  if (form.categories.length) body.categories = [...form.categories]
  return body
}

/** Organisations a member may belong to (the backend's MEMBER_ORG_KINDS). */
export const MEMBER_ORG_KINDS: readonly OrgKind[] = ['branch', 'group', 'community', 'general_branch']

/** Whether a member may be placed in this organisation, given where the caller may write the roster. */
export function memberOrgSelectable(n: OrganizationNode, canWriteAt: (path: string) => boolean): boolean {
  return MEMBER_ORG_KINDS.includes(n.kind) && canWriteAt(n.path)
}

/**
 * The message key for an ID number as typed: a partial number is only checked as far as it goes
 * until the field is left (or 18 characters are in). A blank number is fine unless `required`
 * (then an error once the field has been left).
 */
export function idNumberErrorKey(value: string, blurred: boolean, required: boolean): string | null {
  const id = normalizeIdNumber(value)
  if (!id) return required && blurred ? 'newMember.idRequired' : null
  const problem = blurred || id.length >= 18 ? idNumberProblem(value) : partialProblem(value)
  return problem ? `member.idError.${problem}` : null
}

type Translate = (key: string, named?: Record<string, unknown>) => string

/**
 * The validation rules both member forms share (name, organisation, ID number, date of
 * conversion, mobile); `idRequired` for a new member, whose ID number must be given.
 */
export function sharedMemberRules(
  t: Translate,
  form: MemberForm,
  idBlurred: () => boolean,
  idRequired: boolean,
): Record<'name' | 'organization_id' | 'id_number' | 'converted_on' | 'mobile', FormItemRule[]> {
  return {
    name: [
      { required: true, whitespace: true, message: t('member.nameRequired'), trigger: 'blur' },
      { max: 64, message: t('common.tooLong', { field: t('member.name'), max: 64 }), trigger: 'blur' },
    ],
    organization_id: [{ required: true, message: t('member.orgRequired'), trigger: 'change' }],
    id_number: [
      {
        validator: (_r, v: string, cb) => {
          const key = idNumberErrorKey(v, idBlurred(), idRequired)
          return key ? cb(new Error(t(key))) : cb()
        },
        trigger: ['change', 'blur'],
      },
    ],
    converted_on: [crossRule(t, form, 'converted_on')],
    mobile: [{ pattern: MOBILE_PATTERN, message: t('member.mobileFormat'), trigger: 'blur' }],
  }
}

/** A rule for one of the checks across fields (crossProblems), shown at `field`. */
export function crossRule(t: Translate, form: MemberForm, field: 'birth_date' | 'gender' | 'converted_on'): FormItemRule {
  return {
    validator: (_r, _v, cb) => {
      const p = crossProblems(form)[field]
      return p ? cb(new Error(t(`member.${p}`))) : cb()
    },
    trigger: 'change',
  }
}
