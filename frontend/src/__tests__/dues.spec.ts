import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import { createPinia, setActivePinia } from 'pinia'
import { installAuth, setupApiClient } from '@/api/client'
import type { DuesCategory } from '@/api'
import { i18n } from '@/locales'
import zhCN from '@/locales/zh-CN'
import en from '@/locales/en'
import { canonicalYuan, fenToYuan, normaliseMoney, parseFen, ratePercent, sumYuan, toFen } from '@/shared/money'
import { DUES_CATEGORIES, inputKind } from '@/modules/dues/categories'
import { calculateBody, PREVIEW_DEBOUNCE_MS } from '@/modules/dues/api'
import { duesRoutes } from '@/modules/dues/routes'
import DuesCalculatorView from '@/modules/dues/views/DuesCalculatorView.vue'
import { useSessionStore } from '@/stores/session'
import { json, mockFetch, pathOf } from './helpers'

describe('money input normalisation (the basis is sent as a decimal string)', () => {
  it('keeps well-formed amounts and drops what does not change the value', () => {
    expect(normaliseMoney('3000.01')).toEqual({ value: '3000.01', problem: null })
    expect(normaliseMoney('3000')).toEqual({ value: '3000', problem: null })
    expect(normaliseMoney(' 3000. ')).toEqual({ value: '3000', problem: null })
    expect(normaliseMoney('003000.5')).toEqual({ value: '3000.5', problem: null })
    expect(normaliseMoney('.5')).toEqual({ value: '0.5', problem: null })
    expect(normaliseMoney('0')).toEqual({ value: '0', problem: null })
    expect(normaliseMoney('999999999.99')).toEqual({ value: '999999999.99', problem: null })
  })

  it('accepts what a Chinese keyboard or a payslip gives: full-width digits, separators, ¥ and 元', () => {
    expect(normaliseMoney('３０００．０１')).toEqual({ value: '3000.01', problem: null })
    expect(normaliseMoney('３０００。５')).toEqual({ value: '3000.5', problem: null })
    expect(normaliseMoney('12,345.67')).toEqual({ value: '12345.67', problem: null })
    expect(normaliseMoney('¥ 4,000元')).toEqual({ value: '4000', problem: null })
    expect(normaliseMoney('￥5000')).toEqual({ value: '5000', problem: null })
  })

  it('treats an empty field as nothing to ask yet', () => {
    expect(normaliseMoney('')).toEqual({ value: null, problem: null })
    expect(normaliseMoney('   ')).toEqual({ value: null, problem: null })
  })

  it('names the problem of a bad amount', () => {
    expect(normaliseMoney('abc').problem).toBe('invalid')
    expect(normaliseMoney('1e3').problem).toBe('invalid')
    expect(normaliseMoney('3000.0.1').problem).toBe('invalid')
    expect(normaliseMoney('.').problem).toBe('invalid')
    expect(normaliseMoney('-1').problem).toBe('negative')
    expect(normaliseMoney('-1.5').problem).toBe('negative')
    expect(normaliseMoney('-x').problem).toBe('invalid')
    expect(normaliseMoney('3000.001').problem).toBe('tooManyDecimals')
    expect(normaliseMoney('1000000000').problem).toBe('tooLarge')
    expect(normaliseMoney('0001000000000').problem).toBe('tooLarge')
    expect(normaliseMoney('000100000000').value).toBe('100000000')
  })

  it('always yields the server pattern when it yields a value', () => {
    const samples = ['1', '1.2', '01.20', '３', '1,000', '¥1', '9.', '.99', '123456789.1']
    for (const s of samples) {
      const { value } = normaliseMoney(s)
      expect(value, s).toMatch(/^\d{1,9}(\.\d{1,2})?$/)
    }
  })
})

