/**
 * Who may appoint the posts of an organisation (the server's users.authority rule, for showing
 * the 任命职务 button): an organisation's committee is appointed by the next-higher organisation —
 * `org.manage` through a post strictly above it — or by the administrator. Whether a particular
 * post may be given or ended (it must carry no power the caller lacks, never the caller's own)
 * the server decides: `PostRead.editable`, and a Chinese refusal on submit.
 */
import type { MeRead } from '@/api'

export function mayAppointAt(me: Pick<MeRead, 'global_capabilities' | 'organizations'> | null | undefined, path: string | null | undefined): boolean {
  if (!me || !path) return false
  if (me.global_capabilities.includes('org.manage')) return true
  return me.organizations.some((o) => o.path !== path && path.startsWith(o.path) && o.capabilities.includes('org.manage'))
}
