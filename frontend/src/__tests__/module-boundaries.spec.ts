/**
 * Module boundaries (issue 13): a module under src/modules/ uses another only through its index
 * ('@/modules/<name>'), never a file inside it, and the modules' import graph has no cycle.
 * ESLint's no-restricted-imports catches deep '@/modules/…' imports while editing; this check also
 * resolves relative paths and finds cycles through the index files.
 */
import { describe, expect, it } from 'vitest'

const sources = import.meta.glob('../modules/**/*.{ts,vue}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

/** 'src/modules/<name>/…' of a path relative to src/__tests__ ("../modules/dues/ledger.ts" → ["dues", "ledger.ts"]). */
function moduleOf(path: string): [string, string] | null {
  const m = /^(?:\.\.\/)?modules\/([^/]+)\/(.*)$/.exec(path)
  return m ? [m[1], m[2]] : null
}

function resolve(from: string, spec: string): string | null {
  if (spec.startsWith('@/')) return `../${spec.slice(2)}`
  if (!spec.startsWith('.')) return null
  const parts = from.split('/').slice(0, -1)
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop()
    else if (seg !== '.') parts.push(seg)
  }
  return parts.join('/')
}

interface Edge {
  file: string
  spec: string
  from: string
  to: string
  deep: boolean
}

function edges(files: Record<string, string>): Edge[] {
  const out: Edge[] = []
  for (const [file, text] of Object.entries(files)) {
    const own = moduleOf(file)
    if (!own) continue
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]
      const target = resolve(file, spec)
      const other = target ? moduleOf(`${target}/`.replace(/\/+$/, '/')) : null
      if (!other || other[0] === own[0]) continue
      const rest = other[1].replace(/\/$/, '')
      out.push({ file, spec, from: own[0], to: other[0], deep: rest !== '' && rest !== 'index' && rest !== 'index.ts' })
    }
  }
  return out
}

/** A cycle in the module graph as ["a", "b", "a"], or null. */
function findCycle(list: Edge[]): string[] | null {
  const next = new Map<string, Set<string>>()
  for (const e of list) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to))
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n]
    state.set(n, 'open')
    stack.push(n)
    for (const m of next.get(n) ?? []) {
      const hit = visit(m)
      if (hit) return hit
    }
    stack.pop()
    state.set(n, 'done')
    return null
  }
  for (const n of next.keys()) {
    const hit = visit(n)
    if (hit) return hit
  }
  return null
}

describe('module boundaries', () => {
  it('reads the modules', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(50)
    expect(edges(sources).some((e) => e.from === 'dashboard' && e.to === 'members')).toBe(true)
  })

  it('imports another module only through its index', () => {
    const deep = edges(sources)
      .filter((e) => e.deep)
      .map((e) => `${e.file}: ${e.spec}`)
    expect(deep).toEqual([])
  })

  it('has no cycle between modules', () => {
    expect(findCycle(edges(sources))).toBeNull()
  })

  it('would catch a deep import and a cycle', () => {
    const fake = {
      '../modules/a/views/A.vue': "import { x } from '@/modules/b/helpers'",
      '../modules/b/helpers.ts': "import { y } from '../a'\nexport const x = y",
    }
    const list = edges(fake)
    expect(list.filter((e) => e.deep).map((e) => e.spec)).toEqual(['@/modules/b/helpers'])
    expect(findCycle(list)).toEqual(['a', 'b', 'a'])
  })
})
