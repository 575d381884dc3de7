/**
 * Capabilities are the backend's enum (authz `Capability`, exposed on /auth/me in the OpenAPI
 * schema and generated into `Capability`). `npm run typecheck` checks this file: each
 * `@ts-expect-error` below must stay an error, so a misspelled capability in `v-can`, the session
 * helpers, route metadata or the organisation picker fails the type check.
 */
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { RouteMeta } from 'vue-router'
import type { Capability, MeRead } from '@/api'
import { type CanValue, vCan } from '@/directives/can'
import { useSessionStore } from '@/stores/session'
import CanTypes from './CanTypes.vue'
import { me } from './helpers'

describe('capability types', () => {
  it('accepts the generated capabilities and rejects misspelled ones', () => {
    setActivePinia(createPinia())
    const session = useSessionStore()
    const ok: CanValue[] = ['org.manage', ['dues.read', 'dues.manage'], { cap: 'roster.write', org: 1 }]
    // @ts-expect-error — 'org.manage' is not a capability
    const typo: CanValue = 'org.mange'
    // @ts-expect-error — nor is 'dues.reed' in a list
    const typoList: CanValue = ['dues.reed']
    // @ts-expect-error — nor in the { cap, org } form
    const typoObject: CanValue = { cap: 'roster.writ', org: 1 }
    // @ts-expect-error — the session helpers take capabilities only
    session.hasCapability('meeting.mange')
    // @ts-expect-error — canAt as well
    session.canAt('audit.reed', '/1/')
    // @ts-expect-error — and route metadata
    const meta: RouteMeta = { capability: 'users.manag' }
    const cap: Capability = 'posts.appoint'
    expect([ok.length, typo, typoList, typoObject, meta.capability, cap]).toHaveLength(6)
    expect(session.hasCapability('org.read')).toBe(false)
  })
  it('v-can hides what the caller cannot use (CanTypes.vue)', () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().me = me(['org.manage', 'dues.read']) as MeRead
    const wrapper = mount(CanTypes, { global: { plugins: [pinia], directives: { can: vCan } } })
    const hidden = wrapper.findAll('button').map((b) => (b.element as HTMLElement).hidden)
    // org.manage held; dues.read held at organisation 1; the misspelled ones are never held
    expect(hidden).toEqual([false, false, true, true])
  })
})
