// The photo field's state on a real (fake-indexeddb) outbox: each photo's size, the total still to
// upload, removing before submit, and the max. The browser's decode/encode is faked (Node has
// none): it "re-encodes" by copying the picked bytes, so each picked file keeps its own size.
import 'fake-indexeddb/auto'
import { effectScope, ref } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { OutboxStore, sha256Hex } from '../outbox/store'
import { preparePhoto } from './prepare'
import type { PhotoPlatform } from './prepare'
import { usePhotoTray, waitingPhotoBytes } from './tray'
import type { PhotoTray } from './tray'

const OWNER = 'wang'
const KB = 1024

const copyingBrowser: PhotoPlatform = {
  async decode(file) {
    return { width: 1200, height: 1600, source: file as unknown as CanvasImageSource, close: () => undefined }
  },
  async encode(photo) {
    return new Blob([await (photo.source as unknown as Blob).arrayBuffer()], { type: 'image/jpeg' })
  },
}

let n = 0
const scopes: ReturnType<typeof effectScope>[] = []
afterEach(() => scopes.splice(0).forEach((scope) => scope.stop()))

/** A picked photo of exactly `bytes` bytes; `seed` makes each one a different picture. */
function picked(bytes: number, seed: number): Blob {
  const data = new Uint8Array(bytes)
  data.fill(seed)
  return new Blob([data], { type: 'image/jpeg' })
}

async function setUp(options: { max?: number; answer?: string[]; store?: OutboxStore } = {}) {
  const store = options.store ?? new OutboxStore({ dbName: `gridwalk-tray-test-${++n}` })
  const answer = ref<string[]>(options.answer ?? [])
  const scope = effectScope()
  scopes.push(scope)
  const tray = scope.run(() =>
    usePhotoTray({
      source: {
        add: (blob) => store.addPhoto(blob, OWNER),
        get: async (sha) => (await store.getPhoto(sha))?.blob,
      },
      // v-model as the parent keeps it: the answer changes only through update().
      shas: () => answer.value,
      max: () => options.max ?? 3,
      update: (shas) => {
        answer.value = shas
      },
      waiting: (shas) => waitingPhotoBytes(store, OWNER, shas),
      prepare: (file) => preparePhoto(file, { platform: copyingBrowser }),
    }),
  ) as PhotoTray
  return { store, answer, tray }
}

/** A record queued earlier with a 100 KB photo, not yet uploaded. */
async function queuedEarlier(store: OutboxStore): Promise<string> {
  const sha = await store.addPhoto(picked(100 * KB, 9), OWNER)
  await store.add({ owner: OWNER, kind: 'hazard_report', template: null, payload: {}, photos: [sha] })
  return sha
}

describe('the photo field before submit', () => {
  it("shows each photo's size and the outbox's total with the form's photos in it", async () => {
    const store = new OutboxStore({ dbName: `gridwalk-tray-test-${++n}` })
    await queuedEarlier(store)
    const { tray, answer } = await setUp({ store })
    await vi.waitFor(() => expect(tray.waitingText.value).toBe('待上传照片共 100 KB（含本表单）'))

    await tray.add([picked(312 * KB, 1)])

    expect(answer.value).toHaveLength(1)
    expect(tray.photos.value.map((p) => p.size)).toEqual(['312 KB'])
    expect(tray.photos.value[0].url).toMatch(/^blob:/)
    await vi.waitFor(() => expect(tray.waitingBytes.value).toBe(412 * KB))
    expect(tray.waitingText.value).toBe('待上传照片共 412 KB（含本表单）')
  })

  it('removing a thumbnail drops the photo from the answer and its bytes from the total', async () => {
    const { tray, answer } = await setUp()
    await tray.add([picked(312 * KB, 1), picked(200 * KB, 2)])
    await vi.waitFor(() => expect(tray.waitingBytes.value).toBe(512 * KB))
    const kept = answer.value[1]

    tray.remove(0)

    expect(answer.value).toEqual([kept])
    expect(tray.photos.value.map((p) => p.size)).toEqual(['200 KB'])
    await vi.waitFor(() => expect(tray.waitingBytes.value).toBe(200 * KB))
  })

  it('refuses photos past its max, stores none of them, and says why', async () => {
    const { tray, answer, store } = await setUp({ max: 2 })
    const third = picked(50 * KB, 3)

    await tray.add([picked(10 * KB, 1), picked(20 * KB, 2), third])

    expect(answer.value).toHaveLength(2)
    expect(tray.problem.value).toBe('最多 2 张照片')
    expect(await store.getPhoto(await sha256Hex(third))).toBeUndefined()
    await vi.waitFor(() => expect(tray.waitingBytes.value).toBe(30 * KB))

    // Already full: another pick is refused the same way.
    await tray.add([third])
    expect(answer.value).toHaveLength(2)
    expect(tray.problem.value).toBe('最多 2 张照片')
  })

  it('shows the size of a photo already stored (a restored draft)', async () => {
    const store = new OutboxStore({ dbName: `gridwalk-tray-test-${++n}` })
    const sha = await store.addPhoto(picked(1536 * KB, 4), OWNER)
    const { tray } = await setUp({ store, answer: [sha] })
    await vi.waitFor(() => expect(tray.photos.value.map((p) => p.size)).toEqual(['1.5 MB']))
    await vi.waitFor(() => expect(tray.waitingText.value).toBe('待上传照片共 1.5 MB（含本表单）'))
  })
})

describe('waitingPhotoBytes', () => {
  it('counts each photo once and leaves out what the server already has', async () => {
    const store = new OutboxStore({ dbName: `gridwalk-tray-test-${++n}` })
    const queued = await queuedEarlier(store)
    const uploaded = await store.addPhoto(picked(40 * KB, 5), OWNER)
    await store.setPhotoUploaded([uploaded], true)
    // The form names the queued photo again (a correction): still 100 KB, not 200.
    expect(await waitingPhotoBytes(store, OWNER, [queued, uploaded])).toBe(100 * KB)
    // Another worker's queue on the same phone is theirs.
    expect(await waitingPhotoBytes(store, 'li', [])).toBe(0)
  })
})
