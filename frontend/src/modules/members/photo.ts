/**
 * The member photo (2-inch ID photo): fetched through the authenticated client (bearer token, one
 * refresh on 401) as a blob, uploaded as multipart, deleted. The server re-encodes every upload to
 * a metadata-free JPEG; here only the obvious mistakes (wrong type, empty, too large) are caught
 * before the upload.
 *
 * The SPA runs under `Content-Security-Policy: default-src 'self'`, which does not allow `blob:`
 * (or `data:`) images, so an <img> with an object URL would be blocked. The photo is decoded with
 * createImageBitmap (no resource load, so no CSP check) and drawn on a canvas instead.
 */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { membersDeleteMemberPhoto, membersGetMemberPhoto, membersSetMemberPhoto } from '@/api'
import { meMyMemberQueryKey, membersGetMemberPhotoQueryKey } from '@/api/queries'
import { memberKey } from './api'

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
/** The `accept` of the file input. */
export const PHOTO_ACCEPT = PHOTO_TYPES.join(',')
const PHOTO_EXTENSIONS = /\.(jpe?g|png|webp)$/i
/** The largest file offered to the server (its upload cap is the same 20 MiB). */
export const MAX_PHOTO_BYTES = 20 * 1024 * 1024

export type PhotoProblem = 'type' | 'empty' | 'size'

/**
 * Why a chosen file cannot be a photo, or null. The MIME type decides when the browser gives one;
 * without one, the extension. (A renamed non-image passes here; the server refuses it.)
 */
export function photoFileProblem(file: { name: string; size: number; type?: string }): PhotoProblem | null {
  const typeOk = file.type ? (PHOTO_TYPES as readonly string[]).includes(file.type.toLowerCase()) : PHOTO_EXTENSIONS.test(file.name)
  if (!typeOk) return 'type'
  if (file.size === 0) return 'empty'
  if (file.size > MAX_PHOTO_BYTES) return 'size'
  return null
}

/** The i18n key (and parameters) of the message for a file problem. */
export function photoProblemMessage(problem: PhotoProblem): { key: string; params: Record<string, number> } {
  if (problem === 'size') return { key: 'member.photo.tooLarge', params: { max: MAX_PHOTO_BYTES / 1024 / 1024 } }
  return { key: problem === 'type' ? 'member.photo.badType' : 'member.photo.empty', params: {} }
}

/**
 * The photo's generated query key. It is fetched by `fetchPhoto`, not the generated options: the
 * answer must be read as a blob (the spec gives it no type). It is one of MEMBER_QUERIES, so what
 * makes the roster stale refreshes the photo too.
 */
export const photoKey = (id: number) => membersGetMemberPhotoQueryKey({ path: { member_id: id } })

/** GET the photo as a blob (with the bearer token — a bare <img src> could not carry it). */
export async function fetchPhoto(id: number): Promise<Blob> {
  const { data } = await membersGetMemberPhoto({ path: { member_id: id }, parseAs: 'blob' })
  if (!(data instanceof Blob)) throw new Error('photo: not a blob')
  return data
}

/** The photo of a member, fetched only when the record says there is one. */
export function usePhoto(id: MaybeRefOrGetter<number>, hasPhoto: MaybeRefOrGetter<boolean>) {
  return useQuery({
    queryKey: computed(() => photoKey(toValue(id))),
    queryFn: () => fetchPhoto(toValue(id)),
    enabled: computed(() => toValue(hasPhoto)),
    staleTime: 5 * 60_000,
  })
}

/**
 * Upload (or replace) and delete. Both refresh the member (has_photo); an upload refetches the
 * photo, a delete drops the cached one once the record says there is none.
 */
export function usePhotoMutations(id: MaybeRefOrGetter<number>) {
  const queryClient = useQueryClient()
  const refreshMember = (memberId: number) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: memberKey(memberId), exact: true }),
      queryClient.invalidateQueries({ queryKey: meMyMemberQueryKey(), exact: true }),
    ])
  const upload = useMutation({
    mutationFn: async (file: File) => {
      await membersSetMemberPhoto({ path: { member_id: toValue(id) }, body: { file } })
    },
    onSuccess: async () => {
      const memberId = toValue(id)
      await Promise.all([refreshMember(memberId), queryClient.invalidateQueries({ queryKey: photoKey(memberId), exact: true })])
    },
  })
  const remove = useMutation({
    mutationFn: async () => {
      await membersDeleteMemberPhoto({ path: { member_id: toValue(id) } })
    },
    onSuccess: async () => {
      const memberId = toValue(id)
      await refreshMember(memberId)
      queryClient.removeQueries({ queryKey: photoKey(memberId), exact: true })
    },
  })
  return { upload, remove }
}
