/**
 * v-can="'org.manage'" (or an array, or { cap, org }) hides an element the caller cannot use.
 * A convenience only: the server decides. Capabilities are the generated `Capability` union
 * (the backend's enum, via /auth/me in the OpenAPI schema): a misspelled one fails the type check.
 */
import type { Directive } from 'vue'
import type { Capability } from '@/api'
import { useSessionStore } from '@/stores/session'

export type { Capability }
export type CanValue = Capability | readonly Capability[] | { cap: Capability | readonly Capability[]; org?: number | null }

function allowed(value: CanValue): boolean {
  const session = useSessionStore()
  if (typeof value === 'string' || Array.isArray(value)) return session.hasCapability(value as Capability | readonly Capability[])
  const v = value as { cap: Capability | readonly Capability[]; org?: number | null }
  return session.hasCapability(v.cap, v.org)
}

function apply(el: HTMLElement, value: CanValue): void {
  el.hidden = !allowed(value)
}

export const vCan: Directive<HTMLElement, CanValue> = {
  mounted: (el, binding) => apply(el, binding.value),
  updated: (el, binding) => apply(el, binding.value),
}

// Registered globally in main.ts (`app.directive('can', vCan)`): templates type-check its value.
declare module 'vue' {
  interface GlobalDirectives {
    vCan: typeof vCan
  }
}
