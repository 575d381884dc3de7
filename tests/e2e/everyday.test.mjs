/**
 * Everyday usability (issue 18) in the browser: the .xlsx exports of 党员统计, the 三会一课 grid and
 * 审计日志 (downloaded, then opened with openpyxl from the backend's virtualenv), the printable
 * 会议记录 (print media: no application frame, people by name) and the meeting form — the default
 * start leaves the notice lead time, the only organisation is preselected, the types follow the
 * organisation's kind, a past start is refused, a filled form is not discarded without asking.
 * Run: node --test tests/e2e/everyday.test.mjs   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, beforeEach, describe, it } from 'node:test'
import { api, apiToken, browserSuite, checkPrintable, chooseOption, findByName, readXlsx, screenshot, signInToDashboard, SKIP } from './harness.mjs'

const COMMUNITY = '东风社区党委'
const GROUP = '第一党小组'
const pad = (n) => String(n).padStart(2, '0')
const pickerText = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`

describe('exports, printable minutes and the meeting form in the browser', { skip: SKIP }, () => {
  let backend
  let browser
  let page
  let dir

  const suite = browserSuite()
  before(() => {
    ({ backend, browser, page } = suite)
    dir = mkdtempSync(join(tmpdir(), 'dj-everyday-'))
  })
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  beforeEach(async () => {
    await browser.context.clearCookies()
    await page.goto(backend.base + '/login')
  })

  /** Click `button`, save the download and return its name and rows. */
  async function downloadRows(button, name) {
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()])
    const path = join(dir, name)
    await download.saveAs(path)
    return { filename: download.suggestedFilename(), rows: readXlsx(path).rows }
  }

  it('党员统计 exports what the page shows', async () => {
    const token = await apiToken(backend.base, 'secretary')
    const tree = await api(backend.base, token, 'GET', '/organizations/tree')
    const community = findByName(tree.body, COMMUNITY)
    const stats = await api(backend.base, token, 'GET', `/members/statistics?org_id=${community.id}`)
    assert.equal(stats.status, 200)

    await signInToDashboard(page, backend.base, 'secretary')
    await page.goto(backend.base + '/members/statistics')
    const total = page.locator('[data-testid=stats-total] .tile__num')
    await total.filter({ hasText: String(stats.body.total) }).waitFor()
    await page.waitForTimeout(1200) // the charts animate in
    await screenshot(page, '95-stats-export')
    const { filename, rows } = await downloadRows(page.locator('[data-testid=stats-export]'), 'stats.xlsx')
    assert.match(filename, /^党员统计_东风社区党委_\d{8}\.xlsx$/)
    assert.match(rows[0][0], /^党员统计　东风社区党委（含下级）/)
    assert.deepEqual(rows[1], ['统计项', '分类', '人数', '占比'])
    assert.deepEqual(rows[2].slice(0, 3), ['总体', '在册党员', stats.body.total])
    const formal = stats.body.by_kind.find((k) => k.key === 'formal')?.count ?? 0
    assert.ok(rows.some((r) => r[0] === '党员类别' && r[1] === '正式党员' && r[2] === formal), 'the kinds are labelled in Chinese')
  })

  it('the 三会一课 grid exports as shown: organisations × types, 已开 / 应开 and the state', async () => {
    await signInToDashboard(page, backend.base, 'secretary')
    await page.goto(backend.base + '/compliance')
    const cells = page.locator('[data-testid=compliance-cell]')
    await cells.first().waitFor()
    const firstOrg = await page.locator('[data-testid=compliance-table] .org-name').first().innerText()
    const shownTypes = (await page.locator('[data-testid=compliance-table] .el-table__header th .cell').allInnerTexts()).map((s) => s.trim())
    const { filename, rows } = await downloadRows(page.locator('[data-testid=compliance-export]'), 'grid.xlsx')
    assert.match(filename, /^三会一课_/)
    assert.match(rows[0][0], /^三会一课召开情况/)
    assert.deepEqual(rows[1], shownTypes, 'the same columns as the page')
    assert.equal(String(rows[2][0]).trim(), firstOrg.trim())
    // the first organisation's first cell: 已开 / 应开 as on the page, in the column of its type
    const cell = cells.first()
    const org = (await cell.getAttribute('data-org')).trim()
    const type = await cell.getAttribute('data-type')
    const count = (await cell.locator('.cell__count').innerText()).trim()
    const typeLabel = shownTypes[1 + (await page.evaluate((t) => {
      const first = document.querySelector('[data-testid=compliance-cell]')
      const row = first.closest('tr')
      const cells = [...row.querySelectorAll('td')]
      return cells.findIndex((td) => td.contains(first)) - 1
    }, type))]
    const byOrg = rows.find((r) => String(r[0]).trim() === org)
    assert.ok(String(byOrg[rows[1].indexOf(typeLabel)]).startsWith(count), `${typeLabel}: ${count} in ${byOrg.join(' | ')}`)
    const line = rows.find((r) => String(r[0]).trim() === firstOrg.trim())
    assert.ok(line.slice(1).some((v) => String(v).startsWith(count)), `${count} in ${line.join(' | ')}`)
    assert.ok(line.slice(1).every((v) => v === '—' || /^\d+ \/ \d+（(达到要求|尚未达到|应开未开|本期无应开要求)）/.test(v)), line.join(' | '))
  })

  it('审计日志 exports with the filters of the list', async () => {
    await signInToDashboard(page, backend.base, 'street')
    await page.goto(backend.base + '/audit')
    await page.locator('[data-testid=audit-table]').waitFor()
    await chooseOption(page, page.locator('[data-testid=audit-filter-action]'), /^登录$/)
    const person = page.locator('input[data-testid=audit-filter-person], [data-testid=audit-filter-person] input').first()
    await person.fill('street')
    await person.press('Enter')
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=audit-table] .el-table__body-wrapper .el-table__row')]
      return rows.length > 0 && rows.every((r) => r.textContent.includes('street') && r.textContent.includes('登录'))
    })
    const listed = Number((await page.locator('.page-header .sub').innerText()).match(/\d+/)?.[0])
    const { filename, rows } = await downloadRows(page.locator('[data-testid=audit-export]'), 'audit.xlsx')
    await screenshot(page, '96-audit-export')
    assert.match(filename, /^审计日志_\d{8}\.xlsx$/)
    assert.match(rows[0][0], /^审计日志　操作：登录；操作者：street/)
    assert.deepEqual(rows[1].slice(0, 5), ['序号', '时间', '操作者', '操作', '操作代码'])
    const data = rows.slice(2)
    assert.equal(data.length, listed, 'as many rows as the filtered list')
    for (const r of data) {
      assert.equal(r[3], '登录')
      assert.equal(r[4], 'auth.login')
      assert.match(r[2], /street/)
    }
  })

  it('会议记录 prints on A4 without the application frame, people by name', async () => {
    const token = await apiToken(backend.base, 'secretary')
    const tree = await api(backend.base, token, 'GET', '/organizations/tree')
    const community = findByName(tree.body, COMMUNITY)
    const created = await api(backend.base, token, 'POST', '/meetings', {
      organization_id: community.id,
      type: 'committee',
      title: '支委会（会议记录打印）',
      starts_at: new Date(Date.now() - 3 * 3_600_000).toISOString(),
      late_reason: '会后补录（打印测试）',
      place: '党群服务中心二楼会议室',
      host: '李书记',
      recorder: '王干事',
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const id = created.body.id
    const topic = await api(backend.base, token, 'POST', `/meetings/${id}/agenda`, { title: '研究加装电梯工作方案' })
    assert.equal(topic.status, 200, JSON.stringify(topic.body))
    const expected = created.body.attendees.filter((a) => a.role === 'expected')
    assert.equal(expected.length, 5)
    const marks = ['present', 'present', 'present', 'excused', 'absent']
    const sheet = await api(backend.base, token, 'PUT', `/meetings/${id}/attendance`, {
      entries: expected.map((a, i) => ({ attendee_id: a.id, attendance: marks[i] })),
    })
    assert.equal(sheet.status, 200, JSON.stringify(sheet.body))
    assert.equal((await api(backend.base, token, 'POST', `/meetings/${id}/hold`, {})).status, 200)
    const vote = await api(backend.base, token, 'POST', `/meetings/${id}/resolutions`, { title: '关于推进加装电梯的决议', yes: 3, secret: false })
    assert.equal(vote.status, 200, JSON.stringify(vote.body))
    const minutes = await api(backend.base, token, 'PUT', `/meetings/${id}/minutes`, { minutes: '会议听取了加装电梯工作方案的汇报。', decisions_announced: '通过加装电梯工作方案。' })
    assert.equal(minutes.status, 200, JSON.stringify(minutes.body))
    const names = expected.map((a) => a.name)

    await signInToDashboard(page, backend.base, 'secretary')
    await page.goto(`${backend.base}/meetings/${id}`)
    await page.locator('[data-testid=meeting-title]').filter({ hasText: '支委会（会议记录打印）' }).waitFor()
    await page.locator('[data-testid=meeting-print-minutes]').click()
    await page.waitForURL(new RegExp(`/meetings/${id}/minutes$`))
    const sheetEl = page.locator('[data-testid=minutes-sheet]')
    await sheetEl.waitFor()
    assert.equal((await page.locator('[data-testid=minutes-org]').innerText()).trim(), COMMUNITY)
    assert.equal((await page.locator('[data-testid=minutes-host]').innerText()).trim(), '李书记')
    assert.equal((await page.locator('[data-testid=minutes-recorder]').innerText()).trim(), '王干事')
    const rowText = async (key) => (await page.locator(`[data-testid=minutes-${key}]`).innerText()).replace(/\s+/g, ' ')
    assert.match(await rowText('expected'), new RegExp(`应到 5 人 ${names.join('、')}`))
    assert.match(await rowText('present'), new RegExp(`实到 3 人 ${names.slice(0, 3).join('、')}`))
    assert.match(await rowText('excused'), new RegExp(`请假 1 人 ${names[3]}`))
    assert.match(await rowText('absent'), new RegExp(`缺席 1 人 ${names[4]}`))
    assert.match(await page.locator('[data-testid=minutes-agenda]').innerText(), /研究加装电梯工作方案/)
    const resolution = await page.locator('[data-testid=minutes-resolution]').innerText()
    assert.match(resolution, /关于推进加装电梯的决议/)
    assert.match(resolution, /举手表决/)
    assert.match(resolution, /应到 5 人，实到 3 人；赞成 3，反对 0，弃权 0，废票 0/)
    assert.match(resolution, /通过/)
    assert.match(await page.locator('[data-testid=minutes-text]').innerText(), /会议听取了加装电梯工作方案的汇报。[\s\S]*通过加装电梯工作方案。/)
    const text = await sheetEl.innerText()
    assert.doesNotMatch(text, /secretary|（[a-z0-9_]+）/, 'no login names')

    await checkPrintable(page, page.locator('[data-testid=minutes-present]').filter({ hasText: names[0] }))
    await screenshot(page, '97-meeting-minutes-print')
    await page.emulateMedia({ media: 'screen' })
  })

  it('the meeting form: default start by the notice lead time, types by kind, past start refused, discard asks', async () => {
    await signInToDashboard(page, backend.base, 'secretary')
    await page.locator('[data-menu=meetings]').click()
    await page.locator('[data-testid=meetings-calendar] [data-testid=month-grid]').waitFor()
    await page.locator('[data-testid=meeting-create-open]').click()
    const form = page.locator('.meeting-form-dialog')
    await form.waitFor()
    // the secretary schedules in several organisations: nothing preselected
    assert.equal((await form.locator('[data-testid=meeting-form-org]').innerText()).trim().includes(COMMUNITY), false)

    // a group holds 党小组会 but no 支部委员会
    await chooseOption(page, form.locator('[data-testid=meeting-form-org]'), GROUP)
    await form.locator('[data-testid=meeting-form-type]').click()
    let options = page.locator('.el-select-dropdown:visible .el-select-dropdown__item')
    await options.first().waitFor()
    let offered = (await options.allInnerTexts()).map((s) => s.trim())
    assert.ok(offered.includes('党小组会'), offered.join(','))
    assert.ok(!offered.includes('支部委员会') && !offered.includes('书记办公会'), offered.join(','))
    await page.keyboard.press('Escape')

    // the community holds 支部委员会 (a committee sits) but no 党小组会
    await chooseOption(page, form.locator('[data-testid=meeting-form-org]'), COMMUNITY)
    await form.locator('[data-testid=meeting-form-type]').click()
    options = page.locator('.el-select-dropdown:visible .el-select-dropdown__item')
    await options.filter({ hasText: '支部委员会' }).first().waitFor()
    offered = (await options.allInnerTexts()).map((s) => s.trim())
    assert.ok(!offered.includes('党小组会'), offered.join(','))
    await page.keyboard.press('Escape')

    // 党建联席会: 7 days' notice (MTG-03 default), so it starts at the first 09:00 a week away
    await chooseOption(page, form.locator('[data-testid=meeting-form-type]'), '党建联席会')
    const weekAway = new Date(Date.now() + 7 * 86_400_000)
    const start = new Date(weekAway)
    start.setHours(9, 0, 0, 0)
    if (start < weekAway) start.setDate(start.getDate() + 1)
    const starts = form.locator('input[name=meeting-starts]')
    await page.waitForFunction((want) => document.querySelector('input[name=meeting-starts]')?.value === want, pickerText(start))
    await form.locator('[data-testid=meeting-form-notice]').filter({ hasText: '7' }).waitFor()
    await screenshot(page, '98-meeting-form-defaults')

    // a start in the past is refused with a clear message (the server refuses it too)
    await form.locator('input[name=meeting-place]').fill('党群服务中心')
    const past = new Date(Date.now() - 2 * 86_400_000)
    past.setHours(10, 0, 0, 0)
    await starts.fill(pickerText(past))
    await starts.press('Enter')
    let posted = 0
    const onRequest = (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/meetings')) posted += 1
    }
    page.on('request', onRequest)
    await form.locator('[data-testid=meeting-form-submit]').click()
    await form.locator('.el-form-item__error').filter({ hasText: '开始时间已过：安排会议请选择以后的时间' }).waitFor()
    page.off('request', onRequest)
    assert.equal(posted, 0, 'nothing was sent')

    // Esc on a filled form asks first; 继续填写 keeps it, 放弃 closes it
    await page.keyboard.press('Escape')
    const confirm = page.locator('.meeting-form-discard')
    await confirm.waitFor()
    await page.waitForTimeout(400) // the box fades in
    await screenshot(page, '99-meeting-form-discard')
    await confirm.locator('.el-message-box__btns .el-button').filter({ hasText: '继续填写' }).click()
    await confirm.waitFor({ state: 'hidden' })
    assert.ok(await form.isVisible())
    assert.equal(await form.locator('input[name=meeting-place]').inputValue(), '党群服务中心')
    await form.locator('[data-testid=meeting-form-cancel]').click()
    await confirm.waitFor()
    await confirm.locator('.el-message-box__btns .el-button').filter({ hasText: '放弃' }).click()
    await form.waitFor({ state: 'hidden' })

    // an untouched form closes at once
    await page.locator('[data-testid=meeting-create-open]').click()
    await form.waitFor()
    assert.equal(await form.locator('input[name=meeting-place]').inputValue(), '')
    await page.keyboard.press('Escape')
    await form.waitFor({ state: 'hidden' })
    assert.equal(await page.locator('.meeting-form-discard').count(), 0)
  })

  it('the 党小组长 schedules in the only organisation there is, preselected', async () => {
    await signInToDashboard(page, backend.base, 'xiaozu')
    await page.goto(backend.base + '/meetings')
    await page.locator('[data-testid=meetings-calendar] [data-testid=month-grid]').waitFor()
    await page.locator('[data-testid=meeting-create-open]').click()
    const form = page.locator('.meeting-form-dialog')
    await form.waitFor()
    await form.locator('[data-testid=meeting-form-org]').filter({ hasText: GROUP }).waitFor()
    await chooseOption(page, form.locator('[data-testid=meeting-form-type]'), '党小组会')
    assert.equal(await form.locator('input[name=meeting-title]').inputValue(), '党小组会')
    await screenshot(page, '99-meeting-form-only-org')
  })
})