describe('money in fen (no float arithmetic)', () => {
  it('parses decimal strings into integer fen', () => {
    expect(parseFen('15.00')).toBe(1500)
    expect(parseFen('15')).toBe(1500)
    expect(parseFen('0.2')).toBe(20)
    expect(parseFen('0.20')).toBe(20)
    expect(parseFen('0.05')).toBe(5)
    expect(parseFen('12.3')).toBe(1230)
    expect(parseFen('1000')).toBe(100000)
    expect(parseFen('-30.50')).toBe(-3050)
    expect(parseFen('-0.20')).toBe(-20)
    expect(parseFen('999999999.99')).toBe(99999999999)
    expect(parseFen(' 1.10 ')).toBe(110)
    expect(parseFen(' 0.1 ')).toBe(10)
    expect(parseFen('1.234')).toBeNull()
    expect(parseFen('abc')).toBeNull()
    expect(parseFen('')).toBeNull()
    expect(parseFen(null)).toBeNull()
    expect(parseFen('999999999999999999')).toBeNull() // beyond exact integers
    expect(toFen(null)).toBe(0)
    expect(toFen(undefined)).toBe(0)
  })

  it('formats fen as yuan with two decimals', () => {
    expect(fenToYuan(1500)).toBe('15.00')
    expect(fenToYuan(1230)).toBe('12.30')
    expect(fenToYuan(20)).toBe('0.20')
    expect(fenToYuan(5)).toBe('0.05')
    expect(fenToYuan(0)).toBe('0.00')
    expect(fenToYuan(-3050)).toBe('-30.50')
    expect(fenToYuan(-20)).toBe('-0.20')
    // A chart axis may ask for a fraction of a fen.
    expect(fenToYuan(2.6)).toBe('0.03')
    expect(fenToYuan(-0.4)).toBe('0.00')
    expect(canonicalYuan('0.5')).toBe('0.50')
    expect(canonicalYuan('x')).toBe('x')
  })

  it('adds exactly where floats would not', () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004; in fen it is exact.
    expect(fenToYuan(toFen('0.1') + toFen('0.2'))).toBe('0.30')
    expect(sumYuan(['0.10', '0.20'])).toBe('0.30')
    expect(sumYuan(['0.10', '0.20', '0.30', null])).toBe('0.60')
    expect(sumYuan(['15.10', '15.10', '15.10'])).toBe('45.30')
    expect(sumYuan(['30.00', '-30.00'])).toBe('0.00')
    expect(sumYuan([])).toBe('0.00')
  })
})

describe('rates as percentages, exactly', () => {
  it('turns the server rate strings into percentages without floats', () => {
    expect(ratePercent('0.005')).toBe('0.5%')
    expect(ratePercent('0.01')).toBe('1%')
    expect(ratePercent('0.015')).toBe('1.5%')
    expect(ratePercent('0.02')).toBe('2%')
    expect(ratePercent('1')).toBe('100%')
    expect(ratePercent('0.1')).toBe('10%')
    expect(ratePercent('0.0001')).toBe('0.01%')
    expect(ratePercent('0.00')).toBe('0%')
  })
})

describe('what each category asks for (DUES-02)', () => {
  it('a basis, a set amount (farmers) or nothing (0.20 yuan)', () => {
    const kinds = Object.fromEntries(DUES_CATEGORIES.map((c) => [c, inputKind(c)]))
    expect(kinds).toEqual({
      salaried: 'basis',
      annual_salary: 'basis',
      self_employed: 'basis',
      retired: 'basis',
      farmer: 'amount',
      student: 'none',
      unemployed: 'none',
      relief: 'none',
      low_income: 'none',
    })
  })

  it('builds the request body only when there is something to ask', () => {
    expect(calculateBody('salaried', '3000.01')).toEqual({ category: 'salaried', basis: '3000.01' })
    expect(calculateBody('retired', null)).toBeNull()
    expect(calculateBody('farmer', '0.5')).toEqual({ category: 'farmer', fixed_amount: '0.5' })
    expect(calculateBody('student', null)).toEqual({ category: 'student' })
    expect(calculateBody('student', '3')).toEqual({ category: 'student' })
  })

  it('dues01: sends the deductions with the organisation whose policy counts them, with a basis only', () => {
    const amounts = { pension: '200', housing_fund: '300.5' }
    expect(calculateBody('salaried', '5200', { organizationId: 7, amounts })).toEqual({
      category: 'salaried',
      basis: '5200',
      organization_id: 7,
      deductions: { pension: '200', housing_fund: '300.5' },
    })
    // no organisation: the platform default decides (the server refuses what it does not count)
    expect(calculateBody('salaried', '5200', { organizationId: null, amounts: { pension: '200' } })).toEqual({
      category: 'salaried',
      basis: '5200',
      deductions: { pension: '200' },
    })
    // nothing deducted: the plain body (one cache entry whatever the organisation)
    expect(calculateBody('salaried', '5200', { organizationId: 7, amounts: {} })).toEqual({ category: 'salaried', basis: '5200' })
    expect(calculateBody('salaried', '5200', { organizationId: 7, amounts: null })).toEqual({ category: 'salaried', basis: '5200' })
    // no basis yet, a farmer's amount or a fixed category: never any deduction
    expect(calculateBody('salaried', null, { organizationId: 7, amounts })).toBeNull()
    expect(calculateBody('farmer', '0.5', { organizationId: 7, amounts })).toEqual({ category: 'farmer', fixed_amount: '0.5' })
    expect(calculateBody('student', null, { organizationId: 7, amounts })).toEqual({ category: 'student' })
    // the body does not share the caller's object
    const body = calculateBody('salaried', '5200', { organizationId: 7, amounts })
    expect(body?.deductions).not.toBe(amounts)
  })

  it('has a Chinese label and an explanation of the basis for every category, in both languages', () => {
    for (const c of DUES_CATEGORIES) {
      expect(zhCN.dues.categories[c], c).toMatch(/[\u4e00-\u9fff]/)
      expect(zhCN.dues.basisHelp[c], c).toMatch(/[\u4e00-\u9fff]/)
      expect(en.dues.categories[c], c).toMatch(/[A-Za-z]/)
      expect(en.dues.basisHelp[c], c).toMatch(/[A-Za-z]/)
    }
    expect(zhCN.dues.categories.salaried).toBe('在职（按月领取工资）')
    expect(zhCN.dues.basisHelp.salaried).toMatch(/相对固定、经常性的部分.*减去个人所得税/)
    expect(zhCN.dues.basisHelp.retired).toMatch(/离退休费/)
    expect(zhCN.dues.basisHelp.self_employed).toMatch(/上一季度的月平均纯收入/)
    expect(Object.keys(en.dues).sort()).toEqual(Object.keys(zhCN.dues).sort())
  })

  it('is one menu page for every signed-in user', () => {
    const [route] = duesRoutes
    expect(route.path).toBe('dues/calculator')
    expect(route.meta?.capability).toBeUndefined()
    expect(route.meta?.member).toBeUndefined()
    expect(route.meta?.menu).toBeDefined()
  })
})

