// Outbox backup: one JSON file with the undelivered items and their photos, restored whole on
// another phone, with photo hashes checked.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { OutboxStore } from './store'
import { BACKUP_FORMAT, BackupFormatError, backupFileName, exportBackup, importBackup } from './backup'
import type { BackupFile } from './backup'

let n = 0
const makeStore = () => new OutboxStore({ dbName: `gridwalk-backup-test-${++n}` })

const visit = (owner: string, payload: Record<string, unknown>, photos: string[] = []) => ({
  owner,
  kind: 'household_visit',
  template: { key: 'household_visit', version: 1 },
  payload,
  photos,
  location: { lat: 31.23, lng: 121.47, accuracy: 12 },
})

/** Bytes that are not valid UTF-8 text, like a real JPEG. */
const binaryPhoto = () =>
  new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x80, 0xfe, 0x01, 0xff, 0xd9])], { type: 'image/jpeg' })

async function phoneWithWork() {
  const store = makeStore()
  const sha = await store.addPhoto(binaryPhoto(), 'wang')
  const unused = await store.addPhoto(new Blob(['not used by wang'], { type: 'image/jpeg' }), 'li')
  const pending = await store.add(visit('wang', { visit_date: '2025-03-01', note: '独居老人，需要关注' }, [sha]))
  const toFix = await store.add(visit('wang', { people_met: 1 }))
  await store.setStatus(toFix.id, 'needs_fix', { errors: { visit_date: ['必填'] } })
  const done = await store.add(visit('wang', { visit_date: '2025-02-01' }))
  await store.setStatus(done.id, 'done')
  const sending = await store.add(visit('wang', { visit_date: '2025-03-03' }))
  await store.markSending([sending.id])
  await store.add(visit('li', { visit_date: '2025-03-01' }, [unused]))
  return { store, sha, unused, pending, toFix, done, sending }
}

describe('outbox backup', () => {
  it("exports the owner's undelivered items and their photos in one JSON file", async () => {
    const { store, sha, pending, toFix, sending } = await phoneWithWork()
    const blob = await exportBackup('wang', store)
    expect(blob.type).toBe('application/json')
    const file = JSON.parse(await blob.text()) as BackupFile
    expect(file).toMatchObject({ format: BACKUP_FORMAT, version: 1, owner: 'wang', device_id: await store.deviceId() })
    expect(file.exported_at).toMatch(/[+-]\d\d:\d\d$/)
    expect(file.items.map((i) => i.id).sort()).toEqual([pending.id, toFix.id, sending.id].sort())
    expect(file.photos).toHaveLength(1)
    expect(file.photos[0]).toMatchObject({ sha256: sha, type: 'image/jpeg' })
    expect(file.photos[0].data_base64).toBe('/9j/4ACA/gH/2Q==')
  })

  it('restores on another phone: items, photo bytes, and fix messages intact', async () => {
    const { store, sha, pending, toFix, sending } = await phoneWithWork()
    const blob = await exportBackup('wang', store)

    const other = makeStore()
    const summary = await importBackup(blob, other)
    expect(summary).toEqual({ items: 3, skipped: 0, invalid: 0, photos: 1, badPhotos: [] })

    const restored = await other.list('wang')
    expect(restored.map((i) => i.id).sort()).toEqual([pending.id, toFix.id, sending.id].sort())
    expect(await other.get(pending.id)).toMatchObject({
      status: 'pending',
      payload: { visit_date: '2025-03-01', note: '独居老人，需要关注' },
      photos: [sha],
      location: { lat: 31.23, lng: 121.47, accuracy: 12 },
      created_at: pending.created_at,
    })
    expect(await other.get(toFix.id)).toMatchObject({ status: 'needs_fix', errors: { visit_date: ['必填'] } })
    // Nothing is in flight on a phone that just received the file.
    expect((await other.get(sending.id))?.status).toBe('pending')
    const photo = await other.getPhoto(sha)
    expect(photo).toMatchObject({ type: 'image/jpeg', size: 10, uploaded: false })
    expect(new Uint8Array(await photo!.blob.arrayBuffer())).toEqual(new Uint8Array(await binaryPhoto().arrayBuffer()))
  })

  it('importing twice, or onto the phone that made it, adds nothing twice', async () => {
    const { store } = await phoneWithWork()
    const blob = await exportBackup('wang', store)
    expect(await importBackup(blob, store)).toMatchObject({ items: 0, skipped: 3, photos: 0 })
    const other = makeStore()
    await importBackup(blob, other)
    expect(await importBackup(blob, other)).toMatchObject({ items: 0, skipped: 3, photos: 0 })
    expect(await other.list('wang')).toHaveLength(3)
  })

  it('refuses a photo whose bytes do not match its hash, keeping the items', async () => {
    const { store, sha } = await phoneWithWork()
    const file = JSON.parse(await (await exportBackup('wang', store)).text()) as BackupFile
    file.photos[0].data_base64 = btoa('tampered')
    const other = makeStore()
    const summary = await importBackup(new Blob([JSON.stringify(file)]), other)
    expect(summary.badPhotos).toEqual([sha])
    expect(summary.items).toBe(3)
    expect(await other.getPhoto(sha)).toBeUndefined()
  })

  it('rejects files that are not an outbox backup, or from a newer format', async () => {
    const store = makeStore()
    await expect(importBackup(new Blob(['not json']), store)).rejects.toBeInstanceOf(BackupFormatError)
    await expect(importBackup(new Blob([JSON.stringify({ format: 'other' })]), store)).rejects.toBeInstanceOf(
      BackupFormatError,
    )
    await expect(
      importBackup(new Blob([JSON.stringify({ format: BACKUP_FORMAT, version: 2, items: [], photos: [] })]), store),
    ).rejects.toThrow(/newer/)
  })

  it('names the file by owner and time', () => {
    expect(backupFileName('wang', Date.parse('2025-03-01T01:30:00Z'))).toMatch(
      /^gridwalk-outbox-wang-\d{8}-\d{4}\.json$/,
    )
  })
})
