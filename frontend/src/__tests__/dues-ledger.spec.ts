import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import { installAuth, setupApiClient } from '@/api/client'
import { ApiError } from '@/api/errors'
import type { LedgerRow, MonthCell, MonthState, PaymentRead } from '@/api'
import { i18n } from '@/locales'
import { enumLabel, enumLabels, type EnumGroup } from '@/locales/enums'
import { errorMessage } from '@/locales/errors'
import { amountInWords } from '@/modules/dues/capitals'
import {
  cellLook,
  cellText,
  isPayable,
  monthsText,
  noMonthsReason,
  needsBackPaymentReason,
  needsRemittance,
  newIdempotencyKey,
  paymentBody,
  payableMonths,
  preselect,
  selectionDue,
  validSelection,
  type PaymentForm,
} from '@/modules/dues/ledger'
import { fenToYuan, toFen } from '@/shared/money'
import { duesRoutes } from '@/modules/dues/routes'
import PaymentDialog from '@/modules/dues/components/PaymentDialog.vue'
import { json, mockFetch, pathOf } from './helpers'

const cell = (month: string, state: MonthState, due: string | null, paid = '0.00'): MonthCell => ({
  month,
  due,
  paid,
  balance: due === null ? '0.00' : fenToYuan(Math.max(toFen(due) - toFen(paid), 0)),
  state,
  state_label: enumLabel('duesMonthState', state),
})

/** A year: not a member in Jan, no basis Feb–Mar, exempt Apr, paid May, part paid Jun, unpaid Jul–Nov, upcoming Dec. */
const YEAR: MonthCell[] = [
  cell('2026-01', 'not_member', null),
  cell('2026-02', 'no_basis', null),
  cell('2026-03', 'no_basis', null),
  cell('2026-04', 'exempt', '0.00'),
  cell('2026-05', 'paid', '30.00', '30.00'),
  cell('2026-06', 'partial', '30.00', '10.00'),
  cell('2026-07', 'unpaid', '30.00'),
  cell('2026-08', 'unpaid', '30.00'),
  cell('2026-09', 'unpaid', '30.00'),
  cell('2026-10', 'unpaid', '15.10'),
  cell('2026-11', 'unpaid', '0.20'),
  cell('2026-12', 'upcoming', '0.10'),
]

// parseFen, toFen, fenToYuan and sumYuan live in dues/money (tested in dues.spec.ts).
describe('remittance of large voluntary payments', () => {
  it('flags voluntary payments of 1000 yuan or more for remittance (DUES-07)', () => {
    expect(needsRemittance('999.99')).toBe(false)
    expect(needsRemittance('1000')).toBe(true)
    expect(needsRemittance('1000.00')).toBe(true)
    expect(needsRemittance('25000.5')).toBe(true)
    expect(needsRemittance(null)).toBe(false)
  })
})

describe('大写金额', () => {
  it.each([
    ['0.00', '零元整'],
    ['30.00', '叁拾元整'],
    ['90', '玖拾元整'],
    ['10', '壹拾元整'],
    ['1', '壹元整'],
    ['15.10', '壹拾伍元壹角整'],
    ['1234.56', '壹仟贰佰叁拾肆元伍角陆分'],
    ['0.20', '贰角整'],
    ['0.05', '伍分'],
    ['0.25', '贰角伍分'],
    ['100.05', '壹佰元零伍分'],
    ['105.00', '壹佰零伍元整'],
    ['110', '壹佰壹拾元整'],
    ['1005', '壹仟零伍元整'],
    ['1000', '壹仟元整'],
    ['1010.10', '壹仟零壹拾元壹角整'],
    ['10000', '壹万元整'],
    ['100500', '壹拾万零伍佰元整'],
    ['10005000', '壹仟万零伍仟元整'],
    ['100010000', '壹亿零壹万元整'],
    ['100000000', '壹亿元整'],
    ['123456789.01', '壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分'],
    ['-30.00', '负叁拾元整'],
  ])('%s → %s', (amount, words) => {
    expect(amountInWords(amount)).toBe(words)
  })

  it('is empty for what is not an amount', () => {
    expect(amountInWords('12.345')).toBe('')
    expect(amountInWords(null)).toBe('')
  })
})

