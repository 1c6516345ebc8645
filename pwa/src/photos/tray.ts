// A photo field's state before submit: its photos with their sizes, the max, and the bytes the
// outbox still has to upload with them. Plain reactivity, so PhotoField.vue is only the template.
import { computed, onScopeDispose, reactive, ref, watch } from 'vue'
import type { ComputedRef, Ref } from 'vue'
import { formatBytes } from '../format'
import { t } from '../i18n'
import type { OutboxStore } from '../outbox'
import { preparePhoto } from './prepare'
import type { PreparedPhoto } from './prepare'

/** Where the field's photos are kept (the outbox's photo store); the answer is their SHA-256s. */
export interface TrayPhotoSource {
  add(blob: Blob): Promise<string>
  get(sha: string): Promise<Blob | undefined>
}

export interface PhotoTrayOptions {
  source: TrayPhotoSource
  /** The field's current answer and its max, read live from the component's props. */
  shas: () => string[]
  max: () => number
  /** The answer changed (v-model's update). */
  update: (shas: string[]) => void
  /** Bytes waiting to upload, these photos included; null when the outbox cannot say. */
  waiting?: (fieldShas: string[]) => Promise<number | null>
  prepare?: (file: Blob) => Promise<PreparedPhoto>
}

export interface TrayPhoto {
  sha: string
  url: string
  isImage: boolean
  /** Stored bytes (what goes over the network); null until read back from the outbox. */
  bytes: number | null
  size: string
}

export interface PhotoTray {
  photos: ComputedRef<TrayPhoto[]>
  busy: Ref<number>
  problem: Ref<string>
  /** Shown total of photo bytes waiting to upload; null when unknown (outbox not available). */
  waitingBytes: Ref<number | null>
  waitingText: ComputedRef<string>
  add(files: Blob[]): Promise<void>
  remove(index: number): void
  /** Read the total again (the outbox changed: a sync uploaded photos, an item was queued). */
  refreshWaiting(): Promise<void>
}

const BROWSER_IMAGE = /^image\/(jpeg|png|webp|gif)$/

/**
 * The owner's not-done items' photos plus the field's own, each once, that the phone has not
 * yet uploaded: the same rule as the 待同步 page's total, with the unsaved form counted too.
 */
export async function waitingPhotoBytes(
  store: Pick<OutboxStore, 'list' | 'getPhoto'>,
  owner: string,
  fieldShas: readonly string[],
): Promise<number> {
  const shas = new Set(fieldShas)
  for (const item of await store.list(owner)) {
    if (item.status !== 'done') item.photos.forEach((sha) => shas.add(sha))
  }
  let total = 0
  for (const sha of shas) {
    const row = await store.getPhoto(sha)
    if (row && !row.uploaded) total += row.size
  }
  return total
}

function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'QuotaExceededError' || error.code === 22)
}

export function usePhotoTray(options: PhotoTrayOptions): PhotoTray {
  const prepare = options.prepare ?? ((file: Blob) => preparePhoto(file))
  const urls = reactive(new Map<string, string>())
  const sizes = reactive(new Map<string, number>())
  // Photos the browser could not decode (some HEIC) go as they are; the server converts them,
  // and the form shows a file tile instead of a broken preview.
  const undecoded = reactive(new Set<string>())
  const busy = ref(0)
  const problem = ref('')
  const waitingBytes = ref<number | null>(null)

  const photos = computed<TrayPhoto[]>(() =>
    options.shas().map((sha) => {
      const bytes = sizes.get(sha) ?? null
      return {
        sha,
        url: urls.get(sha) ?? '',
        isImage: !undecoded.has(sha),
        bytes,
        size: bytes === null ? '' : formatBytes(bytes),
      }
    }),
  )
  const waitingText = computed(() =>
    waitingBytes.value === null ? '' : t('form.photoWaiting', { size: formatBytes(waitingBytes.value) }),
  )

  function remember(sha: string, blob: Blob): void {
    sizes.set(sha, blob.size)
    if (!urls.has(sha)) urls.set(sha, URL.createObjectURL(blob))
  }

  // Answers arrive in turn (a deletion, then a sync's progress): only the latest one is shown.
  let asked = 0
  async function refreshWaiting(): Promise<void> {
    if (!options.waiting) return
    const turn = ++asked
    const total = await options.waiting(options.shas()).catch(() => null)
    if (turn === asked) waitingBytes.value = total
  }

  /** Photos already stored (a restored draft, an item being corrected): previews and sizes. */
  async function load(shas: string[]): Promise<void> {
    for (const sha of shas) {
      if (urls.has(sha)) continue
      const blob = await options.source.get(sha).catch(() => undefined)
      if (!blob || urls.has(sha)) continue
      if (!BROWSER_IMAGE.test(blob.type)) undecoded.add(sha)
      remember(sha, blob)
    }
  }

  async function add(files: Blob[]): Promise<void> {
    problem.value = ''
    let shas = [...options.shas()]
    for (const file of files) {
      if (shas.length >= options.max()) {
        problem.value = t('form.photoMax', { n: options.max() })
        break
      }
      busy.value += 1
      try {
        const { blob, converted } = await prepare(file)
        const sha = await options.source.add(blob)
        if (!converted) undecoded.add(sha)
        if (shas.includes(sha)) {
          problem.value = t('form.photoTwice')
          continue
        }
        remember(sha, blob)
        shas = [...shas, sha]
        options.update(shas)
      } catch (error) {
        problem.value = isQuotaError(error) ? t('form.photoNoSpace') : t('form.photoUnreadable')
      } finally {
        busy.value -= 1
      }
    }
  }

  function remove(index: number): void {
    problem.value = ''
    // The blob stays in the outbox's photo store until its cleanup (no item uses it), but it
    // no longer counts as waiting: the watch below reads the total once the answer has changed.
    options.update(options.shas().filter((_, i) => i !== index))
  }

  // The answer is the parent's (v-model): it changes after update(), and on a restored draft.
  watch(
    options.shas,
    (shas) => {
      void load(shas)
      void refreshWaiting()
    },
    { immediate: true },
  )

  onScopeDispose(() => urls.forEach((url) => URL.revokeObjectURL(url)))

  return { photos, busy, problem, waitingBytes, waitingText, add, remove, refreshWaiting }
}
