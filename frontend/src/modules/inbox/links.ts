/**
 * Where a message leads (unit-tested). A message's `link` is an SPA path such as
 * `/my/meetings/12`; anything else — another origin, a protocol-relative or scheme URL — is
 * never followed, so a message cannot send the reader off the platform.
 */
import type { NotificationRead } from '@/api'

/** The in-app path a message's link points to, or null when it has none we may follow. */
export function inboxTarget(link: string | null | undefined, origin?: string): string | null {
  if (typeof link !== 'string') return null
  const value = link.trim()
  if (!value) return null
  if (value.startsWith('/')) {
    // "//host" and "/\host" are read by browsers as another origin.
    if (value.startsWith('//') || value.startsWith('/\\')) return null
    return value
  }
  // An absolute URL of this very origin is followed as its path (older messages may carry one).
  if (origin && /^https?:\/\//i.test(value)) {
    try {
      const url = new URL(value)
      if (url.origin === new URL(origin).origin) return `${url.pathname}${url.search}${url.hash}`
    } catch {
      return null
    }
  }
  return null
}

export const isUnread = (n: Pick<NotificationRead, 'read_at'>) => n.read_at == null

/** The text of the bell's badge: nothing for 0, "99+" above 99. */
export function badgeText(count: number | null | undefined): string {
  if (!count || count <= 0) return ''
  return count > 99 ? '99+' : String(count)
}

/** Known message kinds (labels in locales `inbox.kind.*`); others show no kind tag. */
export const KNOWN_KINDS = ['meeting_notice', 'meeting_agenda', 'meeting_cancelled', 'meeting_resolutions', 'leave_decision', 'dues_arrears', 'password_reset'] as const
export type KnownKind = (typeof KNOWN_KINDS)[number]
export const isKnownKind = (kind: string): kind is KnownKind => (KNOWN_KINDS as readonly string[]).includes(kind)

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})/g

/**
 * A message body for reading: instants written as ISO 8601 (a meeting notice says
 * "时间：2026-11-24T02:00:00+00:00") become local "2026-11-24 10:00" via `format`.
 */
export function readableBody(body: string, format: (iso: string) => string): string {
  return body.replace(ISO_INSTANT, (iso) => format(iso) || iso)
}
