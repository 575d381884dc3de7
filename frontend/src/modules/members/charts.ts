/**
 * ECharts options for the roster statistics (unit-tested). Tooltips render on the canvas
 * (richText): no inline style markup, so the strict CSP holds.
 */
import type { CountRow, EventType, FlowRow } from '@/api'
import type { EnumGroup } from '@/locales/enums'
import { groupOf } from './events'

export const PALETTE = ['#c8161d', '#f5a623', '#e86e2c', '#8e0e13', '#f5c242', '#5b8ff9', '#5ad8a6', '#9270ca', '#6dc8ec', '#ff9d4d', '#a0a7b4']

export interface Item {
  key: string
  name: string
  value: number
}

/** Statistic rows with their labels; the "未填写" bucket is labelled too and kept last. */
export function labelled(rows: readonly CountRow[], group: EnumGroup | null, label: (group: EnumGroup, v: string) => string): Item[] {
  const items = rows.map((r) => ({
    key: r.key,
    name: r.key === '未填写' ? label('statBucket', r.key) : group ? label(group, r.key) : r.key,
    value: r.count,
  }))
  return [...items.filter((i) => i.key !== '未填写'), ...items.filter((i) => i.key === '未填写')]
}

/** The largest `n` items, the rest summed as `otherName` (long tails make unreadable pies). */
export function topN(items: readonly Item[], n: number, otherName: string): Item[] {
  const sorted = [...items].sort((a, b) => b.value - a.value)
  if (sorted.length <= n) return sorted
  const rest = sorted.slice(n - 1).reduce((s, i) => s + i.value, 0)
  return [...sorted.slice(0, n - 1), { key: '__other', name: otherName, value: rest }]
}

const tooltip = { renderMode: 'richText' as const }

export function pieOption(items: readonly Item[]) {
  const shown = items.filter((i) => i.value > 0)
  const count = new Map(shown.map((i) => [i.name, i.value]))
  return {
    color: PALETTE,
    tooltip: { ...tooltip, trigger: 'item' as const, formatter: '{b}: {c} ({d}%)' },
    // Names with their counts in the legend (it wraps); percentages inside the ring — nothing
    // sticks out of a narrow card.
    legend: {
      type: 'plain' as const,
      bottom: 0,
      left: 'center',
      itemWidth: 12,
      itemHeight: 8,
      formatter: (name: string) => `${name} ${count.get(name) ?? 0}`,
    },
    series: [
      {
        type: 'pie' as const,
        radius: ['34%', '60%'],
        center: ['50%', '40%'],
        label: {
          position: 'inside' as const,
          color: '#fff',
          fontSize: 11,
          formatter: (p: { percent?: number }) => ((p.percent ?? 0) >= 6 ? `${Math.round(p.percent ?? 0)}%` : ''),
        },
        labelLine: { show: false },
        data: shown.map((i) => ({ name: i.name, value: i.value })),
      },
    ],
  }
}

export function barOption(items: readonly Item[], opts: { horizontal?: boolean; color?: string } = {}) {
  const names = items.map((i) => i.name)
  const values = items.map((i) => i.value)
  const category = { type: 'category' as const, data: opts.horizontal ? [...names].reverse() : names, axisTick: { show: false } }
  const value = { type: 'value' as const, minInterval: 1 }
  return {
    color: [opts.color ?? PALETTE[0]],
    tooltip: { ...tooltip, trigger: 'axis' as const, axisPointer: { type: 'shadow' as const } },
    grid: { left: 8, right: 32, top: 16, bottom: 8, containLabel: true },
    xAxis: opts.horizontal ? value : { ...category, axisLabel: { interval: 0, hideOverlap: true } },
    yAxis: opts.horizontal ? { ...category, axisLabel: { width: 150, overflow: 'break' as const, lineHeight: 14 } } : value,
    series: [
      {
        type: 'bar' as const,
        barMaxWidth: 28,
        data: opts.horizontal ? [...values].reverse() : values,
        label: { show: true, position: opts.horizontal ? ('right' as const) : ('top' as const) },
      },
    ],
  }
}

/**
 * Yearly flows: joining events above the axis, leaving events below (negative), status changes
 * left out (they neither add nor remove members).
 */
export function flowsOption(flows: readonly FlowRow[], label: (t: EventType) => string) {
  const counted = flows.filter((f) => groupOf(f.type) !== 'status')
  const years = [...new Set(counted.map((f) => f.year))].sort((a, b) => a - b)
  const types = [...new Set(counted.map((f) => f.type))]
  const series = types.map((type) => {
    const out = groupOf(type) === 'leave'
    return {
      name: label(type),
      type: 'bar' as const,
      stack: out ? 'out' : 'in',
      barMaxWidth: 28,
      data: years.map((y) => {
        const n = counted.filter((f) => f.year === y && f.type === type).reduce((s, f) => s + f.count, 0)
        return out && n ? -n : n
      }),
    }
  })
  return {
    color: PALETTE,
    tooltip: {
      ...tooltip,
      trigger: 'axis' as const,
      axisPointer: { type: 'shadow' as const },
      valueFormatter: (v: unknown) => String(Math.abs(Number(v))),
    },
    legend: { type: 'scroll' as const, top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category' as const, data: years.map(String), axisTick: { show: false } },
    yAxis: { type: 'value' as const, minInterval: 1, axisLabel: { formatter: (v: number) => String(Math.abs(v)) } },
    series,
  }
}
