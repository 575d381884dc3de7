/**
 * Masking as the backend does it (backend/dangjian/authz/masking.py, ROLES.md rule of access 3):
 * ID numbers keep the first 4 and last 4 characters, phone numbers the last 4.
 *
 * The roster shows personal data masked by default even to those allowed to see it in full;
 * the full values are shown after "查看完整信息", which goes through the audited reveal endpoint.
 */

export function maskIdNumber(value: string | null | undefined): string | null {
  if (!value) return value ?? null
  if (value.length <= 8) return '*'.repeat(value.length)
  return value.slice(0, 4) + '*'.repeat(value.length - 8) + value.slice(-4)
}

export function maskPhone(value: string | null | undefined): string | null {
  if (!value) return value ?? null
  if (value.length <= 4) return '*'.repeat(value.length)
  return '*'.repeat(value.length - 4) + value.slice(-4)
}

/** Whether a value the server sent is already masked. */
export function looksMasked(value: string | null | undefined): boolean {
  return !!value && value.includes('*')
}

/** Personal data as a page shows it. */
export interface PersonalView {
  id_number: string | null
  mobile: string | null
  landline: string | null
  address: string | null
  /** The values above are masked (by the server, or for display until revealed). */
  masked: boolean
  /** The address is withheld (masked answers carry none). */
  addressHidden: boolean
}

interface PersonalSource {
  id_number: string | null
  mobile: string | null
  landline?: string | null
  address?: string | null
  masked: boolean
}

/**
 * What to show of a record's personal data: the revealed values when there are some; the
 * server's masked answer as it is; a full answer masked for display when `maskByDefault`
 * (roster pages), in full otherwise (the member's own page).
 */
export function personalView(
  m: PersonalSource,
  revealed: { id_number: string | null; mobile: string | null; address: string | null } | null,
  maskByDefault: boolean,
): PersonalView {
  if (revealed) {
    return { ...revealed, landline: m.landline ?? null, masked: false, addressHidden: false }
  }
  if (m.masked) {
    return { id_number: m.id_number, mobile: m.mobile, landline: m.landline ?? null, address: null, masked: true, addressHidden: true }
  }
  if (maskByDefault) {
    return {
      id_number: maskIdNumber(m.id_number),
      mobile: maskPhone(m.mobile),
      landline: maskPhone(m.landline),
      address: null,
      masked: true,
      addressHidden: true,
    }
  }
  return { id_number: m.id_number, mobile: m.mobile, landline: m.landline ?? null, address: m.address ?? null, masked: false, addressHidden: false }
}
