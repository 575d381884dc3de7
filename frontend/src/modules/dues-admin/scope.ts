/** Which organisation a dues page starts from: the one in the address, else the caller's own. */
import { computed, ref, watch, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useSessionStore } from '@/stores/session'
import { useOrgStore } from '@/stores/org'
import { rosterOrgId } from '@/shared/scope'

/** The capabilities that let a person read dues figures. */
export const DUES_CAPS = ['dues.read'] as const

/** A positive integer from a query value, or null. */
export function queryId(value: unknown): number | null {
  const n = Number(Array.isArray(value) ? value[0] : value)
  return Number.isInteger(n) && n > 0 ? n : null
}

/**
 * The chosen organisation, kept in the `org` query parameter (a reload or a shared link shows the
 * same page); it follows the organisation switcher in the header.
 */
export function useDuesOrg(): Ref<number | null> {
  const route = useRoute()
  const router = useRouter()
  const session = useSessionStore()
  const orgStore = useOrgStore()
  const own = () => rosterOrgId(session.me?.organizations ?? [], orgStore.currentId, DUES_CAPS)
  const orgId = ref<number | null>(queryId(route.query.org) ?? own())
  watch(
    () => orgStore.currentId,
    () => {
      orgId.value = own()
    },
  )
  watch(
    orgId,
    (id) => {
      const org = id != null ? String(id) : undefined
      if (org !== route.query.org) void router.replace({ query: { ...route.query, org } })
    },
    { immediate: true },
  )
  return orgId
}

/** May the caller manage dues (remind, apply on a member's behalf, confirm) in this organisation? */
export function useCanManage(orgId: Ref<number | null>) {
  const session = useSessionStore()
  return computed(() => orgId.value != null && session.hasCapability('dues.manage', orgId.value))
}
