/**
 * Roster import (导入花名册), 登记建卡, export and corrections (更正申请 / 更正审核) in the browser,
 * against one real backend with the demo data. The .xlsx files are written from the downloaded
 * template with openpyxl from the backend's virtualenv.
 * Run: node --test --test-concurrency=1 tests/e2e/   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, beforeEach, describe, it } from 'node:test'
import { api, apiToken, browserSuite, chooseOption, idNumber, PYTHON, screenshot, signInToDashboard, signOut, SKIP } from './harness.mjs'


const ORG = '第二党支部（和平里网格）'

/** Write one member row (by header) into a copy of the template. */
function writeXlsx(template, out, values) {
  const script = `
import json, sys
from openpyxl import load_workbook
wb = load_workbook(sys.argv[1])
ws = wb.worksheets[0]
headers = [c.value for c in ws[1]]
values = json.loads(sys.argv[3])
for header, value in values.items():
    ws.cell(row=2, column=headers.index(header) + 1, value=value)
wb.save(sys.argv[2])
`
  const r = spawnSync(PYTHON, ['-c', script, template, out, JSON.stringify(values)], { encoding: 'utf-8' })
  assert.equal(r.status, 0, r.stderr)
}

describe('花名册导入、登记建卡、导出与更正 in the browser', { skip: SKIP }, () => {
  let backend
  let browser
  let page
  let dir

  const suite = browserSuite()
  before(async () => {
    ({ backend, browser, page } = suite)
    dir = mkdtempSync(join(tmpdir(), 'dj-import-'))
  })

  beforeEach(async () => {
    await browser.context.clearCookies()
    await page.goto(backend.base + '/login')
  })

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('8. clerk downloads the template, sees a bad row in the preview, imports the fixed file and finds the member', async () => {
    const name = `导入测试${Date.now() % 100000}`
    const goodId = idNumber()
    const badId = goodId.slice(0, 17) + (goodId[17] === '0' ? '1' : '0')

    await signInToDashboard(page, backend.base, 'clerk')
    await page.locator('[data-menu=members]').click()
    await page.locator('[data-testid=roster-table] .el-table__row').first().waitFor()
    await page.locator('[data-testid=import-open]').click()
    const wizard = page.locator('[data-testid=import-wizard]')
    await wizard.waitFor()

    // Step 1: the template comes through the authenticated client as a blob download.
    const [download] = await Promise.all([page.waitForEvent('download'), wizard.locator('[data-testid=import-template]').click()])
    assert.match(download.suggestedFilename(), /导入模板\.xlsx$/)
    assert.match(download.url(), /^blob:/, 'a blob, not a bare link to the API')
    const template = join(dir, 'template.xlsx')
    await download.saveAs(template)
    assert.equal(readFileSync(template).subarray(0, 2).toString(), 'PK', 'an .xlsx (zip) file')

    const row = { 姓名: name, 公民身份号码: badId, 人员类别: '正式党员', 所在党组织: ORG, 入党日期: '2001-07-01', 转正日期: '2002-07-01', 手机号码: '13700001111' }
    const bad = join(dir, 'bad.xlsx')
    const good = join(dir, 'good.xlsx')
    writeXlsx(template, bad, row)
    writeXlsx(template, good, { ...row, 公民身份号码: goodId })
    assert.ok(statSync(bad).size > 0)

    // Step 2: the dry run lists the bad cell; nothing can be imported.
    await wizard.locator('[data-testid=import-file]').setInputFiles(bad)
    await wizard.locator('[data-testid=import-chosen]').filter({ hasText: 'bad.xlsx' }).waitFor()
    await wizard.locator('[data-testid=import-check]').click()
    const problems = wizard.locator('[data-testid=import-problems]')
    await problems.waitFor()
    const text = await problems.innerText()
    assert.match(text, /公民身份号码/)
    assert.match(text, new RegExp(badId))
    assert.match(text, /\b2\b/, 'the Excel row number')
    assert.match(await wizard.locator('[data-testid=import-problem-count]').innerText(), /1/)
    assert.equal(await wizard.locator('[data-testid=import-confirm]').count(), 0, 'no import while there are problems')
    await screenshot(page, '30-import-problems')

    // The fixed file passes; the real import (after a confirmation) creates one member.
    await wizard.locator('[data-testid=import-file]').setInputFiles(good)
    await wizard.locator('[data-testid=import-chosen]').filter({ hasText: 'good.xlsx' }).waitFor()
    await wizard.locator('[data-testid=import-check]').click()
    await wizard.locator('[data-testid=import-ok]').waitFor()
    assert.match(await wizard.locator('[data-testid=import-to-create]').innerText(), /1/)
    await screenshot(page, '31-import-preview-ok')
    await wizard.locator('[data-testid=import-confirm]').click()
    const confirm = page.locator('.import-confirm')
    await confirm.waitFor()
    await confirm.locator('.el-button--primary').click()
    await wizard.locator('[data-testid=import-result]').filter({ hasText: '新增 1 名' }).waitFor()
    await screenshot(page, '32-import-done')
    await wizard.locator('[data-testid=import-finish]').click()
    await wizard.waitFor({ state: 'hidden' })

    // On the roster.
    await page.locator('input[data-testid=roster-search]').fill(name)
    await page.locator('[data-testid=roster-search-submit]').click()
    await page.locator('[data-testid=roster-total]').filter({ hasText: /共 1 名党员/ }).waitFor()
    const found = page.locator('[data-testid=roster-table] .el-table__row').filter({ hasText: name })
    await found.waitFor()
    assert.match(await found.innerText(), new RegExp(`${goodId.slice(0, 4)}\\*+${goodId.slice(-4)}`), 'masked on the roster')
    await signOut(page)
  })

  it('9. clerk registers a member (登记建卡) with live ID checks; the detail opens; a duplicate number is refused', async () => {
    const id = idNumber()
    const name = `建卡测试${Date.now() % 100000}`
    await signInToDashboard(page, backend.base, 'clerk')
    await page.goto(backend.base + '/members')
    await page.locator('[data-testid=member-create-open]').click()
    const dialog = page.locator('[data-testid=member-create]')
    await dialog.waitFor()
    await dialog.locator('input[name=new-member-name]').fill(name)
    const idInput = dialog.locator('input[name=new-member-id-number]')
    await idInput.fill(id.slice(0, 17) + (id[17] === '0' ? '1' : '0'))
    await idInput.blur()
    await dialog.locator('.el-form-item__error').filter({ hasText: '校验' }).waitFor()
    await idInput.fill(id)
    await dialog.locator('[data-testid=new-member-derived]').filter({ hasText: /\d{4}年?-?\d/ }).waitFor()
    await chooseOption(page, dialog.locator('[data-testid=new-member-org]'), ORG)
    await dialog.locator('input[name=new-member-joined]').fill('2010-07-01')
    await dialog.locator('input[name=new-member-joined]').press('Enter')
    await dialog.locator('input[name=new-member-converted]').fill('2011-07-01')
    await dialog.locator('input[name=new-member-converted]').press('Enter')
    await screenshot(page, '33-member-create')
    await dialog.locator('[data-testid=member-create-submit]').click()
    await page.waitForURL(/\/members\/\d+$/)
    await page.locator('[data-testid=member-name]').filter({ hasText: name }).waitFor()

    // The same number again: 409 id_number_taken, said next to the field.
    await page.goto(backend.base + '/members')
    await page.locator('[data-testid=member-create-open]').click()
    await dialog.waitFor()
    await dialog.locator('input[name=new-member-name]').fill(name + '二')
    await dialog.locator('input[name=new-member-id-number]').fill(id)
    await chooseOption(page, dialog.locator('[data-testid=new-member-org]'), ORG)
    await dialog.locator('input[name=new-member-joined]').fill('2010-07-01')
    await dialog.locator('input[name=new-member-joined]').press('Enter')
    await dialog.locator('input[name=new-member-converted]').fill('2011-07-01')
    await dialog.locator('input[name=new-member-converted]').press('Enter')
    await dialog.locator('[data-testid=member-create-submit]').click()
    await dialog.locator('[data-testid=member-create-error]').filter({ hasText: '已登记在其他党员名下' }).waitFor()
    await page.keyboard.press('Escape')
    await signOut(page)
  })

  it('10. export: masked for everyone; the full export only after a confirmation naming the audit log', async () => {
    await signInToDashboard(page, backend.base, 'secretary')
    await page.goto(backend.base + '/members')
    await page.locator('[data-testid=roster-table] .el-table__row').first().waitFor()
    await page.locator('[data-testid=export-open]').click()
    const [masked] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-masked]').click()])
    assert.match(masked.suggestedFilename(), /^党员花名册_\d{8}\.xlsx$/)

    await page.locator('[data-testid=export-open]').click()
    await page.locator('[data-testid=export-full]').click()
    const confirm = page.locator('.export-full-confirm')
    await confirm.waitFor()
    assert.match(await confirm.innerText(), /审计日志/)
    const [full] = await Promise.all([page.waitForEvent('download'), confirm.locator('.el-button--primary').click()])
    assert.match(full.suggestedFilename(), /\.xlsx$/)
    const token = await apiToken(backend.base, 'secretary')
    const audit = await api(backend.base, token, 'GET', '/audit?action=member.export')
    assert.ok(audit.body.items.length >= 2, 'both exports are audited')
    await signOut(page)
  })

  it('11. member asks to correct the mobile number; clerk approves; the member sees the new value', async () => {
    const mobile = `139${String(Date.now()).slice(-8)}`
    await signInToDashboard(page, backend.base, 'member')
    await page.goto(backend.base + '/me/member')
    await page.locator('[data-testid=my-member] [data-testid=mobile]').waitFor()
    await page.locator('[data-testid=correction-open]').click()
    const dialog = page.locator('[data-testid=correction-dialog]')
    await dialog.waitFor()
    await chooseOption(page, dialog.locator('[data-testid=correction-fields]'), '手机号码')
    await page.keyboard.press('Escape').catch(() => {})
    const input = dialog.locator('input[name=correction-mobile]')
    await input.waitFor()
    await input.fill(mobile)
    await dialog.locator('textarea[name=correction-reason]').fill('更换了手机号码')
    await screenshot(page, '34-correction-request')
    await dialog.locator('[data-testid=correction-submit]').click()
    await page.locator('.el-message--success').filter({ hasText: '更正申请已提交' }).waitFor()
    const mine = page.locator('[data-testid=my-corrections]')
    await mine.locator('[data-status=pending]').filter({ hasText: mobile }).waitFor()

    // The own-data export is a JSON download.
    const [json] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-mine]').click()])
    const saved = join(dir, 'mine.json')
    await json.saveAs(saved)
    const data = JSON.parse(readFileSync(saved, 'utf-8'))
    assert.ok(data.member && Array.isArray(data.corrections) && data.corrections.length >= 1)
    await signOut(page)

    // The clerk decides.
    await signInToDashboard(page, backend.base, 'clerk')
    await page.locator('[data-menu=member-corrections]').click()
    const table = page.locator('[data-testid=corrections-table]')
    // Staff see the requested number masked like the member record (last 4 digits only).
    const row = table.locator('.el-table__row').filter({ hasText: `*******${mobile.slice(-4)}` })
    await row.waitFor()
    await screenshot(page, '35-corrections-pending')
    await row.locator('[data-testid=correction-approve]').click()
    const confirm = page.locator('.correction-approve')
    await confirm.waitFor()
    assert.match(await confirm.innerText(), /审计/)
    await confirm.locator('.el-button--primary').click()
    await page.locator('.el-message--success').filter({ hasText: '已同意' }).waitFor()
    await row.waitFor({ state: 'detached' })
    await signOut(page)

    // The member sees the new number and the decision.
    await signInToDashboard(page, backend.base, 'member')
    await page.goto(backend.base + '/me/member')
    await page.locator('[data-testid=my-member] [data-testid=mobile]').filter({ hasText: mobile }).waitFor()
    await mine.locator('[data-status=approved]').filter({ hasText: mobile }).waitFor()
    await screenshot(page, '36-correction-approved')
    await signOut(page)
  })

  it('raised no page error', () => {
    assert.deepEqual(browser.events.pageErrors, [])
  })
})
