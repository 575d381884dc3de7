/**
 * The permission guard as a pure decision (unit-tested), plus its installation on the router.
 * Route metadata is a convenience for the person using the SPA — the server decides.
 */
import type { RouteLocationNormalized, RouteLocationRaw, Router } from 'vue-router'
import type { SessionStatus } from '@/stores/session'
import type { Capability } from '@/api'

export interface GuardSession {
  status: SessionStatus
  mustChangePassword: boolean
  /** Must set up the second factor before anything else (session is restricted). */
  totpSetupRequired: boolean
  hasCapability: (cap: Capability | readonly Capability[]) => boolean
  /** The account is linked to a member record (/auth/me `member`). */
  hasMember?: boolean
}

export type GuardTarget = Pick<RouteLocationNormalized, 'name' | 'fullPath' | 'meta'>

export type Decision =
  | { kind: 'allow' }
  | { kind: 'deny' }
  | { kind: 'redirect'; to: RouteLocationRaw }

export const LOGIN = 'login'
export const PASSWORD_CHANGE = 'password-change'
export const TOTP_SETUP = 'totp-setup'
export const HOME = 'dashboard'

export function decide(to: GuardTarget, session: GuardSession): Decision {
  const signedIn = session.status === 'authenticated'
  if (to.meta.public) {
    if (signedIn && to.name === LOGIN) return { kind: 'redirect', to: { name: HOME } }
    return { kind: 'allow' }
  }
  if (!signedIn) {
    const query = to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : undefined
    return { kind: 'redirect', to: { name: LOGIN, query } }
  }
  if (session.mustChangePassword) {
    return to.name === PASSWORD_CHANGE ? { kind: 'allow' } : { kind: 'redirect', to: { name: PASSWORD_CHANGE } }
  }
  if (to.name === PASSWORD_CHANGE) return { kind: 'redirect', to: { name: HOME } }
  if (session.totpSetupRequired) {
    return to.name === TOTP_SETUP ? { kind: 'allow' } : { kind: 'redirect', to: { name: TOTP_SETUP } }
  }
  if (to.name === TOTP_SETUP) return { kind: 'redirect', to: { name: HOME } }
  const cap = to.meta.capability
  if (cap && (typeof cap === 'string' ? cap.length > 0 : cap.length > 0) && !session.hasCapability(cap)) {
    return { kind: 'deny' }
  }
  if (to.meta.member && !session.hasMember) return { kind: 'deny' }
  return { kind: 'allow' }
}

/** A redirect target taken from ?redirect= — only same-app paths, never another origin. */
export function safeRedirect(value: unknown): string | null {
  if (typeof value !== 'string') return null
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null
  return value
}

export interface GuardDeps {
  bootstrap: () => Promise<void>
  session: () => GuardSession
  setDenied: (denied: boolean) => void
}

export function installGuard(router: Router, deps: GuardDeps): void {
  router.beforeEach(async (to) => {
    await deps.bootstrap()
    const decision = decide(to, deps.session())
    deps.setDenied(decision.kind === 'deny')
    if (decision.kind === 'redirect') return decision.to
    return true
  })
}
