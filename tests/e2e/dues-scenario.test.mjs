/**
 * Issue 6's scenario, across two browsers' worth of roles, on one real backend with the demo data:
 * zuzhi sets 李建国's basis on the member page (3000.00 → 15.00 a month, from three months back),
 * finds him on 欠交党费, records a quarterly payment in the 党费台账 dialog, and 欠交党费 loses him;
 * then `member` (李建国) opens 我的党费 on a phone and sees the three months paid with the receipt.
 * Run: node --test --test-concurrency=1 tests/e2e/dues-scenario.test.mjs   (after building the SPA)
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { api, apiToken, browserSuite, chooseOption, screenshot, signInToDashboard, signOut, SKIP } from './harness.mjs'


const GROUP = '第一党小组'
const NAME = '李建国'
const label = (index) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`

/**
 * The quarter to pay: the three months before the current one, or — when those straddle a new
 * year (the ledger shows one year at a time) — October to December of the year before. Either way
 * the member owes 3 or more months before and fewer than 3 after.
 */
function quarterToPay(currentMonth) {
  const [y, m] = currentMonth.split('-').map(Number)
  const current = y * 12 + (m - 1)
  let first = current - 3
  if (first % 12 > 9) first = Math.floor(first / 12) * 12 + 9
  return { year: Math.floor(first / 12), months: [first, first + 1, first + 2].map(label), owedBefore: current - first }
}

