/** Which audit actions are security events (mirrors backend/dangjian/audit/service.py). */
export const SECURITY_ACTION_PREFIXES = ['auth.', 'user.totp_'] as const
export const SECURITY_ACTIONS = ['user.password_change'] as const

export function isSecurityAction(action: string): boolean {
  return (SECURITY_ACTIONS as readonly string[]).includes(action) || SECURITY_ACTION_PREFIXES.some((p) => action.startsWith(p))
}

/** Filter parameters of an audit list as the API takes them (empty values left out). */
export function filterParams(f: { action: string | null; person: string; ip?: string; range: [string, string] | null }) {
  return {
    action: f.action || undefined,
    person: f.person || undefined,
    ip: f.ip || undefined,
    date_from: f.range?.[0] || undefined,
    date_to: f.range?.[1] || undefined,
  }
}
