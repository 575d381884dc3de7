import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import { ElMessage } from 'element-plus'
import { installAuth, setupApiClient } from '@/api/client'
import { ApiError } from '@/api/errors'
import { MEMBER_QUERIES, operationOf } from '@/api/queries'
import { i18n } from '@/locales'
import zhCN from '@/locales/zh-CN'
import en from '@/locales/en'
import { errorMessage } from '@/locales/errors'
import { fetchPhoto, MAX_PHOTO_BYTES, PHOTO_ACCEPT, photoFileProblem, photoKey, photoProblemMessage } from '@/modules/members/photo'
import MemberPhoto from '@/modules/members/components/MemberPhoto.vue'
import { json, mockFetch, pathOf } from './helpers'

const MB = 1024 * 1024

describe('photo file check (before the upload)', () => {
  it('accepts JPG, PNG and WebP by MIME type, up to 20 MB', () => {
    expect(MAX_PHOTO_BYTES).toBe(20 * MB)
    expect(photoFileProblem({ name: '照片.jpg', size: 1000, type: 'image/jpeg' })).toBeNull()
    expect(photoFileProblem({ name: 'a.png', size: 1000, type: 'image/png' })).toBeNull()
    expect(photoFileProblem({ name: 'a.webp', size: 1000, type: 'image/webp' })).toBeNull()
    expect(photoFileProblem({ name: 'A.JPG', size: 20 * MB, type: 'IMAGE/JPEG' })).toBeNull()
  })

  it('refuses other types, whatever the name says', () => {
    expect(photoFileProblem({ name: 'a.gif', size: 1000, type: 'image/gif' })).toBe('type')
    expect(photoFileProblem({ name: 'a.png', size: 1000, type: 'text/plain' })).toBe('type')
    expect(photoFileProblem({ name: 'scan.pdf', size: 1000, type: 'application/pdf' })).toBe('type')
    expect(photoFileProblem({ name: 'a.heic', size: 1000, type: 'image/heic' })).toBe('type')
  })

  it('falls back to the extension when the browser gives no type', () => {
    expect(photoFileProblem({ name: 'a.jpeg', size: 10 })).toBeNull()
    expect(photoFileProblem({ name: 'a.WEBP', size: 10, type: '' })).toBeNull()
    expect(photoFileProblem({ name: 'a.bmp', size: 10, type: '' })).toBe('type')
    expect(photoFileProblem({ name: 'photo', size: 10 })).toBe('type')
  })

  it('refuses empty files and files over 20 MB', () => {
    expect(photoFileProblem({ name: 'a.png', size: 0, type: 'image/png' })).toBe('empty')
    expect(photoFileProblem({ name: 'a.png', size: 20 * MB + 1, type: 'image/png' })).toBe('size')
    // the type is reported first
    expect(photoFileProblem({ name: 'a.txt', size: 0, type: 'text/plain' })).toBe('type')
  })

  it('says what is wrong in Chinese (and English)', () => {
    const t = i18n.global.t
    const say = (p: 'type' | 'empty' | 'size') => {
      const { key, params } = photoProblemMessage(p)
      return t(key, params)
    }
    expect(say('type')).toBe('请选择 JPG、PNG 或 WebP 格式的照片')
    expect(say('empty')).toMatch(/空文件/)
    expect(say('size')).toBe('照片文件不能超过 20 MB')
    for (const p of ['type', 'empty', 'size'] as const) expect(photoProblemMessage(p).key).toMatch(/^member\.photo\./)
    expect(Object.keys(en.member.photo).sort()).toEqual(Object.keys(zhCN.member.photo).sort())
  })

  it('offers only the accepted types in the file chooser', () => {
    expect(PHOTO_ACCEPT).toBe('image/jpeg,image/png,image/webp')
  })

  it('keys the photo by the generated key, in the roster family, so what makes the roster stale refreshes it', () => {
    expect(photoKey(7)).toEqual([expect.objectContaining({ _id: 'membersGetMemberPhoto', path: { member_id: 7 } })])
    expect(MEMBER_QUERIES).toContain(operationOf(photoKey(7)))
  })

  it('shows the server detail for refused files', () => {
    const err = new ApiError(422, { status: 422, code: 'photo_type', detail: '无法识别的图片文件，请上传 JPG、PNG 或 WebP 照片' })
    expect(errorMessage(err, 'zh-CN')).toBe('无法识别的图片文件，请上传 JPG、PNG 或 WebP 照片')
    expect(errorMessage(err, 'en')).toMatch(/JPG, PNG or WebP/)
    expect(errorMessage(new ApiError(422, { code: 'photo_too_large', detail: '照片像素过多，请缩小后再上传' }), 'zh-CN')).toMatch(/像素过多/)
  })
})

