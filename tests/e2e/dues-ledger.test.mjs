/**
 * 党费台账, 登记收缴, 收据 and 冲正 in the browser (DUES-06/07/10), against one real backend with the
 * demo data. The suite makes its own data through the API — a new 党小组 with one new member and a
 * 在职 basis of 3000.01 (30.00 a month) from a few months back — so the demo's own dues records do
 * not matter. zuzhi opens 党费台账, sees the three months red, records them in the dialog (WeChat,
 * paid by a relative), sees the receipt with its number and 玖拾元整, the cells turn green; then
 * reverses the payment on 收缴记录 with a reason, and the cells are red again.
 * Run: node --test --test-concurrency=1 tests/e2e/dues-ledger.test.mjs   (after building the SPA)
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { api, apiToken, browserSuite, checkPrintable, chooseOption, idNumber, screenshot, signInToDashboard, SKIP } from './harness.mjs'


const BRANCH = '第二党支部（和平里网格）'
const GROUP = '台账测试党小组'
const MEMBER = '台账测试员'
const PAYER = '张小明'
const REASON = '交纳方式登记错误'

function findOrg(nodes, name) {
  for (const n of nodes) {
    if (n.name === name) return n
    const hit = findOrg(n.children ?? [], name)
    if (hit) return hit
  }
  return null
}

const label = (index) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`

/**
 * Three past months of one year to pay: from three months before the current one, moved back to
 * October when that would run into the next year (the ledger shows one year at a time).
 */
function monthsToPay(currentMonth) {
  const [y, m] = currentMonth.split('-').map(Number)
  let first = y * 12 + (m - 1) - 3
  if (first % 12 > 9) first = Math.floor(first / 12) * 12 + 9
  const months = [first, first + 1, first + 2].map(label)
  return { year: Math.floor(first / 12), months, numbers: [first, first + 1, first + 2].map((i) => (i % 12) + 1) }
}

