import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/errors'
import { errorMessage, errorTexts, fieldErrors } from '@/locales/errors'

const problem = (status: number, code: string, detail = '') => new ApiError(status, { status, code, detail, title: '' })

describe('error-code mapping', () => {
  it('maps known codes to fixed Chinese and English text', () => {
    const err = problem(401, 'invalid_credentials', '用户名或密码错误')
    expect(errorMessage(err, 'zh-CN')).toBe('用户名或密码错误')
    expect(errorMessage(err, 'en')).toBe('Wrong username or password.')
  })

  it('prefers the server detail where it carries specifics (lock duration)', () => {
    const err = problem(429, 'account_locked', '连续登录失败次数过多，账号已锁定，请 15 分钟后再试')
    expect(errorMessage(err, 'zh-CN')).toContain('15 分钟')
    expect(errorMessage(err, 'en')).toMatch(/locked/)
    expect(errorMessage(problem(429, 'account_locked'), 'zh-CN')).toBe(errorTexts.account_locked['zh-CN'])
  })

  it('falls back to the detail for unknown codes, then to the status', () => {
    expect(errorMessage(problem(409, 'quorum_not_met', '到会人数不足'), 'zh-CN')).toBe('到会人数不足')
    expect(errorMessage(problem(404, 'weird'), 'zh-CN')).toBe('对象不存在或无权访问')
    expect(errorMessage(problem(409, 'weird'), 'en')).toBe(errorTexts.conflict.en)
  })

  it('handles network failures and non-API errors', () => {
    expect(errorMessage(new ApiError(0, null), 'zh-CN')).toBe(errorTexts.network_error['zh-CN'])
    expect(errorMessage(new Error('boom'), 'zh-CN')).toBe('操作失败，请稍后再试')
  })

  it('collects field errors of a 422 answer', () => {
    const err = new ApiError(422, {
      status: 422,
      code: 'validation_error',
      detail: 'name：必填',
      errors: [
        { field: 'name', message: '必填' },
        { field: 'name', message: '过长' },
        { field: 'kind', message: '取值不在允许范围内' },
      ],
    })
    expect(fieldErrors(err)).toEqual({ name: '必填', kind: '取值不在允许范围内' })
    expect(errorMessage(err, 'zh-CN')).toBe('name：必填')
  })

  it('has Chinese and English text for every code', () => {
    for (const [code, text] of Object.entries(errorTexts)) {
      expect(text['zh-CN'], code).toMatch(/[\u4e00-\u9fff]/)
      expect(text.en, code).toMatch(/[A-Za-z]/)
    }
  })

  it('says a 412 means someone else changed the record', () => {
    expect(errorMessage(problem(412, 'precondition_failed', '数据已被他人修改，请刷新后重试'), 'zh-CN')).toBe('数据已被他人修改，请刷新后重试')
    expect(errorMessage(problem(412, 'http_412'), 'zh-CN')).toBe('数据已被他人修改，请刷新后重试')
    expect(errorMessage(problem(429, 'reveal_rate_limited'), 'en')).toMatch(/too often/)
    expect(errorMessage(problem(409, 'id_number_taken'), 'zh-CN')).toBe('该公民身份号码已登记在其他党员名下')
  })
})

