/** Pure helpers over the organisation tree (unit-tested). */
import type { OrganizationNode } from '@/api'

export function findNode(nodes: readonly OrganizationNode[], id: number): OrganizationNode | null {
  for (const n of nodes) {
    if (n.id === id) return n
    const hit = findNode(n.children ?? [], id)
    if (hit) return hit
  }
  return null
}

/** Ancestors of `id` from the root down (excluding the node itself). */
export function ancestorsOf(nodes: readonly OrganizationNode[], id: number): OrganizationNode[] {
  const walk = (list: readonly OrganizationNode[], trail: OrganizationNode[]): OrganizationNode[] | null => {
    for (const n of list) {
      if (n.id === id) return trail
      const hit = walk(n.children ?? [], [...trail, n])
      if (hit) return hit
    }
    return null
  }
  return walk(nodes, []) ?? []
}

/** The tree without `id` and its descendants (valid targets for moving `id`). */
export function withoutSubtree(nodes: readonly OrganizationNode[], id: number): OrganizationNode[] {
  return nodes
    .filter((n) => n.id !== id)
    .map((n) => ({ ...n, children: withoutSubtree(n.children ?? [], id) }))
}

export function countNodes(nodes: readonly OrganizationNode[]): number {
  return nodes.reduce((sum, n) => sum + 1 + countNodes(n.children ?? []), 0)
}

/** The organisation id at the end of a materialised path such as "/1/4/9/" (→ 9). */
export function idFromPath(path: string | null | undefined): number | null {
  if (!path) return null
  const parts = path.split('/').filter(Boolean)
  const last = Number(parts[parts.length - 1])
  return Number.isInteger(last) && last > 0 ? last : null
}
