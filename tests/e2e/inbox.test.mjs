/**
 * The inbox bell, 消息, 我的会议 and the QR check-in, on a 390 px phone, against one real backend
 * with the demo data. Meetings are seeded through the API as the secretary (the staff meeting
 * pages are tested elsewhere); everything the member does happens in the browser.
 * Run: node --test --test-concurrency=1 tests/e2e/   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { before, beforeEach, describe, it } from 'node:test'
import { api, apiToken, browserSuite, screenshot, signInToDashboard, SKIP } from './harness.mjs'


const PHONE = { width: 390, height: 844 }
const MINUTE = 60_000

/** No horizontal scrolling of the page at phone width. */
async function assertNoSideScroll(page, what) {
  const m = await page.evaluate(() => ({ scrollWidth: document.scrollingElement.scrollWidth, clientWidth: document.scrollingElement.clientWidth }))
  assert.ok(m.scrollWidth <= m.clientWidth, `${what} at 390 px: ${JSON.stringify(m)}`)
}

/** A 支部委员会 of 东风社区党委 with `member` added as 列席, notified (the notice goes to the inbox). */
async function committeeWithMember(base, secretary, memberId, memberName, { startsAt, title }) {
  const me = await api(base, secretary, 'GET', '/auth/me')
  assert.equal(me.status, 200)
  const orgId = me.body.organizations.find((o) => o.name === '东风社区党委').id
  const created = await api(base, secretary, 'POST', '/meetings', {
    organization_id: orgId,
    type: 'committee',
    title,
    starts_at: startsAt.toISOString(),
    place: '东风社区党群服务中心二楼会议室',
    host: '东风社区党委书记',
    materials: '1. 上月工作小结\n2. 本月重点工作安排',
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  const id = created.body.id
  const added = await api(base, secretary, 'POST', `/meetings/${id}/attendees`, { name: memberName, member_id: memberId, role: 'sitting_in' })
  assert.equal(added.status, 200, JSON.stringify(added.body))
  const mine = added.body.attendees.find((a) => a.member_id === memberId)
  assert.ok(mine?.user_id, 'the 列席 attendee is linked to the member’s account')
  const notified = await api(base, secretary, 'POST', `/meetings/${id}/notify`)
  assert.equal(notified.status, 200, JSON.stringify(notified.body))
  return id
}

describe('消息 and 我的会议 on a phone (390 px)', { skip: SKIP }, () => {
  let backend
  let browser
  let page
  let secretary
  let member

  const suite = browserSuite({ browsers: [{ viewport: PHONE }] })
  before(async () => {
    ({ backend, browser, page } = suite)
    secretary = await apiToken(backend.base, 'secretary')
    const memberToken = await apiToken(backend.base, 'member')
    const me = await api(backend.base, memberToken, 'GET', '/me/member')
    assert.equal(me.status, 200)
    member = { id: me.body.id, name: me.body.name }
  })

  beforeEach(async () => {
    await browser.context.clearCookies()
    await page.goto(backend.base + '/login')
  })


  it('the bell shows the notice; the message opens 我的会议; the member asks for leave and sees 请假待批', async () => {
    const tomorrow = new Date(Date.now() + 26 * 60 * MINUTE)
    const id = await committeeWithMember(backend.base, secretary, member.id, member.name, { startsAt: tomorrow, title: '十一月支委会（列席）' })

    await signInToDashboard(page, backend.base, 'member')
    const bell = page.locator('[data-testid=inbox-bell]')
    await page.locator('[data-testid=inbox-bell][data-unread="1"]').waitFor()
    assert.equal((await bell.locator('.el-badge__content').innerText()).trim(), '1')
    await assertNoSideScroll(page, 'dashboard with the bell')
    await screenshot(page, '70-inbox-bell-390')

    // 消息: the unread notice in bold, with the meeting's time written locally (not ISO).
    await bell.click()
    await page.waitForURL(/\/inbox$/)
    const item = page.locator('[data-testid=inbox-item]').first()
    await item.waitFor()
    assert.equal(await item.getAttribute('data-unread'), 'true')
    assert.match(await item.innerText(), /会议通知：支部委员会「十一月支委会（列席）」/)
    assert.doesNotMatch(await item.innerText(), /T\d{2}:\d{2}:\d{2}/, 'no raw ISO instants in the message')
    const weight = await item.locator('[data-testid=inbox-item-title]').evaluate((el) => Number(getComputedStyle(el).fontWeight))
    assert.ok(weight >= 600, `unread title is bold (${weight})`)
    assert.match(await page.locator('[data-testid=inbox-summary]').innerText(), /1 条未读/)
    await assertNoSideScroll(page, '消息')
    await screenshot(page, '71-inbox-390')

    // Opening it marks it read and goes to 我的会议 detail.
    await item.click()
    await page.waitForURL(new RegExp(`/my/meetings/${id}$`))
    await page.locator('[data-testid=meeting-title]').filter({ hasText: '十一月支委会（列席）' }).waitFor()
    await page.locator('[data-testid=inbox-bell][data-unread="0"]').waitFor()
    await bell.locator('.el-badge__content').waitFor({ state: 'hidden' })
    const part = page.locator('[data-testid=my-part]')
    assert.match(await part.innerText(), /列席人员/)
    assert.equal(await page.locator('[data-testid=my-status]').innerText(), '待参加')
    assert.match(await page.locator('[data-testid=meeting-materials]').innerText(), /本月重点工作安排/)
    assert.match(await page.locator('[data-testid=meeting-minutes]').innerText(), /会议召开后可在此查看纪要/)
    assert.equal(await page.locator('[data-testid=check-in-open]').count(), 0, 'no check-in a day ahead')

    // 请假 with a reason → 请假待批.
    await page.locator('[data-testid=ask-leave]').click()
    const dialog = page.locator('.leave-dialog')
    await dialog.waitFor()
    await dialog.locator('[data-testid=leave-dialog-submit]').click()
    await dialog.locator('.el-form-item__error').filter({ hasText: '请填写请假理由' }).waitFor()
    await dialog.locator('textarea[name=leave-dialog-text]').fill('当天上午陪家人到医院复查，无法到会')
    await dialog.locator('[data-testid=leave-dialog-submit]').click()
    await page.locator('.el-message--success').filter({ hasText: '请假申请已提交' }).waitFor()
    await page.locator('[data-testid=my-status][data-status=leaveRequested]').filter({ hasText: '请假待批' }).waitFor()
    assert.match(await page.locator('[data-testid=my-leave-reason]').innerText(), /陪家人到医院复查/)
    assert.equal(await page.locator('[data-testid=ask-leave]').count(), 0, 'asked once; the status shows instead')
    await dialog.waitFor({ state: 'hidden' })
    await page.locator('.el-message').waitFor({ state: 'hidden', timeout: 6_000 }).catch(() => {})
    await assertNoSideScroll(page, '我的会议 detail')
    await screenshot(page, '72-my-meeting-leave-390')

    // The server has it as a leave request for the chair to decide.
    const sheet = await api(backend.base, secretary, 'GET', `/meetings/${id}`)
    const row = sheet.body.attendees.find((a) => a.member_id === member.id)
    assert.equal(row.leave_status, 'requested')
    assert.equal(row.leave_reason, '当天上午陪家人到医院复查，无法到会')

    // The message is read now; 我的会议 lists the meeting under 即将召开.
    await page.goto(`${backend.base}/inbox`)
    await page.locator('[data-testid=inbox-item][data-unread=false]').first().waitFor()
    assert.equal(await page.locator('[data-testid=inbox-read-all]').isDisabled(), true)
    await page.goto(`${backend.base}/my/meetings`)
    await page.locator(`[data-testid=my-meetings-upcoming] [data-meeting-id="${id}"]`).waitFor()
    await assertNoSideScroll(page, '我的会议')
    await screenshot(page, '73-my-meetings-390')
  })

  it('the QR URL checks in after signing in (the query survives the redirect); a wrong code says so', async () => {
    const soon = new Date(Date.now() + 15 * MINUTE)
    const id = await committeeWithMember(backend.base, secretary, member.id, member.name, { startsAt: soon, title: '临时支委会（扫码签到）' })
    const code = await api(backend.base, secretary, 'GET', `/meetings/${id}/check-in-code`)
    assert.equal(code.status, 200)
    assert.match(code.body.path, new RegExp(`^/my/meetings/${id}/check-in\\?token=`))

    // Signed out: the QR URL goes to the sign-in page and back, token intact.
    await page.goto(backend.base + code.body.path)
    await page.waitForURL(/\/login\?redirect=/)
    const redirect = new URL(page.url()).searchParams.get('redirect')
    assert.equal(redirect, code.body.path)
    await page.locator('input[name=username]').fill('member')
    await page.locator('input[name=password]').fill('Dangjian#2026')
    await page.locator('[data-testid=login-submit]').click()
    await page.waitForURL(new RegExp(`/my/meetings/${id}/check-in\\?token=`))
    const success = page.locator('[data-testid=check-in-success]')
    await success.waitFor()
    assert.match(await success.innerText(), /签到成功/)
    assert.match(await success.innerText(), /临时支委会（扫码签到）/)
    await assertNoSideScroll(page, '签到成功')
    await screenshot(page, '74-check-in-success-390')

    const sheet = await api(backend.base, secretary, 'GET', `/meetings/${id}`)
    const row = sheet.body.attendees.find((a) => a.member_id === member.id)
    assert.equal(row.attendance, 'sitting_in', 'a 列席 attendee is signed in as sitting in')
    assert.equal(row.checked_in_by, '本人扫码')

    // The detail now shows the member as there, and no check-in prompt.
    await success.locator('[data-testid=check-in-open-meeting]').click()
    await page.waitForURL(new RegExp(`/my/meetings/${id}$`))
    await page.locator('[data-testid=my-status][data-status=sittingIn]').waitFor()
    assert.equal(await page.locator('[data-testid=check-in-open]').count(), 0)

    // A wrong code: a clear error, and the reminder that staff can sign one in.
    await page.goto(`${backend.base}/my/meetings/${id}/check-in?token=WrongToken12345`)
    const failure = page.locator('[data-testid=check-in-error]')
    await failure.waitFor()
    assert.match(await failure.innerText(), /签到码无效/)
    assert.match(await failure.innerText(), /工作人员在签到表上为您登记/)
    await assertNoSideScroll(page, '签到失败')
    await screenshot(page, '75-check-in-wrong-code-390')
    assert.deepEqual(browser.events.pageErrors, [])
  })

  it('工作台 lists an overdue resolution for its owner and for the secretary (MTG-10)', async () => {
    // A held committee meeting with a passed resolution, owned by the member, due two days ago.
    const me = await api(backend.base, secretary, 'GET', '/auth/me')
    const orgId = me.body.organizations.find((o) => o.name === '东风社区党委').id
    const created = await api(backend.base, secretary, 'POST', '/meetings', { organization_id: orgId, type: 'committee', title: '支委会（决议落实）', starts_at: new Date(Date.now() - 3 * 86_400_000).toISOString(), late_reason: '会后补录（LEDG-03）' })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const id = created.body.id
    const entries = created.body.attendees.map((a) => ({ attendee_id: a.id, attendance: 'present' }))
    assert.equal((await api(backend.base, secretary, 'PUT', `/meetings/${id}/attendance`, { entries })).status, 200)
    const held = await api(backend.base, secretary, 'POST', `/meetings/${id}/hold`, {})
    assert.equal(held.status, 200, JSON.stringify(held.body))
    const voted = await api(backend.base, secretary, 'POST', `/meetings/${id}/resolutions`, { title: '整修幸福小区3号楼楼道照明', yes: created.body.attendees.length, secret: false })
    assert.equal(voted.status, 200, JSON.stringify(voted.body))
    const resolution = voted.body.resolutions.find((r) => r.title === '整修幸福小区3号楼楼道照明')
    assert.equal(resolution.passed, true)
    const memberUser = (await api(backend.base, await apiToken(backend.base, 'member'), 'GET', '/auth/me')).body.user
    const due = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10)
    const owned = await api(backend.base, secretary, 'PATCH', `/resolutions/${resolution.id}`, { owner: member.name, owner_user_id: memberUser.id, due_on: due, follow_up: 'in_progress' })
    assert.equal(owned.status, 200, JSON.stringify(owned.body))
    assert.equal(owned.body.overdue, true)

    // 工作台's 待办 (GET /me/todos): the resolution is the member's to-do, linking to 我的会议.
    await signInToDashboard(page, backend.base, 'member')
    const card = page.locator('[data-testid=todos]')
    const row = card.locator('[data-testid=todo][data-kind=resolutions_overdue]').filter({ hasText: '整修幸福小区3号楼楼道照明' })
    await row.waitFor()
    assert.match(await row.innerText(), /我负责/)
    assert.match(await row.innerText(), /逾期 \d+ 天/)
    assert.equal(await row.locator('a').getAttribute('href'), `/my/meetings/${id}`)
    await assertNoSideScroll(page, 'dashboard with overdue resolutions')
    await screenshot(page, '76-dashboard-overdue-390')

    // The secretary reads meetings: the same resolution, linking to the staff meeting page.
    await browser.context.clearCookies()
    await signInToDashboard(page, backend.base, 'secretary')
    const staffRow = page.locator('[data-testid=todo][data-kind=resolutions_overdue]').filter({ hasText: '整修幸福小区3号楼楼道照明' })
    await staffRow.waitFor()
    assert.equal(await staffRow.locator('a').getAttribute('href'), `/meetings/${id}`)
    assert.doesNotMatch(await staffRow.innerText(), /我负责/)
  })
})
