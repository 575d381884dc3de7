/**
 * 欠交党费, 减免党费, 党费报表 and 我的党费 in the browser, against one real backend with the demo
 * data. Data are made here through the API (never taken from the demo totals):
 *  - zuzhi records bases 8 months back for 李建国 (the `member` account) and for a member without
 *    an account → both listed as 自行脱党 cases → reminders: one sent, one to remind in person;
 *  - zuzhi applies for a reduction for that member, the secretary (branch) agrees, the street
 *    approves — all through the pages;
 *  - the reports show the month per organisation with a total, the year, the published summary and
 *    the 年初核定 list; the 党费收缴登记册 downloads as .xlsx;
 *  - `member` opens 我的党费 at 390 px from the reminder in the inbox: the year in colours, the
 *    payment with its receipt number, and applies to pay less;
 *  - the secretary sets the dues parameters (choice, choices, money range, months) on 工作制度参数;
 *    the basis form shows the mode, the deductions and the farmers' range; next year's 年初核定
 *    is confirmed.
 * Run: node --test --test-concurrency=1 tests/e2e/dues-admin.test.mjs   (after building the SPA)
 */
import assert from 'node:assert/strict'
import { before, beforeEach, describe, it } from 'node:test'
import { api, apiToken, browserSuite, chooseOption, findByName, screenshot, signInToDashboard, signOut, SKIP } from './harness.mjs'


const GROUP2 = '第二党小组'

/** "YYYY-MM" of the month `back` months before this one. */
function monthBack(back) {
  const d = new Date()
  d.setDate(1)
  d.setMonth(d.getMonth() - back)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
}

/** A member of `orgName` whose name is unique on the roster and who has no account. */
async function memberWithoutAccount(base, token, orgName, taken) {
  const seen = new Map()
  const all = []
  for (let page = 1; ; page++) {
    const res = await api(base, token, 'GET', `/members?size=100&page=${page}`)
    assert.equal(res.status, 200)
    for (const m of res.body.items) {
      seen.set(m.name, (seen.get(m.name) ?? 0) + 1)
      all.push(m)
    }
    if (page * 100 >= res.body.total) break
  }
  const pick = all.find((m) => m.organization_name === orgName && seen.get(m.name) === 1 && m.status === 'normal' && !taken.includes(m.name))
  assert.ok(pick, `a member of ${orgName} with a unique name`)
  return pick
}

/** Yuan text → integer fen (no floating-point money, even in tests). */
function fen(text) {
  const [whole, fraction = ''] = String(text).split('.')
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
}

async function assertNoSideScroll(page, what) {
  const m = await page.evaluate(() => ({ scrollWidth: document.scrollingElement.scrollWidth, clientWidth: document.scrollingElement.clientWidth }))
  assert.ok(m.scrollWidth <= m.clientWidth, `${what} at 390 px: ${JSON.stringify(m)}`)
}

/** Open a menu entry and wait for its page. */
async function openMenu(page, name, testid) {
  await page.locator(`[data-menu=${name}]`).click()
  await page.locator(`[data-testid=${testid}]`).waitFor()
}

