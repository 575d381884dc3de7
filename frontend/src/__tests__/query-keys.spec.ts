/**
 * Query keys come from the hey-api TanStack Query plugin (issue 13 item 4): every `queryKey:` and
 * `setQueryData(…)` key in the SPA is a generated `xxxQueryKey(…)`, a name defined as one (such as
 * `memberKey = (id) => membersGetMemberQueryKey(…)`), or an operation prefix `[{ _id: '<operation>' }]`
 * naming a real operation — never a hand-written array such as `['members', 'list', params]`.
 * The query families cover every operation of their domain, so a new endpoint is refreshed with
 * the rest.
 */
import { describe, expect, it } from 'vitest'
import { QueryClient } from '@tanstack/vue-query'
import * as generated from '@/api/generated/@tanstack/vue-query.gen'
import {
  DUES_QUERIES,
  MEETING_LIST_QUERIES,
  MEMBER_QUERIES,
  ORGANIZATION_QUERIES,
  invalidateOperations,
  membersGetMemberQueryKey,
  membersListMembersQueryKey,
  operationOf,
  organizationsTreeQueryKey,
} from '@/api/queries'

const sources = import.meta.glob(['../**/*.{ts,vue}', '!../api/generated/**', '!../__tests__/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>

/** Every operation with generated query options, from the generated `xxxQueryKey` exports. */
const OPERATIONS = Object.keys(generated)
  .filter((name) => name.endsWith('QueryKey') && !name.endsWith('InfiniteQueryKey'))
  .map((name) => name.slice(0, -'QueryKey'.length))

/** A generated key call, or an operation prefix `[{ _id … }]`. */
const GENERATED_KEY = /^(?:\w+QueryKey\(|\[\s*\{\s*_id\b)/

/** Names defined as a generated key, or as a function answering one. */
function keyNames(files: Record<string, string>): Set<string> {
  const names = new Set<string>()
  const definition = /\b(?:const|let)\s+(\w+)\s*=\s*(?:\([^)]*\)\s*(?::[^=]+)?=>\s*)?([^\n]*)/g
  for (const text of Object.values(files)) {
    for (const m of text.matchAll(definition)) if (GENERATED_KEY.test(m[2].trim())) names.add(m[1])
  }
  return names
}

/** The key expressions of a file: `queryKey: …` and the first argument of `setQueryData(…)`. */
function keyExpressions(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(/\bqueryKey:\s*([\s\S]{0,160})/g)) out.push(m[1])
  for (const m of text.matchAll(/\bsetQueryData(?:<[^>]*>)?\(\s*([\s\S]{0,160})/g)) out.push(m[1])
  return out
}

function isGeneratedKey(expression: string, names: Set<string>): boolean {
  const head = expression.replace(/^computed\(\s*\(\)\s*=>\s*/, '').trim()
  if (GENERATED_KEY.test(head)) return true
  const name = /^(\w+)/.exec(head)?.[1]
  return name !== undefined && names.has(name)
}

/** `file: expression` for every key that is not generated. */
function handWrittenKeys(files: Record<string, string>): string[] {
  const names = keyNames(files)
  const out: string[] = []
  for (const [file, text] of Object.entries(files)) {
    for (const expression of keyExpressions(text)) {
      if (!isGeneratedKey(expression, names)) out.push(`${file}: ${expression.split('\n')[0]}`)
    }
  }
  return out
}

/** `file: id` for every `_id: '…'` literal that names no generated operation (a typo matches nothing). */
function unknownOperations(files: Record<string, string>): string[] {
  const out: string[] = []
  for (const [file, text] of Object.entries(files)) {
    for (const m of text.matchAll(/\b_id:\s*'([^']*)'/g)) if (!OPERATIONS.includes(m[1])) out.push(`${file}: ${m[1]}`)
  }
  return out
}

describe('query keys', () => {
  it('reads the sources and the generated operations', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(100)
    expect(Object.keys(sources).some((f) => f.includes('/api/generated/'))).toBe(false)
    expect(OPERATIONS).toContain('membersListMembers')
    expect(OPERATIONS).toContain('duesCalculate')
    expect(keyExpressions(Object.values(sources).join('\n')).length).toBeGreaterThan(10)
  })

  it('uses only generated query keys', () => {
    expect(handWrittenKeys(sources)).toEqual([])
  })

  it('names only real operations in key prefixes', () => {
    expect(unknownOperations(sources)).toEqual([])
  })

  it('would catch hand-written keys and a misspelt operation', () => {
    const fake = {
      'a.ts': "useQuery({ queryKey: ['members', 'list', params], queryFn })",
      'b.ts': 'useQuery({ queryKey: computed(() => mk.detail(id)), queryFn })',
      'c.ts': "client.setQueryData(['dues', 'payment', id], data)",
      'd.ts': "const photoKey = (id: number) => [...qk.member(id), 'photo'] as const\nuseQuery({ queryKey: photoKey(1) })",
      'e.ts': "invalidateQueries({ queryKey: [{ _id: 'membersListMember' }] })",
    }
    expect(handWrittenKeys(fake)).toEqual([
      "a.ts: ['members', 'list', params], queryFn })",
      'b.ts: computed(() => mk.detail(id)), queryFn })',
      "c.ts: ['dues', 'payment', id], data)",
      'd.ts: photoKey(1) })',
    ])
    expect(unknownOperations(fake)).toEqual(['e.ts: membersListMember'])
  })

  it('accepts generated keys, names defined as one, and operation prefixes', () => {
    const fine = {
      'a.ts': 'useQuery(computed(() => ({ ...membersListMembersOptions({ query }), placeholderData })))',
      'b.ts': 'export const memberKey = (id: number) => membersGetMemberQueryKey({ path: { member_id: id } })',
      'c.vue': 'useQuery({ queryKey: computed(() => memberKey(id.value)), queryFn })\nclient.setQueryData(memberKey(1), x)',
      'd.ts': "invalidateQueries({ queryKey: [{ _id: 'membersListMembers' }] })\ninvalidateQueries({ queryKey: duesArrearsQueryKey({ query }) })",
    }
    expect(handWrittenKeys(fine)).toEqual([])
    expect(unknownOperations(fine)).toEqual([])
  })
})

describe('query families', () => {
  const ofDomain = (prefix: string) => OPERATIONS.filter((op) => op.startsWith(prefix))

  it('cover every query of their domain', () => {
    expect([...DUES_QUERIES].sort()).toEqual(ofDomain('dues').sort())
    // The roster and statistics exports and the import template are downloads, never cached queries.
    const downloads = new Set(['membersExportMembers', 'membersExportMemberStatistics', 'membersImportTemplate'])
    expect([...MEMBER_QUERIES].sort()).toEqual(ofDomain('members').filter((op) => !downloads.has(op)).sort())
    expect([...ORGANIZATION_QUERIES].sort()).toEqual([...ofDomain('organizations'), 'policiesGetPolicy'].sort())
    expect([...MEETING_LIST_QUERIES]).toEqual(['meetingsListMeetings', 'meetingsListResolutions'])
  })

  it('invalidate every cached answer of the named operations, and nothing else', async () => {
    const client = new QueryClient()
    const page1 = membersListMembersQueryKey({ query: { page: 1 } })
    const page2 = membersListMembersQueryKey({ query: { page: 2, q: '张' } })
    const member = membersGetMemberQueryKey({ path: { member_id: 7 } })
    const tree = organizationsTreeQueryKey()
    for (const key of [page1, page2, member, tree]) client.setQueryData(key, { any: 'data' })
    const other = ['not', 'generated']
    client.setQueryData(other, 1)

    await invalidateOperations(client, ['membersListMembers', 'organizationsTree'])

    const stale = (key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated
    expect([page1, page2, tree].map(stale)).toEqual([true, true, true])
    expect(stale(member)).toBe(false)
    expect(stale(other)).toBe(false)
    expect(operationOf(member)).toBe('membersGetMember')
    expect(operationOf(other)).toBeUndefined()
  })
})
