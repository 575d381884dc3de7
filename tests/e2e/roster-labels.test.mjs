/**
 * Everyday usability (issue 18 items 4, 6, 7, 10), in the browser against one real backend with
 * the demo data:
 *  - the import wizard counts good rows and rows with problems, says 找不到名为“…”的党组织 for a
 *    mistyped organisation, and its problem list downloads as .xlsx (read back with openpyxl);
 *    the template's 所在党组织 column is a drop-down of the clerk's organisations;
 *  - on a 390 px phone the roster (党员花名册) is a list of cards, not the wide table, with no
 *    sideways scrolling and no 党龄 of 0;
 *  - the audit log and the dashboard's recent operations show Chinese labels only (a meeting
 *    and a roster export among them, whose labels were once raw).
 * Run: node --test tests/e2e/everyday.test.mjs   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { api, apiToken, browserSuite, findByName, idNumber, python, screenshot, signInToDashboard, signOut, SKIP } from './harness.mjs'

const ORG = '第二党支部（和平里网格）'
const PHONE = { width: 390, height: 844 }

/** The template's 所在党组织 drop-down: what the list validation of that column offers. */
const DROP_DOWN = `
import json, sys
from openpyxl import load_workbook
wb = load_workbook(sys.argv[1])
ws = wb["党员花名册"]
headers = [c.value for c in ws[1]]
letter = ws.cell(row=1, column=headers.index("所在党组织") + 1).column_letter
rules = [r for r in ws.data_validations.dataValidation if f"{letter}2" in str(r.sqref)]
offered = [c.value for c in wb["可选值"][letter][1:] if c.value]
print(json.dumps({"rules": [r.type for r in rules], "formula": rules[0].formula1 if rules else None, "offered": offered}))
`

/** Rows (by header) written into a copy of the template, from row 2 on. */
const WRITE_ROWS = `
import json, sys
from openpyxl import load_workbook
wb = load_workbook(sys.argv[1])
ws = wb.worksheets[0]
headers = [c.value for c in ws[1]]
for r, values in enumerate(json.loads(sys.argv[3]), start=2):
    for header, value in values.items():
        ws.cell(row=r, column=headers.index(header) + 1, value=value)
wb.save(sys.argv[2])
print("{}")
`

/** Every row of the first sheet, as text. */
const READ_ROWS = `
import json, sys
from openpyxl import load_workbook
ws = load_workbook(sys.argv[1]).worksheets[0]
print(json.dumps([[None if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)], ensure_ascii=False))
`

/** Texts of the action tags and entity labels of a table or list (entity ids left out). */
async function auditLabels(page, scope) {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel)
    const texts = []
    for (const tag of root.querySelectorAll('.el-tag')) texts.push(tag.textContent.trim())
    return texts
  }, scope)
}

const RAW = /[a-z]+[._][a-z_]+|^[a-z_]+$/

