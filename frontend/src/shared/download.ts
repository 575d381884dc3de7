/**
 * Downloads for every module (roster template and export, attachments, reports). Files come
 * through the authenticated client — bearer token, one refresh on 401 — as a blob, saved through
 * an object URL; never a bare link (the API needs the token, which a link cannot carry).
 */
/** The file name of a Content-Disposition header (RFC 6266 `filename*` preferred), or the fallback. */
export function filenameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // a malformed encoding: try the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header)
  return plain ? plain[1].trim() : fallback
}

/** Save a blob under a name: an object URL clicked through a temporary link, then released. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Run an SDK call answering a blob (`parseAs: 'blob'`) and save what it answered. */
export async function download(call: () => Promise<{ data: unknown; response: Response }>, fallback: string): Promise<string> {
  const { data, response } = await call()
  const blob = data instanceof Blob ? data : new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })
  const name = filenameFromDisposition(response.headers.get('content-disposition'), fallback)
  saveBlob(blob, name)
  return name
}
