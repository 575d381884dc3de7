import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { enumLabel, enumLabels, enumOptions, type EnumGroup } from '@/locales/enums'

describe('enum labels', () => {
  it('labels values in Chinese by default and in English on request', () => {
    expect(enumLabel('orgKind', 'branch')).toBe('党支部')
    expect(enumLabel('postKind', 'organization_member')).toBe('组织委员')
    expect(enumLabel('termStatus', 'due_soon')).toBe('6个月内到期')
    expect(enumLabel('termStatus', 'overdue')).toBe('已逾期')
    expect(enumLabel('orgCategory', 'joint_branch', 'en')).toBe('Joint branch')
  })

  it('shows unknown values as they are and blanks for nothing', () => {
    expect(enumLabel('orgKind', 'space_station')).toBe('space_station')
    expect(enumLabel('orgKind', null)).toBe('')
    expect(enumLabel('orgKind', 'toString')).toBe('toString')
  })

  it('labels audit actions, composing unknown dotted ones', () => {
    expect(enumLabel('auditAction', 'organization.create')).toBe('新建组织')
    expect(enumLabel('auditAction', 'post.delete')).toBe('删除职务')
    expect(enumLabel('auditAction', 'post.delete', 'en')).toBe('Delete post')
    expect(enumLabel('auditAction', 'x.unheard_of')).toBe('x.unheard_of')
  })

  it('lists options in declaration order', () => {
    expect(enumOptions('memberKind')).toEqual([
      { value: 'formal', label: '正式党员' },
      { value: 'probationary', label: '预备党员' },
    ])
  })

  it('covers every enum value of the API contract (openapi/openapi.json)', () => {
    const specPath = resolve(process.cwd(), '../openapi/openapi.json')
    const spec = JSON.parse(readFileSync(specPath, 'utf-8')) as { components: { schemas: Record<string, { enum?: string[] }> } }
    const groups: Record<string, EnumGroup> = {
      OrgKind: 'orgKind',
      OrgCategory: 'orgCategory',
      PostKind: 'postKind',
      MemberKind: 'memberKind',
      PrincipalKind: 'principalKind',
      TermStatus: 'termStatus',
    }
    for (const [schema, group] of Object.entries(groups)) {
      const values = spec.components.schemas[schema]?.enum
      expect(values, schema).toBeDefined()
      for (const v of values!) expect(Object.keys(enumLabels[group]), `${schema}.${v}`).toContain(v)
    }
  })
})
