// The phone's half of the backup contract: the file the PWA's own code writes (a real outbox in
// fake-indexeddb, exportBackup) for tests/api/test_sync_import.py, which posts it to
// POST /api/v1/sync/import. That test names the work to queue (GRIDWALK_BACKUP_SPEC, JSON) and
// where to write the file (GRIDWALK_BACKUP_OUT); the plain PWA unit run skips this file.
import 'fake-indexeddb/auto'
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { exportBackup } from '../src/outbox/backup'
import type { OutboxStatus } from '../src/outbox/db'
import { OutboxStore } from '../src/outbox/store'

interface BackupSpec {
  owner: string
  /** The test clock (ms since the epoch): the outbox stamps created_at from it. */
  now_ms: number
  photos: { type: string; data_base64: string }[]
  items: {
    kind: string
    template: { key: string; version: number } | null
    payload: Record<string, unknown>
    photos: string[]
    location: { lat: number; lng: number; accuracy: number } | null
    /** Where the worker's phone left it (pending when absent). */
    status?: OutboxStatus
  }[]
}

const specPath = process.env.GRIDWALK_BACKUP_SPEC
const outPath = process.env.GRIDWALK_BACKUP_OUT

describe.runIf(specPath && outPath)('a backup file for the server', () => {
  it('queues the work in a real outbox and writes the file 导出备份 would', async () => {
    const spec = JSON.parse(readFileSync(specPath as string, 'utf8')) as BackupSpec
    const store = new OutboxStore({ dbName: 'gridwalk-backup-contract', now: () => spec.now_ms })
    for (const photo of spec.photos) {
      const bytes = Uint8Array.from(Buffer.from(photo.data_base64, 'base64'))
      await store.addPhoto(new Blob([bytes], { type: photo.type }), spec.owner)
    }
    for (const { status, ...item } of spec.items) {
      const queued = await store.add({ ...item, owner: spec.owner })
      if (status && status !== 'pending') await store.setStatus(queued.id, status)
    }
    const blob = await exportBackup(spec.owner, store)
    writeFileSync(outPath as string, Buffer.from(await blob.arrayBuffer()))
    expect(blob.size).toBeGreaterThan(0)
  })
})