describe('ledger cells', () => {
  it('colours cells by state', () => {
    expect(YEAR.map((c) => cellLook(c.state))).toEqual(['none', 'none', 'none', 'exempt', 'paid', 'partial', 'unpaid', 'unpaid', 'unpaid', 'unpaid', 'unpaid', 'none'])
  })

  it('shows paid/due, nothing when no amount can be due', () => {
    expect(cellText(YEAR[4])).toBe('30.00/30.00')
    expect(cellText(YEAR[5])).toBe('10.00/30.00')
    expect(cellText(YEAR[0])).toBeNull()
    expect(cellText(YEAR[1])).toBeNull()
  })

  it('offers unpaid, part-paid and upcoming months with something left to pay', () => {
    expect(payableMonths(YEAR).map((c) => c.month)).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12'])
    expect(isPayable(YEAR[4])).toBe(false)
    expect(isPayable(YEAR[3])).toBe(false)
    expect(isPayable(cell('2026-12', 'upcoming', '0.00'))).toBe(false)
  })

  it('sums the balances of the chosen months in fen', () => {
    expect(selectionDue(YEAR, ['2026-07', '2026-08', '2026-09'])).toBe('90.00')
    expect(selectionDue(YEAR, ['2026-06'])).toBe('20.00')
    expect(selectionDue(YEAR, ['2026-10', '2026-11', '2026-12'])).toBe('15.40')
    // months that cannot be paid count for nothing
    expect(selectionDue(YEAR, ['2026-05', '2026-01', '2026-13'])).toBe('0.00')
    expect(selectionDue(YEAR, [])).toBe('0.00')
  })

  it('keeps valid choices in calendar order', () => {
    expect(validSelection(YEAR, ['2026-09', '2026-05', '2026-07'])).toEqual(['2026-07', '2026-09'])
  })

  it('preselects the clicked month, or every month owed up to now', () => {
    expect(preselect(YEAR, '2026-08')).toEqual(['2026-08'])
    expect(preselect(YEAR, '2026-05')).toEqual([])
    expect(preselect(YEAR, null)).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'])
  })

  it('says why a year has no month to pay (DUES-01: no basis, no due)', () => {
    const noBasis = YEAR.map((c) => cell(c.month, c.month < '2026-03' ? 'not_member' : 'no_basis', null))
    expect(payableMonths(noBasis)).toEqual([])
    expect(noMonthsReason(noBasis)).toBe('noBasis')
    const settled = YEAR.map((c) => cell(c.month, c.month < '2026-07' ? 'no_basis' : 'paid', c.month < '2026-07' ? null : '30.00', '30.00'))
    expect(noMonthsReason(settled)).toBe('settled')
    expect(noMonthsReason(YEAR.map((c) => cell(c.month, 'off_roster', null)))).toBe('none')
  })

  it('writes months grouped by year', () => {
    expect(monthsText(['2026-09', '2026-07', '2026-08'])).toBe('2026年7月、8月、9月')
    expect(monthsText([{ month: '2026-12', amount: '30.00' }, { month: '2027-01', amount: '30.00' }])).toBe('2026年12月，2027年1月')
    expect(monthsText(['2026-07', '2026-08'], 'en')).toBe('2026-07, 2026-08')
    expect(monthsText([])).toBe('')
  })
})