describe('党费计算器 page', () => {
  const answers: Record<string, unknown> = {
    '3000.01': { category: 'salaried', category_label: '在职（按月领取工资）', rate: '0.01', monthly_amount: '30.00', bracket: '3000元以上至5000元（含）' },
    '3000': { category: 'salaried', category_label: '在职（按月领取工资）', rate: '0.005', monthly_amount: '15.00', bracket: '3000元（含）以下' },
  }

  /** The calculator for a signed-in user; `me` is what /auth/me gave (nothing: no organisation). */
  const mountView = (me: unknown = null) => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().me = me as never
    return mount(DuesCalculatorView, { global: { plugins: [i18n, pinia, [VueQueryPlugin, { queryClient }]] }, attachTo: document.body })
  }
  const memberMe = {
    principal_kind: 'member',
    user: { id: 9, username: 'member', display_name: '李建国', is_admin: false, must_change_password: false, totp_enabled: false, organization_id: null },
    member: { id: 31, name: '李建国', organization_id: 5, organization_name: '第一党支部', kind: 'formal' },
    posts: [],
    organizations: [],
    global_capabilities: [],
    restricted: false,
  }

  beforeEach(() => {
    vi.useFakeTimers()
    setupApiClient()
    installAuth({ getToken: () => 'TOKEN', refresh: async () => false, onUnauthorized: () => {} })
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  const settle = async () => {
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS + 10)
    await flushPromises()
  }

  it('asks the server once typing pauses and shows rate, amount and bracket', async () => {
    const { calls } = mockFetch(async (req) => {
      const body = (await req.json()) as { basis: string }
      return json(200, answers[body.basis])
    })
    const w = mountView()
    await flushPromises()
    expect(w.find('[data-testid=dues-basis-help]').text()).toMatch(/减去个人所得税/)
    expect(w.find('[data-testid=dues-waiting]').text()).toBe('填写金额后自动计算')

    const input = w.find('input[name=dues-amount]')
    for (const typed of ['3', '30', '300', '3000', '3000.', '3000.0', '3000.01']) await input.setValue(typed)
    expect(calls).toHaveLength(0)
    await settle()
    expect(calls).toHaveLength(1)
    expect(pathOf(calls[0])).toBe('/api/v1/dues/calculate')
    expect(calls[0].method).toBe('POST')
    expect(await calls[0].json()).toEqual({ category: 'salaried', basis: '3000.01' })
    expect(w.find('[data-testid=dues-rate]').text()).toBe('1%')
    expect(w.find('[data-testid=dues-amount]').text()).toBe('30.00')
    expect(w.find('[data-testid=dues-bracket]').text()).toContain('3000元以上至5000元（含）')

    await input.setValue('3000')
    await settle()
    expect(w.find('[data-testid=dues-rate]').text()).toBe('0.5%')
    expect(w.find('[data-testid=dues-amount]').text()).toBe('15.00')
    w.unmount()
  })

  it('says what is wrong with a bad amount without asking the server', async () => {
    const { fn } = mockFetch(() => json(500, {}))
    const w = mountView()
    await w.find('input[name=dues-amount]').setValue('3000.001')
    await settle()
    expect(fn).not.toHaveBeenCalled()
    expect(w.find('.el-form-item__error').text()).toBe('金额至多保留两位小数（到分）')
    w.unmount()
  })

  it('shows the server’s Chinese 422 detail next to the field', async () => {
    mockFetch(() => json(422, { status: 422, code: 'dues_input', title: '提交的数据不符合要求', detail: '农民党员每月交纳金额应在0.20元至1.00元之间（收到 1.50 元）' }))
    const w = mountView()
    const vm = w.vm as unknown as { category: DuesCategory }
    vm.category = 'farmer'
    await flushPromises()
    expect(w.find('[data-testid=dues-basis-help]').text()).toMatch(/0\.20 元至 1\.00 元/)
    await w.find('input[name=dues-amount]').setValue('1.50')
    await settle()
    await vi.advanceTimersByTimeAsync(150) // Element Plus shows a form item's message 100 ms late
    expect(w.find('.el-form-item__error').text()).toBe('农民党员每月交纳金额应在0.20元至1.00元之间（收到 1.50 元）')
    expect(w.find('[data-testid=dues-amount]').exists()).toBe(false)
    w.unmount()
  })

  it('dues01: sends the deductions with the member’s own organisation and shows what was deducted', async () => {
    const { calls } = mockFetch(async (req) => {
      const body = (await req.json()) as { deductions?: Record<string, string> }
      if (body.deductions?.medical) {
        return json(422, { status: 422, code: 'dues_input', title: '提交的数据不符合要求', detail: '本组织计算税后收入时不扣除「个人缴纳的医疗保险」，请不要填写该项' })
      }
      return json(200, {
        category: 'salaried',
        category_label: '在职（按月领取工资）',
        rate: '0.01',
        monthly_amount: '50.00',
        bracket: '3000元以上至5000元（含）',
        calculation_basis: body.deductions ? '5000.00' : '5200.00',
        deducted: body.deductions ? ['个人缴纳的养老保险'] : [],
      })
    })
    const w = mountView(memberMe)
    await flushPromises()
    const section = w.find('[data-testid=dues-deductions]')
    expect(section.text()).toContain('扣除项目（可选）')
    expect(w.find('[data-testid=dues-deductions-note]').text()).toContain('按「第一党支部」的规定扣除')
    for (const key of ['pension', 'medical', 'unemployment', 'housing_fund', 'annuity']) expect(w.find(`input[name=dues-deduction-${key}]`).exists(), key).toBe(true)

    await w.find('input[name=dues-amount]').setValue('5200')
    await w.find('input[name=dues-deduction-pension]').setValue('200')
    await settle()
    expect(calls).toHaveLength(1)
    expect(await calls[0].json()).toEqual({ category: 'salaried', basis: '5200', organization_id: 5, deductions: { pension: '200' } })
    expect(w.find('[data-testid=dues-amount]').text()).toBe('50.00')
    expect(w.find('[data-testid=dues-calculation-basis]').text()).toBe('5000.00')
    expect(w.find('[data-testid=dues-deducted]').text()).toContain('已扣除：个人缴纳的养老保险')

    // a bad amount is named where it was typed, kept as typed, and nothing is asked
    const medical = w.find('input[name=dues-deduction-medical]')
    await medical.setValue('1OO')
    await settle()
    await vi.advanceTimersByTimeAsync(150)
    expect(calls).toHaveLength(1)
    expect((medical.element as HTMLInputElement).value).toBe('1OO')
    expect(w.find('.dues__deductions .el-form-item__error').text()).toBe('请输入数字金额，如 3000.00')

    // an item the organisation does not count: the server's refusal, by the deductions
    await medical.setValue('100')
    await settle()
    await vi.advanceTimersByTimeAsync(150)
    expect(calls).toHaveLength(2)
    expect(w.find('[data-testid=dues-deductions-error]').text()).toBe('本组织计算税后收入时不扣除「个人缴纳的医疗保险」，请不要填写该项')

    // more deducted than earned: said here, not asked
    await medical.setValue('')
    await w.find('input[name=dues-deduction-housing_fund]').setValue('5100')
    await settle()
    expect(calls).toHaveLength(2)
    expect(w.find('[data-testid=dues-deductions-error]').text()).toBe('扣除项合计不能超过月缴费基数')
    w.unmount()
  })

  it('dues01: without an organisation the platform default applies and nothing is deducted', async () => {
    mockFetch(() => json(500, {}))
    const w = mountView(null)
    await flushPromises()
    expect(w.find('[data-testid=dues-deductions-note]').text()).toBe('您的账号未关联党组织，按平台默认规定计算：除个人所得税外不另行扣除。')
    expect(w.find('input[name=dues-deduction-pension]').exists()).toBe(false)
    // retired: no deductions section at all
    const vm = w.vm as unknown as { category: DuesCategory }
    vm.category = 'retired'
    await flushPromises()
    expect(w.find('[data-testid=dues-deductions]').exists()).toBe(false)
    w.unmount()
  })
})