describe('photo download', () => {
  beforeEach(() => {
    setupApiClient()
    installAuth({ getToken: () => 'TOKEN', refresh: async () => false, onUnauthorized: () => {} })
  })

  it('fetches the photo with the bearer token, as a blob', async () => {
    const { calls } = mockFetch(() => new Response(new Uint8Array([0xff, 0xd8, 0xff]), { status: 200, headers: { 'Content-Type': 'image/jpeg' } }))
    const blob = await fetchPhoto(7)
    expect(blob).toBeInstanceOf(Blob)
    expect(blob.size).toBe(3)
    expect(pathOf(calls[0])).toBe('/api/v1/members/7/photo')
    expect(calls[0].headers.get('authorization')).toBe('Bearer TOKEN')
  })

  it('turns "no photo" into an ApiError', async () => {
    mockFetch(() => json(404, { status: 404, code: 'no_photo', detail: '该党员没有照片' }))
    await expect(fetchPhoto(7)).rejects.toMatchObject({ status: 404, code: 'no_photo' })
  })
})

describe('MemberPhoto', () => {
  const mountPhoto = (props: { memberId: number; hasPhoto: boolean; editable?: boolean; name?: string }) => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
    return mount(MemberPhoto, { props, global: { plugins: [i18n, [VueQueryPlugin, { queryClient }]] } })
  }

  beforeEach(() => {
    setupApiClient()
    installAuth({ getToken: () => 'TOKEN', refresh: async () => false, onUnauthorized: () => {} })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('shows 暂无照片 and fetches nothing when the record has no photo; read-only without buttons', async () => {
    const { fn } = mockFetch(() => json(500, {}))
    const w = mountPhoto({ memberId: 7, hasPhoto: false })
    await flushPromises()
    expect(w.find('[data-testid=member-photo-empty]').text()).toBe('暂无照片')
    expect(w.find('[data-testid=member-photo-upload]').exists()).toBe(false)
    expect(w.find('[data-testid=member-photo-delete]').exists()).toBe(false)
    expect(w.find('input[type=file]').exists()).toBe(false)
    expect(fn).not.toHaveBeenCalled()
    w.unmount()
  })

  it('offers 上传照片 to editors, and refuses a wrong file before any upload', async () => {
    const { fn } = mockFetch(() => json(500, {}))
    const error = vi.spyOn(ElMessage, 'error')
    const w = mountPhoto({ memberId: 7, hasPhoto: false, editable: true })
    await flushPromises()
    expect(w.find('[data-testid=member-photo-upload]').text()).toBe('上传照片')
    expect(w.find('[data-testid=member-photo-delete]').exists()).toBe(false)
    const input = w.find('input[type=file]')
    expect(input.attributes('accept')).toBe('image/jpeg,image/png,image/webp')
    Object.defineProperty(input.element, 'files', { value: [new File(['hello'], 'notes.txt', { type: 'text/plain' })], configurable: true })
    await input.trigger('change')
    await flushPromises()
    expect(error).toHaveBeenCalledWith('请选择 JPG、PNG 或 WebP 格式的照片')
    expect(fn).not.toHaveBeenCalled()
    w.unmount()
  })

  it('uploads a photo as multipart field "file"', async () => {
    const { calls } = mockFetch((req) => (req.method === 'PUT' ? new Response(null, { status: 204 }) : json(404, {})))
    vi.spyOn(ElMessage, 'success')
    const w = mountPhoto({ memberId: 9, hasPhoto: false, editable: true })
    const input = w.find('input[type=file]')
    Object.defineProperty(input.element, 'files', { value: [new File([new Uint8Array([1, 2, 3])], 'me.png', { type: 'image/png' })], configurable: true })
    await input.trigger('change')
    await flushPromises()
    const put = calls.find((c) => c.method === 'PUT')!
    expect(pathOf(put)).toBe('/api/v1/members/9/photo')
    expect(put.headers.get('authorization')).toBe('Bearer TOKEN')
    const form = await put.formData()
    expect((form.get('file') as File).name).toBe('me.png')
    expect(ElMessage.success).toHaveBeenCalledWith('照片已上传')
    w.unmount()
  })

  it('draws the fetched photo on a canvas, with 更换照片 and 删除照片 for editors', async () => {
    const { calls } = mockFetch(() => new Response(new Uint8Array([0xff, 0xd8, 0xff]), { status: 200, headers: { 'Content-Type': 'image/jpeg' } }))
    const close = vi.fn()
    vi.stubGlobal(
      'createImageBitmap',
      vi.fn(async () => ({ width: 413, height: 579, close })),
    )
    const w = mountPhoto({ memberId: 7, hasPhoto: true, editable: true, name: '李建国' })
    await flushPromises()
    await flushPromises()
    expect(calls.map((c) => `${c.method} ${pathOf(c)}`)).toEqual(['GET /api/v1/members/7/photo'])
    expect(w.find('[data-testid=member-photo]').attributes('data-state')).toBe('shown')
    const canvas = w.find('canvas').element as HTMLCanvasElement
    expect([canvas.width, canvas.height]).toEqual([413, 579])
    expect(canvas.getAttribute('aria-label')).toBe('李建国的照片')
    expect(close).toHaveBeenCalled()
    expect(w.find('[data-testid=member-photo-upload]').text()).toBe('更换照片')
    expect(w.find('[data-testid=member-photo-delete]').text()).toBe('删除照片')
    w.unmount()
  })
})