describe('the payment request', () => {
  const form = (patch: Partial<PaymentForm> = {}): PaymentForm => ({
    memberId: 7,
    voluntary: false,
    months: ['2026-07', '2026-08', '2026-09'],
    amount: null,
    method: 'cash',
    reference: '',
    payerName: '',
    paidOn: '2026-11-24',
    note: '',
    ...patch,
  })

  it('sends the months with the sum of their balances', () => {
    expect(paymentBody(form({ payerName: ' 张三 ', note: ' 补交 ' }), YEAR, '2026-11-24')).toEqual({
      problem: null,
      body: { member_id: 7, kind: 'regular', months: ['2026-07', '2026-08', '2026-09'], amount: '90.00', method: 'cash', paid_on: '2026-11-24', payer_name: '张三', note: '补交' },
    })
  })

  it('sends a voluntary amount without months', () => {
    expect(paymentBody(form({ voluntary: true, amount: '1000', method: 'wechat', reference: 'WX1' }), YEAR, '2026-11-24')).toEqual({
      problem: null,
      body: { member_id: 7, kind: 'voluntary', months: [], amount: '1000.00', method: 'wechat', reference: 'WX1', paid_on: '2026-11-24' },
    })
  })

  it('says what is missing', () => {
    expect(paymentBody(form({ months: [] }), YEAR, '2026-11-24').problem).toBe('months')
    expect(paymentBody(form({ months: ['2026-05'] }), YEAR, '2026-11-24').problem).toBe('months')
    expect(paymentBody(form({ voluntary: true, amount: null }), YEAR, '2026-11-24').problem).toBe('amount')
    expect(paymentBody(form({ voluntary: true, amount: '0' }), YEAR, '2026-11-24').problem).toBe('amount')
    expect(paymentBody(form({ method: 'alipay' }), YEAR, '2026-11-24').problem).toBe('reference')
    expect(paymentBody(form({ method: 'bank' }), YEAR, '2026-11-24').problem).toBeNull()
    expect(paymentBody(form({ paidOn: '2026-11-25' }), YEAR, '2026-11-24').problem).toBe('futureDate')
    expect(paymentBody(form({ paidOn: '' }), YEAR, '2026-11-24').problem).toBe('paidOn')
  })

  it('needs a reason for months more than 6 months back (DUES-06)', () => {
    expect(needsBackPaymentReason(['2026-07'], '2027-01-31')).toBe(false)
    expect(needsBackPaymentReason(['2026-08', '2026-07'], '2027-02-01')).toBe(true)
    const late = form({ paidOn: '2027-03-01' })
    expect(paymentBody(late, YEAR, '2027-03-01').problem).toBe('reason')
    expect(paymentBody({ ...late, reason: '  ' }, YEAR, '2027-03-01').problem).toBe('reason')
    expect(paymentBody({ ...late, reason: ' 外出务工 ' }, YEAR, '2027-03-01').body).toMatchObject({ reason: '外出务工' })
    expect(paymentBody(form({ reason: '不需要' }), YEAR, '2026-11-24').body).not.toHaveProperty('reason')
  })

  it('makes v4 UUID idempotency keys, also without crypto.randomUUID (plain http)', () => {
    expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    const fallback = newIdempotencyKey({ getRandomValues: <T extends ArrayBufferView | null>(a: T) => crypto.getRandomValues(a as unknown as Uint8Array) as unknown as T })
    expect(fallback).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey())
  })
})

describe('labels and errors', () => {
  it('covers every dues enum value of the API contract (openapi/openapi.json)', () => {
    const spec = JSON.parse(readFileSync(resolve(process.cwd(), '../openapi/openapi.json'), 'utf-8')) as { components: { schemas: Record<string, { enum?: string[] }> } }
    const groups: Record<string, EnumGroup> = { PaymentKind: 'duesPaymentKind', PaymentMethod: 'duesPaymentMethod', MonthState: 'duesMonthState' }
    for (const [schema, group] of Object.entries(groups)) {
      const values = spec.components.schemas[schema]?.enum
      expect(values, schema).toBeDefined()
      expect(Object.keys(enumLabels[group]).sort(), schema).toEqual([...values!].sort())
    }
  })

  it('matches the backend labels (backend/dangjian/dues/enums.py)', () => {
    const source = readFileSync(resolve(process.cwd(), '../backend/dangjian/dues/enums.py'), 'utf-8')
    for (const [group, prefix] of [
      ['duesPaymentKind', 'PaymentKind'],
      ['duesPaymentMethod', 'PaymentMethod'],
      ['duesMonthState', 'MonthState'],
    ] as const) {
      for (const [value, text] of Object.entries(enumLabels[group])) {
        expect(source, `${prefix}.${value}`).toContain(`${prefix}.${value}: "${text['zh-CN']}"`)
      }
    }
  })

  it('shows the server’s Chinese detail for dues errors, a fixed text in English', () => {
    for (const code of ['dues_amount', 'dues_month_closed', 'dues_payment', 'dues_where', 'dues_reversal', 'dues_remittance']) {
      const err = new ApiError(422, { code, detail: `服务器说明 ${code}` })
      expect(errorMessage(err, 'zh-CN')).toBe(`服务器说明 ${code}`)
      expect(errorMessage(err, 'en')).not.toMatch(/[\u4e00-\u9fff]/)
      expect(errorMessage(new ApiError(409, { code }), 'zh-CN')).toMatch(/[\u4e00-\u9fff]/)
    }
    // A reused key says what to do rather than naming the header.
    const mismatch = new ApiError(409, { code: 'idempotency_mismatch', detail: '该 Idempotency-Key 已用于另一笔内容不同的交纳，请换一个键重新提交' })
    expect(errorMessage(mismatch, 'zh-CN')).not.toContain('Idempotency-Key')
    expect(errorMessage(mismatch, 'zh-CN')).toContain('核对台账')
  })

  it('routes the ledger, the payments and the receipt behind dues.read', () => {
    const byName = Object.fromEntries(duesRoutes.map((r) => [r.name, r]))
    expect(byName['dues-ledger'].meta?.capability).toBe('dues.read')
    expect(byName['dues-ledger'].meta?.menu).toBeDefined()
    expect(byName['dues-payments'].meta?.capability).toBe('dues.read')
    expect(byName['dues-receipt'].path).toBe('dues/payments/:id(\\d+)/receipt')
    expect(byName['dues-receipt'].meta?.menu).toBeUndefined()
  })
})

