/** Which organisation a roster page or summary starts from (unit-tested). */
import type { Capability, MeOrganization } from '@/api'

/**
 * The organisation to show statistics for: the current one when it grants one of `caps`,
 * otherwise the first that does (or null when none does).
 */
export function rosterOrgId(
  orgs: readonly MeOrganization[],
  currentId: number | null,
  caps: readonly Capability[] = ['roster.read'],
): number | null {
  const grants = (o: MeOrganization) => caps.some((c) => o.capabilities.includes(c))
  const current = orgs.find((o) => o.id === currentId)
  if (current && grants(current)) return current.id
  return orgs.find(grants)?.id ?? null
}
