import { describe, expect, it } from 'vitest'
import { nextTick, reactive, ref } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { ElPagination } from 'element-plus'
import ListPager from '@/components/ListPager.vue'
import { usePager } from '@/composables/usePager'

describe('usePager', () => {
  it('starts on the given page and size and goes back to page 1 when a filter changes', async () => {
    const filters = reactive({ q: '' })
    const org = ref<number | null>(null)
    const { page, size } = usePager({ page: 3, size: 50, resetOn: [org, filters] })
    expect([page.value, size.value]).toEqual([3, 50])
    filters.q = '张'
    await nextTick()
    expect(page.value).toBe(1)
    page.value = 4
    org.value = 7
    await nextTick()
    expect(page.value).toBe(1)
  })
})

describe('ListPager', () => {
  const mountPager = (props: Record<string, unknown>) =>
    mount(ListPager, { props: { page: 2, size: 20, total: 95, ...props }, attrs: { 'data-testid': 'x-pager' }, global: { plugins: [createPinia()] } })

  it('shows sizes unless the size is fixed, and hands its attributes to the pagination', () => {
    const pager = mountPager({}).findComponent(ElPagination)
    expect(pager.props('layout')).toBe('total, sizes, prev, pager, next')
    expect(pager.props('pageSizes')).toEqual([20, 50, 100])
    expect(pager.attributes('data-testid')).toBe('x-pager')
    expect(mountPager({ fixedSize: true, jumper: true }).findComponent(ElPagination).props('layout')).toBe('total, prev, pager, next, jumper')
  })

  it('updates the page model', async () => {
    const wrapper = mountPager({})
    wrapper.findComponent(ElPagination).vm.$emit('update:current-page', 3)
    await nextTick()
    expect(wrapper.emitted('update:page')?.[0]).toEqual([3])
  })
})