describe('登记收缴 dialog', () => {
  const row: LedgerRow = {
    member_id: 7,
    name: '测试党员',
    organization_id: 3,
    organization_name: '第一党支部',
    monthly_amount: '30.00',
    months: YEAR,
    due_total: '0',
    paid_total: '0',
    balance_total: '0',
  }
  const paid: PaymentRead = {
    id: 41,
    member_id: 7,
    member_name: '测试党员',
    organization_id: 3,
    organization_name: '第一党支部',
    kind: 'regular',
    kind_label: '按月交纳',
    amount: '60.00',
    months: [
      { month: '2026-08', amount: '30.00' },
      { month: '2026-09', amount: '30.00' },
    ],
    method: 'cash',
    method_label: '现金',
    reference: null,
    payer_name: null,
    collector: '东风社区组织委员',
    paid_on: '2026-11-24',
    receipt_no: '2026-000012',
    back_payment: false,
    advance: false,
    note: null,
    reverses_id: null,
    reversed_by_id: null,
    remit_required: false,
    remitted_on: null,
    remittance_reference: null,
    recorded_by: '东风社区组织委员',
    created_at: '2026-11-24T03:00:00Z',
  }

  beforeEach(() => {
    setupApiClient()
    installAuth({ getToken: () => 'TOKEN', refresh: async () => false, onUnauthorized: () => {} })
    setActivePinia(createPinia())
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  const mountDialog = (month: string | null) => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: { template: '<div />' } },
        { path: '/dues/payments/:id/receipt', name: 'dues-receipt', component: { template: '<div />' } },
      ],
    })
    return mount(PaymentDialog, {
      props: { modelValue: true, row, month },
      global: { plugins: [i18n, router, createPinia(), [VueQueryPlugin, { queryClient }]] },
      attachTo: document.body,
    })
  }
  const $ = (sel: string) => document.body.querySelector(sel)

  it('preselects the clicked month, sums the chosen months and sends one Idempotency-Key, reused on retry', async () => {
    let attempt = 0
    const { calls } = mockFetch(() => {
      attempt += 1
      if (attempt === 1) return json(422, { status: 422, code: 'dues_amount', detail: '金额应为所选月份未交合计 60.00 元（收到 59.00 元）' })
      return json(201, paid)
    })
    const w = mountDialog('2026-08')
    await flushPromises()
    const boxes = [...document.body.querySelectorAll<HTMLInputElement>('[data-testid=payment-months] input[type=checkbox]')]
    expect(boxes).toHaveLength(7)
    const checked = () => boxes.filter((b) => b.checked).length
    expect(checked()).toBe(1)
    expect($('[data-testid=payment-due-amount]')?.textContent).toBe('30.00')
    const september = document.body.querySelector<HTMLInputElement>('[data-month="2026-09"] input')!
    september.click()
    await flushPromises()
    expect(checked()).toBe(2)
    expect($('[data-testid=payment-due-amount]')?.textContent).toBe('60.00')

    const submit = $('[data-testid=payment-submit]') as HTMLButtonElement
    submit.click()
    await flushPromises()
    expect(calls).toHaveLength(1)
    expect(pathOf(calls[0])).toBe('/api/v1/dues/payments')
    const key = calls[0].headers.get('idempotency-key')
    expect(key).toMatch(/^[0-9a-f-]{36}$/)
    expect(await calls[0].json()).toMatchObject({ member_id: 7, kind: 'regular', months: ['2026-08', '2026-09'], amount: '60.00', method: 'cash' })
    expect($('[data-testid=payment-error]')?.textContent).toContain('金额应为所选月份未交合计 60.00 元（收到 59.00 元）')

    submit.click()
    await flushPromises()
    expect(calls).toHaveLength(2)
    expect(calls[1].headers.get('idempotency-key')).toBe(key)
    expect($('[data-testid=receipt-no]')?.textContent).toBe('2026-000012')
    expect($('[data-testid=receipt-words]')?.textContent).toBe('人民币陆拾元整')
    expect($('[data-testid=receipt-months]')?.textContent).toBe('2026年8月、9月')
    expect(w.emitted('paid')?.[0]).toEqual([paid])
    w.unmount()
  })

  it('explains a member without a basis this year and records the basis in the dialog (DUES-01)', async () => {
    const noBasis = YEAR.map((c) => cell(c.month, 'no_basis', null))
    const { calls } = mockFetch((req) =>
      pathOf(req) === '/api/v1/members/7/dues-bases'
        ? json(200, { member_id: 7, current: null, history: [], basis_visible: true, can_edit: true, policy: null })
        : json(404, { status: 404, detail: 'not found' }),
    )
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div />' } }] })
    const w = mount(PaymentDialog, {
      props: { modelValue: true, row: { ...row, monthly_amount: null, months: noBasis }, month: null },
      global: { plugins: [i18n, router, createPinia(), [VueQueryPlugin, { queryClient }]] },
      attachTo: document.body,
    })
    await flushPromises()
    const why = $('[data-testid=payment-no-months]')
    expect(why?.getAttribute('data-reason')).toBe('noBasis')
    expect(why?.textContent).toContain('该党员2026年没有登记党费交纳基数')
    expect(why?.textContent).toContain('请先登记交纳基数')
    expect($('[data-testid=payment-months]')).toBeNull()
    expect($('[data-testid=payment-due]')).toBeNull()
    // nothing to choose: no "choose the months" message, and nothing can be sent
    const submit = $('[data-testid=payment-submit]') as HTMLButtonElement
    expect(submit.disabled).toBe(true)
    submit.click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150))
    expect(document.body.textContent).not.toContain('请选择交纳的月份')
    expect(calls).toHaveLength(0)

    // 登记交纳基数: the basis form opens inside the dialog
    ;($('[data-testid=payment-record-basis]') as HTMLButtonElement).click()
    await flushPromises()
    expect($('[data-testid=payment-basis] [data-testid=dues-bases]')).not.toBeNull()
    expect(calls.map(pathOf)).toContain('/api/v1/members/7/dues-bases')

    // once the basis is recorded the ledger row has months to pay: they are offered, owed ones chosen
    await w.setProps({ row: { ...row, months: YEAR } })
    await flushPromises()
    expect($('[data-testid=payment-no-months]')).toBeNull()
    expect($('[data-testid=payment-basis]')).toBeNull()
    expect(document.body.querySelectorAll('[data-testid=payment-months] input[type=checkbox]')).toHaveLength(7)
    expect($('[data-testid=payment-due-amount]')?.textContent).toBe('125.30')
    expect(submit.disabled).toBe(false)
    w.unmount()
  })

  it('says so when everything due this year is paid', async () => {
    mockFetch(() => json(404, { status: 404, detail: 'not found' }))
    const settled = YEAR.map((c) => cell(c.month, 'paid', '30.00', '30.00'))
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div />' } }] })
    const w = mount(PaymentDialog, {
      props: { modelValue: true, row: { ...row, months: settled }, month: null },
      global: { plugins: [i18n, router, createPinia(), [VueQueryPlugin, { queryClient }]] },
      attachTo: document.body,
    })
    await flushPromises()
    expect($('[data-testid=payment-no-months]')?.getAttribute('data-reason')).toBe('settled')
    expect($('[data-testid=payment-no-months]')?.textContent).toContain('均已交清或免交')
    expect($('[data-testid=payment-record-basis]')).toBeNull()
    w.unmount()
  })

  it('asks for the transaction number of a WeChat payment and warns of remittance from 1000 yuan', async () => {
    const { calls } = mockFetch(() => json(201, paid))
    const w = mountDialog(null)
    await flushPromises()
    ;($('[data-testid=payment-voluntary]') as HTMLElement).click()
    await flushPromises()
    expect($('[data-testid=payment-months]')).toBeNull()
    const amount = $('input[name=payment-amount]') as HTMLInputElement
    amount.value = '999.99'
    amount.dispatchEvent(new Event('input'))
    await flushPromises()
    expect($('[data-testid=payment-remit-notice]')).toBeNull()
    amount.value = '1000'
    amount.dispatchEvent(new Event('input'))
    await flushPromises()
    expect($('[data-testid=payment-remit-notice]')?.textContent).toContain('全额上缴中央')
    ;($('[data-method=wechat] input') as HTMLInputElement).click()
    await flushPromises()
    ;($('[data-testid=payment-submit]') as HTMLButtonElement).click()
    await flushPromises()
    expect(calls).toHaveLength(0)
    await new Promise((r) => setTimeout(r, 150)) // Element Plus shows a form item's message 100 ms late
    expect(document.body.textContent).toContain('微信、支付宝交纳须填写交易流水号')
    w.unmount()
  })
})
