/**
 * The organisation tree, one query cache every page shares (generated `organizationsTreeOptions`). It is fetched only for
 * those who may read organisations (`org.read`) and, when `enabled` is given, only while it holds;
 * everyone else gets an empty tree and picks from their own organisations instead (OrgPicker).
 */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { useQuery } from '@tanstack/vue-query'
import type { OrganizationNode } from '@/api'
import { organizationsTreeOptions } from '@/api/queries'
import { useSessionStore } from '@/stores/session'

export function useOrgTree(enabled: MaybeRefOrGetter<boolean> = true) {
  const session = useSessionStore()
  const canReadOrgs = computed(() => session.hasCapability('org.read'))
  const query = useQuery({
    ...organizationsTreeOptions(),
    enabled: computed(() => canReadOrgs.value && toValue(enabled)),
  })
  const tree = computed<OrganizationNode[]>(() => query.data.value ?? [])
  return { canReadOrgs, tree, query }
}