describe('党费台账：登记收缴、收据与冲正 in the browser', { skip: SKIP }, () => {
  let backend
  let browser
  let page
  let org
  let member
  let plan
  let receiptNo
  const sentKeys = []

  const suite = browserSuite()
  before(async () => {
    ({ backend, browser, page } = suite)
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/dues/payments') sentKeys.push(r.headers()['idempotency-key'] ?? null)
    })

    // Our own data: a group under 第二党支部, one member admitted long ago, a basis from a few months back.
    const token = await apiToken(backend.base, 'zuzhi')
    const tree = await api(backend.base, token, 'GET', '/organizations/tree')
    assert.equal(tree.status, 200)
    const branch = findOrg(tree.body, BRANCH)
    assert.ok(branch, BRANCH)
    const created = await api(backend.base, token, 'POST', '/organizations', { parent_id: branch.id, name: GROUP, kind: 'group', category: 'group' })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    org = created.body
    const m = await api(backend.base, token, 'POST', '/members', { name: MEMBER, organization_id: org.id, id_number: idNumber(), kind: 'formal', joined_on: '2010-07-01', converted_on: '2011-07-01' })
    assert.equal(m.status, 201, JSON.stringify(m.body))
    member = m.body

    const grid = await api(backend.base, token, 'GET', `/dues/ledger?org_id=${org.id}`)
    assert.equal(grid.status, 200)
    plan = monthsToPay(grid.body.current_month)
    const basis = await api(backend.base, token, 'POST', `/members/${member.id}/dues-bases`, { category: 'salaried', basis: '3000.01', effective_month: plan.months[0] })
    assert.equal(basis.status, 201, JSON.stringify(basis.body))
  })


  const cellOf = (month) => page.locator(`[data-testid=ledger-cell][data-member="${member.id}"][data-month="${month}"]`)

  async function openLedger() {
    await page.locator('[data-menu=dues-ledger]').click()
    await page.locator('[data-testid=dues-ledger]').waitFor()
    await chooseOption(page, page.locator('[data-testid=ledger-org]'), GROUP)
    if (plan.year !== new Date().getFullYear()) await chooseOption(page, page.locator('[data-testid=ledger-year]'), `${plan.year}年`)
    await page.locator('[data-testid=ledger-member]').filter({ hasText: MEMBER }).waitFor()
  }

  it('zuzhi sees the months owed in red, records three months by WeChat and gets the receipt', async () => {
    await signInToDashboard(page, backend.base, 'zuzhi')
    await openLedger()
    assert.equal((await page.locator('[data-testid=ledger-count]').innerText()).trim(), '共 1 名党员')
    const legend = await page.locator('[data-testid=ledger-legend]').innerText()
    for (const text of ['已交', '未交足', '未交', '免交', '未到期']) assert.ok(legend.includes(text), `${text} in the legend`)

    for (const month of plan.months) {
      const cell = cellOf(month)
      assert.equal(await cell.getAttribute('data-state'), 'unpaid', month)
      assert.match(await cell.getAttribute('class'), /cell--unpaid/)
      assert.equal((await cell.innerText()).replace(/\s/g, ''), '0.00/30.00')
    }
    // Before the basis, nothing can be due: grey.
    if (plan.numbers[0] > 1) {
      const before = cellOf(`${plan.year}-${String(plan.numbers[0] - 1).padStart(2, '0')}`)
      assert.equal(await before.getAttribute('data-state'), 'no_basis')
      assert.match(await before.getAttribute('class'), /cell--none/)
    }
    await screenshot(page, '88-dues-ledger-owed')

    // Click the first red month: the dialog opens with it chosen; add the next two.
    await cellOf(plan.months[0]).click()
    const dialog = page.locator('[data-testid=payment-dialog]')
    await dialog.waitFor()
    assert.equal((await dialog.locator('[data-testid=payment-member]').innerText()).trim(), MEMBER)
    const box = (month) => dialog.locator(`[data-testid=payment-months] [data-month="${month}"]`)
    assert.ok(await box(plan.months[0]).locator('input').isChecked())
    assert.equal((await dialog.locator('[data-testid=payment-due-amount]').innerText()).trim(), '30.00')
    await box(plan.months[1]).click()
    await box(plan.months[2]).click()
    await dialog.locator('[data-testid=payment-due-amount]').filter({ hasText: /^90\.00$/ }).waitFor()

    // WeChat needs the transaction number.
    await dialog.locator('[data-method=wechat]').click()
    await dialog.locator('[data-testid=payment-submit]').click()
    await dialog.locator('.el-form-item__error').filter({ hasText: '微信、支付宝交纳须填写交易流水号' }).waitFor()
    assert.equal(sentKeys.length, 0, 'nothing sent while the number is missing')
    await dialog.locator('input[name=payment-reference]').fill('WX20261124001')
    await dialog.locator('input[name=payment-payer]').fill(PAYER)
    await screenshot(page, '89-dues-payment-dialog')
    await dialog.locator('[data-testid=payment-submit]').click()

    // The receipt.
    await dialog.locator('[data-testid=payment-saved]').waitFor()
    receiptNo = (await dialog.locator('[data-testid=receipt-no]').innerText()).trim()
    assert.match(receiptNo, /^\d{4}-\d{6}$/)
    assert.equal((await dialog.locator('[data-testid=receipt-amount]').innerText()).trim(), '90.00')
    assert.equal((await dialog.locator('[data-testid=receipt-words]').innerText()).trim(), '人民币玖拾元整')
    const monthsText = `${plan.year}年${plan.numbers.map((n) => `${n}月`).join('、')}`
    assert.equal((await dialog.locator('[data-testid=receipt-months]').innerText()).trim(), monthsText)
    assert.equal((await dialog.locator('[data-testid=receipt-member]').innerText()).trim(), MEMBER)
    assert.equal((await dialog.locator('[data-testid=receipt-org]').innerText()).trim(), GROUP)
    assert.equal((await dialog.locator('[data-testid=receipt-payer]').innerText()).trim(), PAYER)
    assert.equal((await dialog.locator('[data-testid=receipt-method]').innerText()).trim(), '微信')
    assert.match((await dialog.locator('[data-testid=receipt-collector]').innerText()).trim(), /^东风社区组织委员/)
    assert.equal(sentKeys.length, 1)
    assert.match(sentKeys[0] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'an Idempotency-Key was sent')
    await screenshot(page, '90-dues-payment-receipt')
    await dialog.locator('[data-testid=payment-done]').click()

    // The cells turn green, the row adds up.
    for (const month of plan.months) {
      await page.locator(`[data-testid=ledger-cell][data-member="${member.id}"][data-month="${month}"][data-state=paid]`).waitFor()
      assert.match(await cellOf(month).getAttribute('class'), /cell--paid/)
      assert.equal((await cellOf(month).innerText()).replace(/\s/g, ''), '30.00/30.00')
    }
    const row = page.locator('[data-testid=ledger-table] tbody tr').filter({ hasText: MEMBER })
    assert.equal((await row.locator('[data-testid=row-paid]').innerText()).trim(), '90.00')
    const footer = await page.locator('[data-testid=ledger-footer]').innerText()
    assert.ok(footer.includes('本页合计') && footer.includes('90.00'), footer)
    await screenshot(page, '91-dues-ledger-paid')

    // The member statement lists the payment with its receipt number.
    await page.locator('[data-testid=ledger-member]').filter({ hasText: MEMBER }).click()
    const drawer = page.locator('[data-testid=statement-drawer]')
    await drawer.locator('[data-testid=statement-receipt]').filter({ hasText: receiptNo }).waitFor()
    assert.match(await drawer.locator('[data-testid=statement-payment]').first().innerText(), /90\.00/)
    await screenshot(page, '95-dues-member-statement')
    await drawer.locator('.el-drawer__close-btn').click()

    // The server agrees.
    const token = await apiToken(backend.base, 'zuzhi')
    const statement = await api(backend.base, token, 'GET', `/dues/members/${member.id}/statement?year=${plan.year}`)
    assert.deepEqual(
      statement.body.months.filter((c) => plan.months.includes(c.month)).map((c) => c.state),
      ['paid', 'paid', 'paid'],
    )
    // Paying the same months again is refused with the server's Chinese detail.
    const again = await api(backend.base, token, 'POST', '/dues/payments', { member_id: member.id, months: plan.months, amount: '90.00', method: 'cash' })
    assert.equal(again.status, 409)
    assert.equal(again.body.code, 'dues_month_closed')
  })

  it('the receipt page prints the receipt alone', async () => {
    const payments = await api(backend.base, await apiToken(backend.base, 'zuzhi'), 'GET', `/dues/payments?member_id=${member.id}`)
    const payment = payments.body.items.find((p) => p.receipt_no === receiptNo)
    assert.ok(payment)
    await page.goto(`${backend.base}/dues/payments/${payment.id}/receipt`)
    await page.locator('[data-testid=receipt-no]').filter({ hasText: receiptNo }).waitFor()
    assert.equal((await page.locator('[data-testid=receipt-words]').innerText()).trim(), '人民币玖拾元整')
    await checkPrintable(page, page.locator('[data-testid=receipt]'))
    await screenshot(page, '92-dues-receipt-print')
    await page.emulateMedia({ media: 'screen' })
  })

  it('zuzhi reverses the payment on 收缴记录 with a reason; the cells go back to red', async () => {
    await page.locator('[data-menu=dues-payments]').click()
    await page.locator('[data-testid=dues-payments]').waitFor()
    const table = page.locator('[data-testid=payments-table]')
    const row = table.locator('.el-table__body-wrapper .el-table__row').filter({ hasText: receiptNo })
    await row.waitFor()
    assert.ok((await row.innerText()).includes(MEMBER))

    // The fixed status column is rendered apart: find the button by the payment it belongs to.
    const statusOf = (id) => page.locator(`[data-testid=payment-status][data-payment="${id}"]`).filter({ visible: true })
    const payments = await api(backend.base, await apiToken(backend.base, 'zuzhi'), 'GET', `/dues/payments?member_id=${member.id}`)
    const original = payments.body.items.find((p) => p.receipt_no === receiptNo)
    await statusOf(original.id).locator('[data-testid=payment-reverse]').click()
    const box = page.locator('.reverse-confirm')
    await box.waitFor()
    assert.match(await box.locator('.el-message-box__message').innerText(), new RegExp(`${MEMBER}.*90\\.00.*${receiptNo}`))
    // A reason is required.
    await box.locator('input').fill('错')
    await box.locator('.el-message-box__btns .el-button--danger').click()
    await box.locator('.el-message-box__errormsg').filter({ hasText: '请填写冲正原因' }).waitFor()
    await box.locator('input').fill(REASON)
    await box.locator('.el-message-box__btns .el-button--danger').click()
    await page.locator('.el-message--success').filter({ hasText: '已冲正' }).waitFor()

    // The original stays, struck through, linked to its reversal; the reversal is listed too.
    const link = statusOf(original.id).locator('[data-testid=payment-reversal-link]')
    await link.waitFor()
    await page.locator('.row--reversed').first().waitFor()
    const struck = await row.locator('td').first().locator('.cell').evaluate((el) => getComputedStyle(el).textDecorationLine)
    assert.match(struck, /line-through/)
    const reversalRow = table.locator('.el-table__body-wrapper .el-table__row.row--reversal').filter({ hasText: MEMBER })
    await reversalRow.waitFor()
    assert.ok((await reversalRow.innerText()).includes('-90.00'))
    await screenshot(page, '93-dues-payments-reversed')

    // The reversal record: its reason and a way back to the original.
    await link.click()
    await page.locator('[data-testid=receipt]').waitFor()
    assert.equal((await page.locator('[data-testid=receipt] h2').innerText()).trim(), '党费冲正记录')
    assert.equal((await page.locator('[data-testid=receipt-note]').innerText()).trim(), REASON)
    assert.equal((await page.locator('[data-testid=receipt-amount]').innerText()).trim(), '-90.00')
    await page.locator('[data-testid=receipt-original]').waitFor()

    // Back in the ledger the months are owed again.
    await openLedger()
    for (const month of plan.months) {
      await page.locator(`[data-testid=ledger-cell][data-member="${member.id}"][data-month="${month}"][data-state=unpaid]`).waitFor()
      assert.match(await cellOf(month).getAttribute('class'), /cell--unpaid/)
    }
    const ledgerRow = page.locator('[data-testid=ledger-table] tbody tr').filter({ hasText: MEMBER })
    assert.equal((await ledgerRow.locator('[data-testid=row-paid]').innerText()).trim(), '0.00')
    await screenshot(page, '94-dues-ledger-reversed')
  })

  it('raised no page error', () => {
    assert.deepEqual(browser.events.pageErrors, [])
    assert.deepEqual(browser.events.cspViolations, [])
    assert.deepEqual(browser.events.foreignRequests, [])
  })
})
