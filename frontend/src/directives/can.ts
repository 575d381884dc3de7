/**
 * v-can="'org.manage'" (or an array, or { cap, org }) hides an element the caller cannot use.
 * A convenience only: the server decides.
 */
import type { Directive } from 'vue'
import { useSessionStore } from '@/stores/session'

export type CanValue = string | readonly string[] | { cap: string | readonly string[]; org?: number | null }

function allowed(value: CanValue): boolean {
  const session = useSessionStore()
  if (typeof value === 'string' || Array.isArray(value)) return session.hasCapability(value as string | readonly string[])
  const v = value as { cap: string | readonly string[]; org?: number | null }
  return session.hasCapability(v.cap, v.org)
}

function apply(el: HTMLElement, value: CanValue): void {
  el.hidden = !allowed(value)
}

export const vCan: Directive<HTMLElement, CanValue> = {
  mounted: (el, binding) => apply(el, binding.value),
  updated: (el, binding) => apply(el, binding.value),
}
