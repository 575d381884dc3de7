import { describe, expect, it } from 'vitest'
import { readCookie } from '@/utils/cookies'
import { describeUserAgent, formatDate } from '@/utils/format'
import { ancestorsOf, countNodes, findNode, idFromPath, withoutSubtree } from '@/shared/org-tree'
import { passwordClasses } from '@/modules/auth/password'
import type { OrganizationNode } from '@/api'

const node = (id: number, children: OrganizationNode[] = []): OrganizationNode => ({
  id,
  parent_id: null,
  name: `组织${id}`,
  short_name: null,
  kind: 'branch',
  category: null,
  code: null,
  established_on: null,
  path: `/${id}/`,
  depth: 0,
  member_count: 0,
  sort_order: 0,
  children,
})

describe('utilities', () => {
  it('reads cookies by exact name', () => {
    expect(readCookie('dj_csrf', 'a=1; dj_csrf=x%2By; dj_csrf2=no')).toBe('x+y')
    expect(readCookie('missing', 'a=1')).toBeNull()
  })

  it('formats dates and user agents', () => {
    expect(formatDate('2026-01-05')).toBe('2026-01-05')
    expect(formatDate(null)).toBe('')
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36')).toBe('Chrome · Linux')
  })

  it('walks the organisation tree', () => {
    const tree = [node(1, [node(2, [node(3)]), node(4)])]
    expect(findNode(tree, 3)?.name).toBe('组织3')
    expect(ancestorsOf(tree, 3).map((n) => n.id)).toEqual([1, 2])
    expect(countNodes(withoutSubtree(tree, 2))).toBe(2)
    expect(idFromPath('/1/4/9/')).toBe(9)
    expect(idFromPath(null)).toBeNull()
  })

  it('counts password character classes', () => {
    expect(passwordClasses('abc')).toBe(1)
    expect(passwordClasses('Abc123')).toBe(3)
    expect(passwordClasses('Abc#123')).toBe(4)
  })
})
