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
      Gender: 'gender',
      MemberStatus: 'memberStatus',
      Category: 'memberCategory',
      MemberListKind: 'memberList',
      EventType: 'eventType',
      RemovalKind: 'removalKind',
      Education: 'education',
      Degree: 'degree',
      ProfessionalTitle: 'professionalTitle',
      NewStratum: 'newStratum',
    }
    for (const [schema, group] of Object.entries(groups)) {
      const values = spec.components.schemas[schema]?.enum
      expect(values, schema).toBeDefined()
      for (const v of values!) expect(Object.keys(enumLabels[group]), `${schema}.${v}`).toContain(v)
    }
  })

  it('labels the roster value lists the spec leaves as plain strings (backend/dangjian/members/enums.py)', () => {
    // ETHNICITIES and WORK_POSTS are validated by the backend but not enums in the OpenAPI
    // document; read them from the backend source so the selects offer exactly those values.
    const source = readFileSync(resolve(process.cwd(), '../backend/dangjian/members/enums.py'), 'utf-8')
    const tuple = (name: string) => {
      const body = source.slice(source.indexOf(`${name}: tuple[str, ...] = (`), source.indexOf(')  # fmt: skip', source.indexOf(name)))
      return [...body.matchAll(/"([^"]+)"/g)].map((m) => m[1])
    }
    const ethnicities = tuple('ETHNICITIES')
    const posts = tuple('WORK_POSTS')
    expect(ethnicities).toHaveLength(58)
    expect(posts.length).toBeGreaterThan(30)
    expect(Object.keys(enumLabels.ethnicity)).toEqual(ethnicities)
    expect(Object.keys(enumLabels.workPost)).toEqual(posts)
  })

  it('labels every roster enum in both languages', () => {
    const groups: EnumGroup[] = ['gender', 'memberStatus', 'memberCategory', 'eventType', 'removalKind', 'education', 'ethnicity', 'workPost', 'ageBand', 'joiningPeriod']
    for (const g of groups) {
      for (const v of Object.keys(enumLabels[g])) {
        expect(enumLabel(g, v, 'zh-CN'), `${g}.${v}`).toMatch(/[\u4e00-\u9fff]/)
        expect(enumLabel(g, v, 'en'), `${g}.${v}`).toMatch(/[A-Za-z0-9]/)
      }
    }
    expect(enumLabel('memberStatus', 'transferred_out')).toBe('已转出')
    expect(enumLabel('eventType', 'transfer_out')).toBe('转出')
    expect(enumLabel('auditAction', 'member.reveal')).toBe('查看完整个人信息')
  })
})