describe('党费管理 and 我的党费 in the browser', { skip: SKIP }, () => {
  let backend
  let browser
  let page
  let zuzhi
  let lee // 李建国, the `member` account
  let other // a member without an account
  const since = monthBack(8)

  const suite = browserSuite()
  before(async () => {
    ({ backend, browser, page } = suite)
    zuzhi = await apiToken(backend.base, 'zuzhi')
    const me = await api(backend.base, await apiToken(backend.base, 'member'), 'GET', '/auth/me')
    lee = me.body.member
    assert.equal(lee.name, '李建国')
    other = await memberWithoutAccount(backend.base, zuzhi, GROUP2, [lee.name, '王秀英'])
    // Bases from 8 months back, nothing paid: both are behind by more than the lapse threshold (6).
    for (const [m, basis] of [
      [lee, '4000.00'],
      [other, '2000.00'],
    ]) {
      const res = await api(backend.base, zuzhi, 'POST', `/members/${m.id}/dues-bases`, { category: 'salaried', basis, effective_month: since, note: 'e2e' })
      assert.equal(res.status, 201, JSON.stringify(res.body))
    }
  })

  beforeEach(async () => {
    await page.setViewportSize({ width: 1366, height: 860 })
    await browser.context.clearCookies()
    await page.goto(backend.base + '/login')
  })


  it('欠交党费: both members are 自行脱党 cases; reminders — one sent, one to remind in person', async () => {
    await signInToDashboard(page, backend.base, 'zuzhi')
    await openMenu(page, 'dues-arrears', 'dues-arrears')
    await page.waitForURL(/\/dues\/arrears\?org=\d+/)
    await page.locator('[data-testid=arrears-lapse-note]').filter({ hasText: '提交支部党员大会研究，平台不自动处理' }).waitFor()
    const table = page.locator('[data-testid=arrears-table]')
    const rowOf = (name) => table.locator('.el-table__body-wrapper .el-table__row').filter({ has: page.locator(`[data-member="${name}"]`) })
    for (const m of [lee, other]) {
      const row = rowOf(m.name)
      await row.waitFor()
      const text = await row.innerText()
      assert.match(text, /自行脱党案例/, text)
      assert.match(text, new RegExp(since), `first owed month in ${text}`)
      assert.match(text, /[89] 个月/, text)
    }
    assert.match(await rowOf(other.name).innerText(), /无账号，需当面或电话提醒/)
    assert.match(await rowOf(lee.name).innerText(), /有账号/)
    assert.equal(await table.locator('.caret-wrapper').count(), 0, 'people are not sortable (no ranking)')
    await screenshot(page, 'a0-dues-arrears')

    // Select both and send.
    const remind = page.locator('[data-testid=arrears-remind]')
    assert.ok(await remind.isDisabled(), 'nothing selected yet')
    for (const m of [lee, other]) await rowOf(m.name).locator('.el-checkbox').click()
    await remind.click()
    const box = page.locator('.arrears-confirm')
    await box.waitFor()
    const message = await box.locator('.el-message-box__message').innerText()
    assert.match(message, /向 2 名党员发送站内提醒/)
    assert.match(message, /其中 1 人没有账号/)
    await box.locator('.el-message-box__btns .el-button--primary').click()
    const result = page.locator('[data-testid=remind-result]')
    await result.locator('[data-testid=remind-sent]').filter({ hasText: '已向 1 名党员发送站内提醒' }).waitFor()
    assert.match(await result.locator('[data-testid=remind-in-person]').innerText(), new RegExp(other.name))
    await screenshot(page, 'a1-dues-arrears-reminded')
    await result.locator('[data-testid=remind-close]').click()
    // The list now says when 李建国 was reminded.
    await rowOf(lee.name).locator('[data-testid=arrears-reminded]').filter({ hasText: /上次提醒/ }).waitFor()
    await signOut(page)
  })

  it('减免党费: zuzhi applies, the secretary agrees for the branch, the street approves', async () => {
    const first = monthBack(-1)
    const last = monthBack(-3)
    await signInToDashboard(page, backend.base, 'zuzhi')
    await openMenu(page, 'dues-exemptions', 'dues-exemptions')
    await page.locator('[data-testid=exemption-apply]').click()
    const dialog = page.locator('[data-testid=exemption-dialog]')
    await dialog.waitFor()
    // Nothing filled in: the form says what is missing.
    await dialog.locator('[data-testid=exemption-submit]').click()
    await dialog.getByText('请选择党员').waitFor()
    await chooseOption(page, dialog.locator('[data-testid=exemption-member]'), other.name, other.name)
    await dialog.locator('input[name=exemption-amount]').fill('5')
    for (const [name, value] of [
      ['exemption-first', first],
      ['exemption-last', last],
    ]) {
      const input = dialog.locator(`input[name=${name}]`)
      await input.fill(value)
      await input.press('Enter')
    }
    await dialog.locator('textarea[name=exemption-reason]').fill('家庭生活困难，申请少交党费')
    await screenshot(page, 'a2-dues-exemption-form')
    await dialog.locator('[data-testid=exemption-submit]').click()
    await page.locator('.el-message--success').filter({ hasText: '申请已提交' }).waitFor()
    const rowOf = () => page.locator('[data-testid=exemption-table] .el-table__body-wrapper .el-table__row').filter({ hasText: other.name })
    await rowOf().locator('[data-testid=exemption-status][data-status=proposed]').waitFor()
    const text = await rowOf().innerText()
    for (const part of ['少交', '每月 5.00 元', `${first} 至 ${last}`, '待支部决定']) assert.ok(text.includes(part), `${part} in ${text}`)
    assert.equal(await rowOf().locator('[data-testid=exemption-decide]').count(), 0, 'the organisation committee member does not decide')
    await signOut(page)

    // The secretary decides for the branch.
    await signInToDashboard(page, backend.base, 'secretary')
    await openMenu(page, 'dues-exemptions', 'dues-exemptions')
    await rowOf().locator('[data-testid=exemption-decide]').click()
    const decision = page.locator('[data-testid=decision-dialog]')
    await decision.waitFor()
    assert.match(await decision.innerText(), /党支部研究决定/)
    await decision.locator('textarea[name=decision-note]').fill('经支部委员会研究同意')
    await decision.locator('[data-testid=decision-approve]').click()
    await rowOf().locator('[data-testid=exemption-status][data-status=branch_approved]').waitFor()
    assert.match(await rowOf().locator('[data-testid=exemption-branch]').innerText(), /东风社区党委书记/)
    // The one who decided cannot also approve.
    assert.equal(await rowOf().locator('[data-testid=exemption-approve]').count(), 0)
    // The status filter.
    await chooseOption(page, page.locator('[data-testid=exemption-status-filter]'), '待上级党委批准')
    await page.waitForURL(/status=branch_approved/)
    await rowOf().waitFor()
    await signOut(page)

    // The street approves.
    await signInToDashboard(page, backend.base, 'street')
    await openMenu(page, 'dues-exemptions', 'dues-exemptions')
    await rowOf().locator('[data-testid=exemption-approve]').click()
    await decision.waitFor()
    assert.match(await decision.innerText(), /上一级党委批准/)
    assert.match(await decision.innerText(), /经支部委员会研究同意/)
    await decision.locator('[data-testid=decision-approve]').click()
    await rowOf().locator('[data-testid=exemption-status][data-status=approved]').waitFor()
    assert.match(await rowOf().locator('[data-testid=exemption-approval]').innerText(), /街道党工委工作人员/)
    await screenshot(page, 'a3-dues-exemption-approved')

    // The ledger follows: those months are now due at 5.00.
    const statement = await api(backend.base, zuzhi, 'GET', `/dues/members/${other.id}/statement?year=${first.slice(0, 4)}`)
    assert.equal(statement.status, 200)
    assert.equal(statement.body.months.find((m) => m.month === first).due, '5.00')
    await signOut(page)
  })

  it('党费报表: the month per organisation with a total, the year, the published card, 年初核定, the register', async () => {
    // One month paid for 李建国 (the amount the ledger says is outstanding for it).
    const statement = await api(backend.base, zuzhi, 'GET', `/dues/members/${lee.id}/statement?year=${since.slice(0, 4)}`)
    const cell = statement.body.months.find((m) => m.month === since)
    assert.ok(cell && cell.balance !== '0.00', JSON.stringify(cell))
    const paid = await api(backend.base, zuzhi, 'POST', '/dues/payments', { member_id: lee.id, months: [since], amount: cell.balance, method: 'cash', reason: '长期外出，回来后补交' })
    assert.equal(paid.status, 201, JSON.stringify(paid.body))

    await signInToDashboard(page, backend.base, 'zuzhi')
    await openMenu(page, 'dues-reports', 'dues-reports')
    const monthly = page.locator('[data-testid=monthly-table]')
    const totalRow = monthly.locator('.el-table__body-wrapper .el-table__row.is-total')
    await totalRow.waitFor()
    assert.match(await totalRow.innerText(), /合计/)
    assert.ok((await monthly.locator('.el-table__body-wrapper .el-table__row').count()) >= 2, 'a row per organisation and the total')
    assert.match(await monthly.innerText(), /东风社区第一党总支/)
    await page.locator('[data-testid=collection-chart-org] canvas').waitFor()
    await page.waitForTimeout(1200) // the bars grow into place
    await screenshot(page, 'a4-dues-report-month')

    // The month the payment was for: the table shows the server's figures (demo data may add to them).
    const input = page.locator('input[name=report-month]')
    await input.fill(since)
    await input.press('Enter')
    await page.waitForURL(new RegExp(`month=${since}`))
    const orgId = Number(new URL(page.url()).searchParams.get('org'))
    const report = await api(backend.base, zuzhi, 'GET', `/dues/reports/monthly?org_id=${orgId}&month=${since}`)
    assert.equal(report.status, 200)
    assert.ok(fen(report.body.total.collected) >= fen(cell.balance), `the payment is counted: ${JSON.stringify(report.body.total)}`)
    await totalRow.filter({ hasText: report.body.total.collected }).filter({ hasText: report.body.total.amount_due }).waitFor()
    const branchRow = report.body.rows.find((r) => r.organization_name === '东风社区第一党总支')
    assert.ok(branchRow, 'the general branch of 李建国 has a row')
    await monthly.locator('.el-table__body-wrapper .el-table__row').filter({ hasText: '东风社区第一党总支' }).filter({ hasText: branchRow.collected }).waitFor()

    await page.locator('.el-tabs__item').filter({ hasText: '年度收缴' }).click()
    await page.waitForURL(/tab=yearly/)
    const yearly = page.locator('[data-testid=yearly-table]')
    await yearly.locator('.el-table__row.is-total').waitFor()
    assert.equal(await yearly.locator('.el-table__body-wrapper .el-table__row').count(), 13, '12 months and the total')
    await page.locator('[data-testid=collection-chart-month] canvas').waitFor()

    await page.locator('.el-tabs__item').filter({ hasText: '收缴情况公布' }).click()
    const card = page.locator('[data-testid=published-card]')
    await card.waitFor()
    const cardText = await card.innerText()
    assert.match(cardText, /党费收缴使用情况公布/)
    assert.match(cardText, /东风社区党委/)
    assert.match(await card.locator('[data-testid=published-rate]').innerText(), /^\d+\.\d%$/)
    for (const name of [lee.name, other.name]) assert.ok(!cardText.includes(name), 'figures only, no names')
    await screenshot(page, 'a5-dues-published')

    await page.locator('.el-tabs__item').filter({ hasText: '年初核定' }).click()
    await page.locator('[data-testid=assessment]').waitFor()
    assert.match(await page.locator('[data-testid=assessment-mode]').innerText(), /按月/)
    assert.match(await page.locator('[data-testid=assessment-confirmed]').innerText(), /尚未确认/)
    await page.locator('[data-testid=assessment-table] .el-table__row').filter({ hasText: lee.name }).waitFor()
    assert.equal(await page.locator('[data-testid=assessment-confirm]').count(), 0, 'nothing to confirm in the monthly mode')

    // 党费收缴登记册: an .xlsx through the authenticated client.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=register-download]').click()])
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    await page.locator('.el-message--success').filter({ hasText: '已导出' }).waitFor()
    await signOut(page)
  })

  it('我的党费 at 390 px: from the reminder in the inbox to the year, the receipt, and an application', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await signInToDashboard(page, backend.base, 'member')
    await page.goto(`${backend.base}/inbox`)
    const reminder = page.locator('[data-testid=inbox-item][data-kind=dues_arrears]').first()
    await reminder.waitFor()
    assert.match(await reminder.innerText(), /党费交纳提醒/)
    await reminder.click()
    await page.waitForURL(/\/my\/dues$/)
    const view = page.locator('[data-testid=my-dues]')
    await view.waitFor()

    const year = Number(since.slice(0, 4))
    const thisYear = new Date().getFullYear()
    if (year !== thisYear) {
      await page.locator('[data-testid=my-dues-prev]').click()
      await page.locator('[data-testid=my-dues-year]').filter({ hasText: String(year) }).waitFor()
    }
    const tiles = page.locator('[data-testid=my-dues-month]')
    await tiles.first().waitFor()
    assert.equal(await tiles.count(), 12)
    await page.locator(`[data-testid=my-dues-month][data-month="${since}"][data-state=paid]`).waitFor()
    const next = monthBack(7)
    if (next.startsWith(String(year))) assert.equal(await page.locator(`[data-testid=my-dues-month][data-month="${next}"]`).getAttribute('data-state'), 'unpaid')
    const own = await api(backend.base, await apiToken(backend.base, 'member'), 'GET', `/dues/members/${lee.id}/statement?year=${year}`)
    assert.equal(own.status, 200, 'the member reads their own statement')
    assert.equal(await page.locator('[data-testid=my-dues-monthly]').innerText(), `${own.body.monthly_amount} 元`)
    assert.match(await page.locator('[data-testid=my-dues-owed]').innerText(), /^\d+\.\d{2}/)
    const payment = page.locator('[data-testid=my-dues-payment]').first()
    await payment.waitFor()
    assert.match(await payment.locator('[data-testid=my-dues-receipt]').innerText(), /^收据 \S+/)
    await assertNoSideScroll(page, '我的党费')
    await screenshot(page, 'a6-my-dues-390')

    // Apply to pay less, for the member themself.
    await page.locator('[data-testid=my-dues-apply]').click()
    const dialog = page.locator('[data-testid=exemption-dialog]')
    await dialog.waitFor()
    assert.equal(await dialog.locator('[data-testid=exemption-member-fixed]').innerText(), '李建国')
    await dialog.locator('input[name=exemption-amount]').fill('10')
    await dialog.locator('textarea[name=exemption-reason]').fill('本人生病住院，收入减少')
    await assertNoSideScroll(page, '减免申请')
    await dialog.locator('[data-testid=exemption-submit]').click()
    await page.locator('.el-message--success').filter({ hasText: '申请已提交' }).waitFor()
    const application = page.locator('[data-testid=my-dues-application]').filter({ hasText: '待支部决定' })
    await application.waitFor()
    assert.match(await application.innerText(), /每月 10\.00 元/)
    await screenshot(page, 'a7-my-dues-applied-390')
  })

  it('工作制度参数 党费: the secretary sets the new kinds; the basis form and 年初核定 follow', async () => {
    const tree = (await api(backend.base, zuzhi, 'GET', '/organizations/tree')).body
    const community = findByName(tree, '东风社区党委')
    assert.ok(community)
    const policyRow = (key) => page.locator('[data-testid=policy-table] .el-table__row').filter({ has: page.locator(`[data-key="${key}"]`) })
    const valueOf = async (key) => (await policyRow(key).locator('[data-testid=policy-value]').innerText()).trim()

    await signInToDashboard(page, backend.base, 'secretary')
    await page.goto(`${backend.base}/organizations/${community.id}?tab=policy`)
    await page.locator('[data-testid=policy-panel] .policy__group[data-group="党费"]').waitFor()
    await policyRow('dues.mode').waitFor()
    assert.equal(await valueOf('dues.mode'), '按月：收入变化的当月起按新基数计算')
    assert.equal(await valueOf('dues.deductions'), '不另行扣除')
    assert.equal(await valueOf('dues.farmer_range'), '0.20 至 1.00 元')
    assert.equal(await valueOf('dues.reminder_months'), '3 个月')
    assert.equal(await valueOf('dues.lapse_months'), '6 个月')

    await page.locator('[data-testid=policy-edit]').click()
    await page.locator('[data-testid=policy-edit-form]').waitFor()
    await chooseOption(page, policyRow('dues.mode').locator('[data-testid=policy-choice]'), '按年')
    for (const label of ['个人缴纳的养老保险', '个人缴纳的住房公积金']) await policyRow('dues.deductions').locator('.el-checkbox').filter({ hasText: label }).click()
    const range = policyRow('dues.farmer_range')
    await range.locator('input[data-testid=policy-money-low]').fill('0.5')
    await range.locator('input[data-testid=policy-money-high]').fill('0.1')
    await range.locator('[data-testid=policy-preview]').filter({ hasText: '下限不能高于上限' }).waitFor()
    await range.locator('input[data-testid=policy-money-high]').fill('.8')
    await range.locator('[data-testid=policy-preview]').filter({ hasText: '0.50 至 0.80 元' }).waitFor()
    const months = policyRow('dues.reminder_months').locator('[data-testid=policy-months] input')
    await months.fill('4')
    await months.press('Tab')
    await page.locator('[data-testid=policy-changed-count]').filter({ hasText: '已修改 4 项' }).waitFor()
    await screenshot(page, 'a8-policy-dues-edit')
    await page.locator('[data-testid=policy-save]').click()
    const confirm = page.locator('.policy-confirm')
    await confirm.waitFor()
    const summary = await confirm.innerText()
    assert.match(summary, /计算税后收入时另行扣除的项目（个人所得税总是扣除）：不另行扣除 → 个人缴纳的养老保险、个人缴纳的住房公积金/)
    assert.match(summary, /农民党员每月交纳金额范围（元）：0\.20 至 1\.00 元 → 0\.50 至 0\.80 元/)
    const put = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/organizations/${community.id}/policy`))
    await confirm.locator('.el-button--primary').click()
    assert.equal((await put).status(), 200)
    await page.locator('.el-message--success').filter({ hasText: '工作制度参数已保存' }).waitFor()
    await page.locator('[data-testid=policy-edit-form]').waitFor({ state: 'detached' })
    // The table shows the saved values once the policy is fetched again (not at once).
    const shows = async (key, text) => {
      await policyRow(key).locator('[data-testid=policy-value]').filter({ hasText: text }).waitFor()
      assert.equal(await valueOf(key), text)
    }
    await shows('dues.deductions', '个人缴纳的养老保险、个人缴纳的住房公积金')
    await shows('dues.farmer_range', '0.50 至 0.80 元')
    await shows('dues.reminder_months', '4 个月')
    await shows('dues.mode', '按年：每年初核定月交纳额，年内不变')
    const audit = await api(backend.base, await apiToken(backend.base, 'secretary'), 'GET', '/audit?action=policy.update')
    const latest = [...audit.body.items].sort((a, b) => b.id - a.id)[0]
    assert.deepEqual(latest.after.values, {
      'dues.mode': 'annual_fixed',
      'dues.deductions': ['pension', 'housing_fund'],
      'dues.farmer_range': ['0.50', '0.80'],
      'dues.reminder_months': 4,
    })
    await signOut(page)

    // The basis form says what the organisation decided; a farmer pays within 0.50–0.80 (the
    // calculator alone would take 0.20–1.00).
    await signInToDashboard(page, backend.base, 'zuzhi')
    await page.goto(`${backend.base}/members/${other.id}?tab=dues`)
    const form = page.locator('[data-testid=basis-form]')
    await form.waitFor()
    await page.locator('[data-testid=basis-policy-mode]').filter({ hasText: '按年' }).waitFor()
    await chooseOption(page, page.locator('[data-testid=basis-category]'), '在职（按月领取工资）')
    assert.match(await page.locator('[data-testid=basis-policy-deductions]').innerText(), /个人所得税 − 个人缴纳的养老保险、个人缴纳的住房公积金/)
    await chooseOption(page, page.locator('[data-testid=basis-category]'), '农民')
    assert.match(await page.locator('[data-testid=basis-policy-farmer]').innerText(), /0\.50 元至 0\.80 元/)
    assert.equal(await page.locator('[data-testid=basis-policy-deductions]').count(), 0)
    const amount = page.locator('input[name=basis-amount]')
    assert.equal(await amount.getAttribute('placeholder'), '0.50 至 0.80')
    await amount.fill('0.9')
    await form.getByText('金额应在 0.50 元至 0.80 元之间').waitFor()
    assert.ok(await page.locator('[data-testid=basis-save]').isDisabled())
    await amount.fill('0.6')
    await page.locator('[data-testid=basis-preview-amount]').filter({ hasText: /^0\.60$/ }).waitFor()
    await screenshot(page, 'a9-dues-basis-policy')
    await page.locator('[data-testid=basis-save]').click()
    await page.locator('.basis-confirm .el-message-box__btns .el-button--primary').click()
    await page.locator('.el-message--success').filter({ hasText: '党费基数已登记' }).waitFor()

    // 年初核定 for next year (the annual mode is in force from today): confirmed once, with who did it.
    const next = new Date().getFullYear() + 1
    await page.goto(`${backend.base}/dues/reports?org=${community.id}&tab=assessment&year=${next}`)
    await page.locator('[data-testid=assessment]').waitFor()
    assert.match(await page.locator('[data-testid=assessment-mode]').innerText(), /按年/)
    await page.locator('[data-testid=assessment-table] .el-table__row').filter({ hasText: lee.name }).waitFor()
    await page.locator('[data-testid=assessment-confirm]').click()
    const box = page.locator('.assessment-confirm')
    await box.waitFor()
    assert.match(await box.innerText(), new RegExp(`确认 ${next} 年度年初核定名单`))
    await box.locator('.el-message-box__btns .el-button--primary').click()
    await page.locator('[data-testid=assessment-confirmed]').filter({ hasText: /东风社区组织委员.*确认/ }).waitFor()
    assert.equal(await page.locator('[data-testid=assessment-confirm]').count(), 0, 'confirmed once')
    await screenshot(page, 'b0-dues-assessment-confirmed')
    await signOut(page)
  })

  it('raised no page error', () => {
    assert.deepEqual(browser.events.pageErrors, [])
    assert.deepEqual(browser.events.cspViolations, [])
    assert.deepEqual(browser.events.foreignRequests, [])
  })
})
