/**
 * 党费计算器 on a 390 px phone, against one real backend with the demo data (DUES-01, DUES-02):
 * the member opens it from the menu, picks a category, types the monthly basis and sees the rate
 * and the monthly dues the server computed — the bracket edge 3000.00 / 3000.01 included.
 * Run: node --test --test-concurrency=1 tests/e2e/   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { before, beforeEach, describe, it } from 'node:test'
import { api, apiToken, browserSuite, chooseOption, screenshot, signInToDashboard, SKIP } from './harness.mjs'


const PHONE = { width: 390, height: 844 }

/** No horizontal scrolling of the page at phone width. */
async function assertNoSideScroll(page, what) {
  const m = await page.evaluate(() => ({ scrollWidth: document.scrollingElement.scrollWidth, clientWidth: document.scrollingElement.clientWidth }))
  assert.ok(m.scrollWidth <= m.clientWidth, `${what} at 390 px: ${JSON.stringify(m)}`)
}

/** Wait until the shown result is the answer to what was typed last, then read it. */
async function readResult(page, { rate, amount }) {
  await page.locator('[data-testid=dues-result][data-pending=false]').waitFor()
  await page.locator('[data-testid=dues-rate]').filter({ hasText: new RegExp(`^${rate.replace(/[.%]/g, '\\$&')}$`) }).waitFor()
  await page.locator('[data-testid=dues-amount]').filter({ hasText: new RegExp(`^${amount.replace('.', '\\.')}$`) }).waitFor()
  return {
    rate: (await page.locator('[data-testid=dues-rate]').innerText()).trim(),
    amount: (await page.locator('[data-testid=dues-amount]').innerText()).trim(),
    bracket: (await page.locator('[data-testid=dues-bracket]').innerText()).trim(),
  }
}

describe('党费计算器 on a phone (390 px)', { skip: SKIP }, () => {
  let backend
  let browser
  let page

  const suite = browserSuite({ browsers: [{ viewport: PHONE }] })
  before(() => {
    ({ backend, browser, page } = suite)
  })

  beforeEach(async () => {
    await browser.context.clearCookies()
    await page.goto(backend.base + '/login')
  })


  it('member opens it from the menu; 在职 3000.01 → 1% and 30.00; 3000 → 0.5% and 15.00', async () => {
    await signInToDashboard(page, backend.base, 'member')

    // In the menu (a drawer on phones), for every signed-in user.
    await page.locator('.header__toggle').click()
    const entry = page.locator('.menu-drawer [data-menu=dues-calculator]')
    await entry.waitFor()
    assert.equal((await entry.innerText()).trim(), '党费计算器')
    await entry.click()
    await page.waitForURL(/\/dues\/calculator$/)
    await page.locator('[data-testid=dues-calculator]').waitFor()
    await page.locator('.menu-drawer').waitFor({ state: 'hidden' }).catch(() => {})

    // Another category first: its basis is explained.
    const select = page.locator('[data-testid=dues-category]')
    await chooseOption(page, select, '离退休')
    await page.locator('[data-testid=dues-basis-help]').filter({ hasText: '离退休费' }).waitFor()

    // 在职（按月领取工资）: the basis is the fixed regular pay less income tax.
    await chooseOption(page, select, '在职（按月领取工资）')
    await page.locator('[data-testid=dues-basis-help]').filter({ hasText: '减去个人所得税' }).waitFor()
    assert.match(await select.innerText(), /在职（按月领取工资）/)
    await page.locator('[data-testid=dues-waiting]').filter({ hasText: '填写金额后自动计算' }).waitFor()

    const input = page.locator('input[name=dues-amount]')
    assert.equal(await input.getAttribute('inputmode'), 'decimal')
    await input.pressSequentially('3000.01', { delay: 40 })
    const above = await readResult(page, { rate: '1%', amount: '30.00' })
    assert.deepEqual(above, { rate: '1%', amount: '30.00', bracket: '在职（按月领取工资） · 3000元以上至5000元（含）' })
    await assertNoSideScroll(page, '党费计算器')
    await screenshot(page, '80-dues-calculator-3000.01-390')

    await input.fill('3000')
    const edge = await readResult(page, { rate: '0.5%', amount: '15.00' })
    assert.deepEqual(edge, { rate: '0.5%', amount: '15.00', bracket: '在职（按月领取工资） · 3000元（含）以下' })
    await assertNoSideScroll(page, '党费计算器')
    await screenshot(page, '81-dues-calculator-3000-390')

    // Typing was debounced: far fewer requests than keystrokes, and every one answered.
    const calls = browser.events.apiResponses.filter((r) => r.url.endsWith('/api/v1/dues/calculate'))
    assert.ok(calls.length >= 2 && calls.length <= 4, `debounced requests: ${calls.length}`)
    assert.ok(calls.every((r) => r.method === 'POST' && r.status === 200), JSON.stringify(calls))
  })

  it('a farmer’s amount outside the range is refused in Chinese; a student pays a fixed 0.20', async () => {
    await signInToDashboard(page, backend.base, 'member')
    await page.goto(`${backend.base}/dues/calculator`)
    const select = page.locator('[data-testid=dues-category]')
    await select.waitFor()

    await chooseOption(page, select, '农民')
    const input = page.locator('input[name=dues-amount]')
    await input.fill('1.50')
    await page.locator('.el-form-item__error').filter({ hasText: '农民党员每月交纳金额应在0.20元至1.00元之间' }).waitFor()
    assert.equal(await page.locator('[data-testid=dues-amount]').count(), 0, 'no amount for a refused input')
    await input.fill('0.5')
    const farmer = await readResult(page, { rate: '固定金额', amount: '0.50' })
    assert.match(farmer.bracket, /每月0\.20元至1\.00元/)

    await chooseOption(page, select, '学生')
    assert.equal(await page.locator('input[name=dues-amount]').count(), 0, 'nothing to fill in')
    const student = await readResult(page, { rate: '固定金额', amount: '0.20' })
    assert.match(student.bracket, /学生 · 每月固定0\.20元/)
    await assertNoSideScroll(page, '党费计算器（学生）')

    // The same answer through the API, money as strings.
    const token = await apiToken(backend.base, 'member')
    const res = await api(backend.base, token, 'POST', '/dues/calculate', { category: 'salaried', basis: '3000.01' })
    assert.equal(res.status, 200)
    assert.deepEqual({ rate: res.body.rate, monthly_amount: res.body.monthly_amount }, { rate: '0.01', monthly_amount: '30.00' })
  })

  it('raised no page error', () => {
    assert.deepEqual(browser.events.pageErrors, [])
    assert.deepEqual(browser.events.cspViolations, [])
    assert.deepEqual(browser.events.foreignRequests, [])
  })
})