describe('issue 18: import counters and problem list, roster cards at 390 px, Chinese audit labels', { skip: SKIP }, () => {
  let backend
  let page
  let phone
  let dir

  const suite = browserSuite({ browsers: [{}, { viewport: PHONE }] })
  before(() => {
    ;({ backend, page } = suite)
    phone = suite.browsers[1].page
    dir = mkdtempSync(join(tmpdir(), 'dj-everyday-'))
  })

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('the import wizard counts good and problem rows and the problem list downloads as .xlsx', async () => {
    await signInToDashboard(page, backend.base, 'clerk')
    await page.locator('[data-menu=members]').click()
    await page.locator('[data-testid=roster-table] .el-table__row').first().waitFor()
    await page.locator('[data-testid=import-open]').click()
    const wizard = page.locator('[data-testid=import-wizard]')
    await wizard.waitFor()

    const [templateDownload] = await Promise.all([page.waitForEvent('download'), wizard.locator('[data-testid=import-template]').click()])
    const template = join(dir, 'template.xlsx')
    await templateDownload.saveAs(template)
    // 所在党组织 is a drop-down of the clerk's organisations (not of another community's)
    const dropDown = python(DROP_DOWN, template)
    assert.deepEqual(dropDown.rules, ['list'], JSON.stringify(dropDown))
    assert.ok(dropDown.offered.includes(ORG), JSON.stringify(dropDown.offered))
    assert.ok(!dropDown.offered.some((o) => o.includes('向阳')), 'no organisation outside the scope')

    const stamp = Date.now() % 100000
    const base = { 人员类别: '正式党员', 所在党组织: ORG, 入党日期: '2001-07-01', 转正日期: '2002-07-01' }
    const goodId = idNumber()
    const badId = goodId.slice(0, 17) + (goodId[17] === '0' ? '1' : '0')
    const rows = [
      { ...base, 姓名: `计数甲${stamp}`, 公民身份号码: goodId },
      { ...base, 姓名: `计数乙${stamp}`, 公民身份号码: badId },
      { ...base, 姓名: `计数丙${stamp}`, 公民身份号码: idNumber(), 所在党组织: '第二党支部（和平里网格' },
    ]
    const file = join(dir, 'three-rows.xlsx')
    python(WRITE_ROWS, template, file, JSON.stringify(rows))

    await wizard.locator('[data-testid=import-file]').setInputFiles(file)
    await wizard.locator('[data-testid=import-chosen]').filter({ hasText: 'three-rows.xlsx' }).waitFor()
    await wizard.locator('[data-testid=import-check]').click()
    await wizard.locator('[data-testid=import-problems]').waitFor()
    assert.equal((await wizard.locator('[data-testid=import-rows]').innerText()).trim(), '3')
    assert.equal((await wizard.locator('[data-testid=import-good-rows]').innerText()).trim(), '1')
    assert.equal((await wizard.locator('[data-testid=import-problem-rows]').innerText()).trim(), '2')
    const tally = await wizard.locator('[data-testid=import-tally]').innerText()
    assert.match(tally, /行无误/)
    assert.match(tally, /行有问题/)
    const problems = await wizard.locator('[data-testid=import-problems]').innerText()
    assert.match(problems, /找不到名为“第二党支部（和平里网格”的党组织/)
    assert.doesNotMatch(problems, /无权管理|不是本人可管理/)
    await screenshot(page, 'e1-import-counters')

    const [listDownload] = await Promise.all([page.waitForEvent('download'), wizard.locator('[data-testid=import-problems-download]').click()])
    assert.match(listDownload.suggestedFilename(), /导入问题清单\.xlsx$/)
    const saved = join(dir, 'problems.xlsx')
    await listDownload.saveAs(saved)
    const sheet = python(READ_ROWS, saved)
    assert.match(sheet[0][0], /共 3 行，1 行无误，2 行有问题/)
    assert.doesNotMatch(sheet[0][0], /clerk/, 'who exported it by name, not by login name')
    assert.deepEqual(sheet[1], ['行号', '列', '填写的内容', '问题'])
    const body = sheet.slice(2)
    assert.ok(body.some((r) => r[0] === '3' && r[1] === '公民身份号码' && r[2] === badId), JSON.stringify(body))
    assert.ok(body.some((r) => r[0] === '4' && r[1] === '所在党组织' && r[3] === '找不到名为“第二党支部（和平里网格”的党组织'), JSON.stringify(body))
    assert.equal(await wizard.locator('[data-testid=import-confirm]').count(), 0, 'no import while there are problems')
    await page.keyboard.press('Escape')
    await signOut(page)
  })

  it('on a 390 px phone the roster is a list of cards, without sideways scrolling or a 党龄 of 0', async () => {
    await signInToDashboard(phone, backend.base, 'secretary')
    await phone.goto(backend.base + '/members')
    const cards = phone.locator('[data-testid=roster-cards] [data-testid=roster-card]')
    await cards.first().waitFor()
    assert.equal(await phone.locator('[data-testid=roster-table]').count(), 0, 'no wide table on a phone')
    assert.ok((await cards.count()) >= 5)
    const first = await cards.first().innerText()
    assert.match(first, /党龄/)
    assert.match(first, /入党日期/)
    for (const standing of await phone.locator('[data-testid=roster-card-standing]').allInnerTexts()) {
      assert.doesNotMatch(standing.trim(), /^0\s*年$/, '党龄 is never 0 for a formal member')
    }
    const width = await phone.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth])
    assert.ok(width[0] <= width[1], `no sideways scrolling at 390 px: ${width}`)
    await screenshot(phone, 'e2-roster-cards-390')

    // A card opens the member.
    const name = (await cards.first().locator('.roster-card__name').innerText()).trim()
    await cards.first().locator('.roster-card__org').click()
    await phone.waitForURL(/\/members\/\d+$/)
    await phone.locator('[data-testid=member-name]').filter({ hasText: name }).waitFor()
  })

  it('the audit log and the recent operations show Chinese labels only', async () => {
    // A meeting and a roster export: labels that were once shown raw (meeting, member_export).
    const token = await apiToken(backend.base, 'secretary')
    const tree = (await api(backend.base, token, 'GET', '/organizations/tree')).body
    const branch = findByName(tree, '第一党支部（幸福小区）')
    assert.ok(branch)
    const starts = new Date(Date.now() + 7 * 86400_000)
    starts.setHours(10, 0, 0, 0)
    const meeting = await api(backend.base, token, 'POST', '/meetings', { organization_id: branch.id, type: 'org_life', title: '组织生活会（标签检查）', starts_at: starts.toISOString() })
    assert.equal(meeting.status, 201, JSON.stringify(meeting.body))
    const exported = await fetch(`${backend.base}/api/v1/members/export`, { headers: { Authorization: `Bearer ${token}` } })
    assert.equal(exported.status, 200)
    await exported.arrayBuffer()

    await signInToDashboard(page, backend.base, 'secretary')
    const recent = page.locator('[data-testid=recent-audit]')
    await recent.locator('.list__item').first().waitFor()
    await recent.locator('.list__item').filter({ hasText: '导出党员花名册' }).first().waitFor()
    const recentText = await recent.innerText()
    assert.match(recentText, /花名册导出/)
    assert.match(recentText, /会议/)
    assert.doesNotMatch(recentText, /member_export|meeting\.create|\bmeeting\b/)
    for (const label of await auditLabels(page, '[data-testid=recent-audit]')) assert.doesNotMatch(label, RAW, label)
    await screenshot(page, 'e3-recent-operations')

    await page.goto(backend.base + '/audit')
    const rows = page.locator('[data-testid=audit-table] .el-table__body-wrapper .el-table__row')
    await rows.filter({ hasText: '安排会议' }).first().waitFor()
    await rows.filter({ hasText: '花名册导出' }).first().waitFor()
    const labels = await auditLabels(page, '[data-testid=audit-table] .el-table__body-wrapper')
    assert.ok(labels.length > 5)
    for (const label of labels) assert.doesNotMatch(label, RAW, label)
    // the entity column: its label (the id beside it aside) is Chinese
    const entities = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=audit-table] .el-table__body-wrapper .el-table__row')].flatMap((row) =>
        [...row.querySelectorAll('td .cell')]
          .filter((c) => c.querySelector('.muted'))
          .map((c) => {
            const label = c.cloneNode(true)
            label.querySelector('.muted').remove()
            return label.textContent.trim()
          }),
      ),
    )
    assert.ok(entities.length > 5, JSON.stringify(entities))
    for (const entity of entities) assert.match(entity, /^[\u4e00-\u9fff]/, entity)
    await screenshot(page, 'e4-audit-chinese-labels')
    await signOut(page)
  })

  it('raised no page error', () => {
    for (const browser of suite.browsers) assert.deepEqual(browser.events.pageErrors, [])
  })
})
