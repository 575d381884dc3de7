/**
 * The member photo in the browser (党员照片): upload, show, refuse a bad file, delete — against one
 * real backend with the demo data. The SPA fetches the photo with the bearer token and draws it on
 * a canvas (the CSP, default-src 'self', allows no blob: images).
 * Run: node --test --test-concurrency=1 tests/e2e/   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { before, beforeEach, describe, it } from 'node:test'
import { api, apiToken, browserSuite, screenshot, signInToDashboard, signOut, SKIP } from './harness.mjs'


/** A PNG drawn in the page (red, with a gold band), as a Buffer. */
async function makePng(page, width, height) {
  const base64 = await page.evaluate(
    ([w, h]) => {
      const c = document.createElement('canvas')
      c.width = w
      c.height = h
      const ctx = c.getContext('2d')
      ctx.fillStyle = '#c8161d'
      ctx.fillRect(0, 0, w, h)
      ctx.fillStyle = '#f5c242'
      ctx.fillRect(0, Math.round(h * 0.8), w, Math.round(h * 0.1))
      return c.toDataURL('image/png').split(',')[1]
    },
    [width, height],
  )
  const buffer = Buffer.from(base64, 'base64')
  assert.equal(buffer.subarray(1, 4).toString('latin1'), 'PNG')
  return buffer
}

/** PUT a photo through the API (multipart field "file"). */
async function putPhoto(base, token, memberId, buffer) {
  const form = new FormData()
  form.append('file', new Blob([buffer], { type: 'image/png' }), 'photo.png')
  const res = await fetch(`${base}/api/v1/members/${memberId}/photo`, { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: form })
  return res.status
}

/** What the photo canvas shows: its size and the colour at its centre. */
const canvasInfo = (page, scope = page) =>
  scope.locator('[data-testid=member-photo-image]').evaluate((c) => {
    const [r, g, b] = c.getContext('2d').getImageData(Math.floor(c.width / 2), Math.floor(c.height / 2), 1, 1).data
    return { width: c.width, height: c.height, r, g, b, visible: c.getBoundingClientRect().width > 0, tag: c.tagName }
  })