describe('党费：基数 → 欠交 → 按季度交纳 → 我的党费', { skip: SKIP }, () => {
  let backend
  let browser
  let page
  let lee
  let plan
  let receiptNo

  const suite = browserSuite()
  before(async () => {
    ({ backend, browser, page } = suite)
    const token = await apiToken(backend.base, 'zuzhi')
    const found = await api(backend.base, token, 'GET', `/members?q=${encodeURIComponent(NAME)}&size=10`)
    assert.equal(found.status, 200)
    lee = found.body.items.find((m) => m.name === NAME && m.organization_name === GROUP)
    assert.ok(lee, `${NAME} of ${GROUP}`)
    const grid = await api(backend.base, token, 'GET', `/dues/ledger?org_id=${lee.organization_id}`)
    plan = quarterToPay(grid.body.current_month)
  })


  async function arrearsRow() {
    await page.locator('[data-menu=dues-arrears]').click()
    await page.locator('[data-testid=dues-arrears]').waitFor()
    await page.waitForURL(/\/dues\/arrears\?org=\d+/)
    const table = page.locator('[data-testid=arrears-table]')
    await table.waitFor()
    await page.locator('[data-testid=arrears-table] .el-loading-mask').waitFor({ state: 'detached' }).catch(() => {})
    return table.locator('.el-table__body-wrapper .el-table__row').filter({ has: page.locator(`[data-member="${NAME}"]`) })
  }

  it('zuzhi records the basis on the member page; 欠交党费 lists the member', async () => {
    await signInToDashboard(page, backend.base, 'zuzhi')
    await page.goto(`${backend.base}/members/${lee.id}?tab=dues`)
    await page.locator('[data-testid=dues-bases]').waitFor()
    await chooseOption(page, page.locator('[data-testid=basis-category]'), '在职（按月领取工资）')
    const month = page.locator('input[name=basis-month]')
    await month.fill(plan.months[0])
    await month.press('Enter')
    await page.locator('input[name=basis-amount]').pressSequentially('3000.00', { delay: 20 })
    await page.locator('[data-testid=basis-preview][data-pending=false] [data-testid=basis-preview-amount]').filter({ hasText: /^15\.00$/ }).waitFor()
    await page.locator('[data-testid=basis-save]').click()
    await page.locator('.basis-confirm .el-message-box__btns .el-button--primary').click()
    await page.locator('.el-message--success').filter({ hasText: '党费基数已登记' }).waitFor()
    await screenshot(page, 'c0-dues-scenario-basis')

    const row = await arrearsRow()
    await row.waitFor()
    assert.match(await row.innerText(), new RegExp(`${plan.owedBefore} 个月`))
    await screenshot(page, 'c1-dues-scenario-arrears')
  })

  it('zuzhi records a quarterly payment in 党费台账 and 欠交党费 loses the member', async () => {
    await page.locator('[data-menu=dues-ledger]').click()
    await page.locator('[data-testid=dues-ledger]').waitFor()
    await chooseOption(page, page.locator('[data-testid=ledger-org]'), GROUP)
    if (plan.year !== new Date().getFullYear()) await chooseOption(page, page.locator('[data-testid=ledger-year]'), `${plan.year}年`)
    const cell = (m) => page.locator(`[data-testid=ledger-cell][data-member="${lee.id}"][data-month="${m}"]`)
    await cell(plan.months[0]).waitFor()
    for (const m of plan.months) assert.equal(await cell(m).getAttribute('data-state'), 'unpaid', m)

    await cell(plan.months[0]).click()
    const dialog = page.locator('[data-testid=payment-dialog]')
    await dialog.waitFor()
    for (const m of plan.months.slice(1)) await dialog.locator(`[data-testid=payment-months] [data-month="${m}"]`).click()
    await dialog.locator('[data-testid=payment-due-amount]').filter({ hasText: /^45\.00$/ }).waitFor()
    await dialog.locator('[data-method=cash]').click()
    await dialog.locator('[data-testid=payment-submit]').click()
    await dialog.locator('[data-testid=payment-saved]').waitFor()
    receiptNo = (await dialog.locator('[data-testid=receipt-no]').innerText()).trim()
    assert.match(receiptNo, /^\d{4}-\d{6}$/)
    assert.equal((await dialog.locator('[data-testid=receipt-words]').innerText()).trim(), '人民币肆拾伍元整')
    await screenshot(page, 'c2-dues-scenario-receipt')
    await dialog.locator('[data-testid=payment-done]').click()
    for (const m of plan.months) await page.locator(`[data-testid=ledger-cell][data-member="${lee.id}"][data-month="${m}"][data-state=paid]`).waitFor()

    const table = page.locator('[data-testid=arrears-table]')
    await arrearsRow()
    await table.locator('.el-table__body-wrapper .el-table__row').first().waitFor()
    // The page may first show the list it had cached before the payment; the refetch drops him.
    await table.locator(`[data-member="${NAME}"]`).waitFor({ state: 'detached', timeout: 10000 })
    assert.equal(await table.locator(`[data-member="${NAME}"]`).count(), 0, `${NAME} is no longer listed`)
    const token = await apiToken(backend.base, 'zuzhi')
    const arrears = await api(backend.base, token, 'GET', `/dues/arrears?org_id=${lee.organization_id}`)
    assert.ok(!arrears.body.rows.some((r) => r.member_id === lee.id))
    await screenshot(page, 'c3-dues-scenario-arrears-after')
    await signOut(page)
  })

  it('李建国 sees the payment on 我的党费 on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await signInToDashboard(page, backend.base, 'member')
    await page.goto(`${backend.base}/my/dues`)
    await page.locator('[data-testid=my-dues]').waitFor()
    if (plan.year !== new Date().getFullYear()) {
      await page.locator('[data-testid=my-dues-prev]').click()
      await page.locator('[data-testid=my-dues-year]').filter({ hasText: String(plan.year) }).waitFor()
    }
    for (const m of plan.months) await page.locator(`[data-testid=my-dues-month][data-month="${m}"][data-state=paid]`).waitFor()
    await page.locator('[data-testid=my-dues-receipt]').filter({ hasText: receiptNo }).waitFor()
    const width = await page.evaluate(() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth])
    assert.ok(width[0] <= width[1], `no sideways scrolling at 390 px: ${width}`)
    await screenshot(page, 'c4-dues-scenario-my-dues-390')
  })
})
