/**
 * The organisation tree, one query cache every page shares (`qk.orgTree`). It is fetched only for
 * those who may read organisations (`org.read`) and, when `enabled` is given, only while it holds;
 * everyone else gets an empty tree and picks from their own organisations instead (OrgPicker).
 */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { useQuery } from '@tanstack/vue-query'
import { organizationsTree, type OrganizationNode } from '@/api'
import { qk } from '@/api/query'
import { useSessionStore } from '@/stores/session'

export function useOrgTree(enabled: MaybeRefOrGetter<boolean> = true) {
  const session = useSessionStore()
  const canReadOrgs = computed(() => session.hasCapability('org.read'))
  const query = useQuery({
    queryKey: qk.orgTree,
    queryFn: async () => (await organizationsTree()).data,
    enabled: computed(() => canReadOrgs.value && toValue(enabled)),
  })
  const tree = computed<OrganizationNode[]>(() => query.data.value ?? [])
  return { canReadOrgs, tree, query }
}