describe('党员照片 in the browser', { skip: SKIP }, () => {
  let backend
  let browser
  let page

  const suite = browserSuite()
  before(() => {
    ({ backend, browser, page } = suite)
  })

  beforeEach(async () => {
    await browser.context.clearCookies()
    await page.goto(backend.base + '/login')
  })


  it('clerk uploads a member photo, sees it, is refused a renamed text file in Chinese, and deletes it after confirming', async () => {
    const clerkToken = await apiToken(backend.base, 'clerk')
    const target = (await api(backend.base, clerkToken, 'GET', '/members?size=1')).body.items[0]
    assert.ok(target, 'a member on the roster')
    assert.equal((await api(backend.base, clerkToken, 'GET', `/members/${target.id}`)).body.has_photo, false)

    await signInToDashboard(page, backend.base, 'clerk')
    await page.goto(`${backend.base}/members/${target.id}`)
    await page.locator('[data-testid=member-name]').filter({ hasText: target.name }).waitFor()
    const photo = page.locator('[data-testid=member-photo]')
    await photo.locator('[data-testid=member-photo-empty]').filter({ hasText: '暂无照片' }).waitFor()
    const uploadButton = page.locator('[data-testid=member-photo-upload]')
    assert.equal((await uploadButton.innerText()).trim(), '上传照片')
    assert.equal(await page.locator('[data-testid=member-photo-delete]').count(), 0, 'nothing to delete yet')
    const frame = await photo.locator('.mp-frame').boundingBox()
    assert.ok(Math.abs(frame.width - 120) <= 2 && Math.abs(frame.height - 160) <= 2, `a 2-inch photo frame: ${JSON.stringify(frame)}`)

    // A file that is not a photo at all is refused before any upload.
    const input = page.locator('[data-testid=member-photo-file]')
    assert.equal(await input.getAttribute('accept'), 'image/jpeg,image/png,image/webp')
    const puts = () => browser.events.apiResponses.filter((r) => r.method === 'PUT' && r.url.endsWith(`/members/${target.id}/photo`)).length
    await input.setInputFiles({ name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('不是照片') })
    await page.locator('.el-message--error').filter({ hasText: '请选择 JPG、PNG 或 WebP 格式的照片' }).waitFor()
    assert.equal(puts(), 0, 'no upload of a refused file')

    // Upload a PNG larger than the server keeps: it comes back as a JPEG of at most 826×1158.
    const png = await makePng(page, 1000, 1400)
    await input.setInputFiles({ name: '证件照.png', mimeType: 'image/png', buffer: png })
    await page.locator('.el-message--success').filter({ hasText: '照片已上传' }).waitFor()
    await page.locator('[data-testid=member-photo][data-state=shown]').waitFor()
    const shown = await canvasInfo(page)
    assert.equal(shown.visible, true)
    assert.deepEqual([shown.width, shown.height], [826, 1156], 'scaled down by the server, aspect kept')
    assert.ok(shown.r > 170 && shown.g < 70 && shown.b < 70, `the red photo is drawn: ${JSON.stringify(shown)}`)
    assert.equal((await uploadButton.innerText()).trim(), '更换照片')
    await page.locator('[data-testid=member-photo-delete]').filter({ hasText: '删除照片' }).waitFor()
    assert.equal(puts(), 1)
    const got = browser.events.apiResponses.filter((r) => r.method === 'GET' && r.url.endsWith(`/members/${target.id}/photo`))
    assert.ok(got.some((r) => r.status === 200), 'the photo was fetched through the API')
    assert.equal((await api(backend.base, clerkToken, 'GET', `/members/${target.id}`)).body.has_photo, true)
    await page.locator('.el-message').last().waitFor({ state: 'hidden' }).catch(() => {})
    await screenshot(page, '27-member-photo')

    // A text file renamed .png gets past the browser; the server refuses it, in Chinese.
    await input.setInputFiles({ name: '照片.png', mimeType: 'image/png', buffer: Buffer.from('这是一个改了扩展名的文本文件\n') })
    const refused = page.locator('.el-message--error').filter({ hasText: '无法识别的图片文件，请上传 JPG、PNG 或 WebP 照片' })
    await refused.waitFor()
    assert.ok(browser.events.apiResponses.some((r) => r.method === 'PUT' && r.status === 422), 'the server answered 422')
    assert.equal(await page.locator('[data-testid=member-photo]').getAttribute('data-state'), 'shown', 'the photo is kept')
    await page.waitForTimeout(400)
    await screenshot(page, '28-member-photo-refused')

    // Delete: cancelling keeps the photo; confirming removes it.
    await page.locator('[data-testid=member-photo-delete]').click()
    const confirm = page.locator('.photo-delete-confirm')
    await confirm.waitFor()
    assert.match(await confirm.innerText(), new RegExp(`确定删除${target.name}的照片吗`))
    await confirm.getByRole('button', { name: '取消' }).click()
    await confirm.waitFor({ state: 'hidden' })
    assert.equal(await page.locator('[data-testid=member-photo]').getAttribute('data-state'), 'shown')

    await page.locator('[data-testid=member-photo-delete]').click()
    await confirm.waitFor()
    await confirm.locator('.el-button--primary').click()
    await page.locator('.el-message--success').filter({ hasText: '照片已删除' }).waitFor()
    await photo.locator('[data-testid=member-photo-empty]').filter({ hasText: '暂无照片' }).waitFor()
    assert.equal((await uploadButton.innerText()).trim(), '上传照片')
    assert.equal(await page.locator('[data-testid=member-photo-delete]').count(), 0)

    // The server agrees.
    assert.equal((await api(backend.base, clerkToken, 'GET', `/members/${target.id}`)).body.has_photo, false)
    const after = await fetch(`${backend.base}/api/v1/members/${target.id}/photo`, { headers: { Authorization: `Bearer ${clerkToken}` } })
    assert.equal(after.status, 404)
    await signOut(page)
  })

  it('deputy sees a photo but cannot change it; the member sees their own photo on 我的党员信息', async () => {
    const clerkToken = await apiToken(backend.base, 'clerk')
    const target = (await api(backend.base, clerkToken, 'GET', '/members?size=1&page=2')).body.items[0]
    const own = (await api(backend.base, await apiToken(backend.base, 'member'), 'GET', '/me/member')).body
    assert.equal(own.has_photo, false)
    const png = await makePng(page, 330, 462)
    assert.equal(await putPhoto(backend.base, clerkToken, target.id, png), 204)
    assert.equal(await putPhoto(backend.base, clerkToken, own.id, png), 204)
    // the deputy may read the roster but not change it
    assert.equal(await putPhoto(backend.base, await apiToken(backend.base, 'deputy'), target.id, png), 403)

    await signInToDashboard(page, backend.base, 'deputy')
    await page.goto(`${backend.base}/members/${target.id}`)
    await page.locator('[data-testid=member-name]').waitFor()
    await page.locator('[data-testid=member-photo][data-state=shown]').waitFor()
    assert.ok((await canvasInfo(page)).width > 0)
    for (const id of ['member-photo-upload', 'member-photo-delete', 'member-photo-file']) {
      assert.equal(await page.locator(`[data-testid=${id}]`).count(), 0, `no ${id} for the deputy`)
    }
    await signOut(page)

    await signInToDashboard(page, backend.base, 'member')
    await page.locator('[data-testid=my-member-link]').click()
    await page.waitForURL(/\/me\/member$/)
    const mine = page.locator('[data-testid=my-member]')
    await mine.locator('[data-testid=member-photo][data-state=shown]').waitFor()
    const shown = await canvasInfo(page, mine)
    assert.deepEqual([shown.width, shown.height], [330, 462])
    assert.ok(shown.r > 170 && shown.g < 70, `the member's own photo is drawn: ${JSON.stringify(shown)}`)
    for (const id of ['member-photo-upload', 'member-photo-delete', 'member-photo-file']) {
      assert.equal(await mine.locator(`[data-testid=${id}]`).count(), 0, `read-only: no ${id}`)
    }
    await screenshot(page, '29-my-member-photo')

    // At phone width the photo sits above the details, without horizontal scrolling.
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.waitForTimeout(300)
      const m = await page.evaluate(() => ({ scrollWidth: document.scrollingElement.scrollWidth, clientWidth: document.scrollingElement.clientWidth }))
      assert.ok(m.scrollWidth <= m.clientWidth, `my member page at 390 px: ${JSON.stringify(m)}`)
      const photoBox = await mine.locator('[data-testid=member-photo] .mp-frame').boundingBox()
      const infoBox = await mine.locator('.my-member__info').boundingBox()
      assert.ok(photoBox.y + photoBox.height <= infoBox.y + 1, 'the photo above the details')
      await screenshot(page, '30-my-member-photo-390')
    } finally {
      await page.setViewportSize({ width: 1366, height: 860 })
    }
    await signOut(page)
  })

  it('made no request to any other host and raised no page error or CSP violation', () => {
    assert.deepEqual(browser.events.foreignRequests, [])
    assert.deepEqual(browser.events.cspViolations, [])
    assert.deepEqual(browser.events.pageErrors, [])
    assert.deepEqual(browser.events.dialogs, [])
  })
})
