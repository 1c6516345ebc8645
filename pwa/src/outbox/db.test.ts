// The schema layer: a fresh database, an upgrade from v1 that keeps a worker's records, and an
// older app build opening a newer database.
import 'fake-indexeddb/auto'
import { openDB } from 'idb'
import { describe, expect, it } from 'vitest'
import { DB_VERSION, closeDb, getDb, openGridwalkDb } from './db'

let n = 0
const freshName = () => `gridwalk-db-test-${++n}`

describe('outbox database schema', () => {
  it('creates every store and index on a fresh phone', async () => {
    const name = freshName()
    const db = await openGridwalkDb(name)
    expect(db.version).toBe(DB_VERSION)
    expect([...db.objectStoreNames].sort()).toEqual(['meta', 'outbox', 'photos', 'replica'])
    const tx = db.transaction(['outbox', 'replica', 'photos'])
    expect([...tx.objectStore('outbox').indexNames].sort()).toEqual(['created_at', 'owner', 'owner_status', 'status'])
    expect([...tx.objectStore('replica').indexNames]).toEqual(['entity'])
    expect(tx.objectStore('photos').keyPath).toBe('sha256')
    expect(tx.objectStore('replica').keyPath).toEqual(['entity', 'id'])
    db.close()
  })

  it('upgrades a v1 database without losing its records', async () => {
    const name = freshName()
    // A phone still on v1: the layout that release created, written here as it was on disk.
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' })
        outbox.createIndex('owner', 'owner')
        outbox.createIndex('status', 'status')
        outbox.createIndex('created_at', 'created_at')
        db.createObjectStore('photos', { keyPath: 'sha256' })
        db.createObjectStore('meta')
      },
    })
    const visit = {
      id: '6f1c1e52-3a8e-4d3f-9d6a-1f0f6e4b2c10',
      owner: 'wang',
      kind: 'household_visit',
      template: { key: 'household_visit', version: 1 },
      payload: { visit_date: '2025-03-01', people_met: 2 },
      photos: ['ab'.repeat(32)],
      location: null,
      created_at: '2025-03-01T09:30:00.000+08:00',
      status: 'pending',
      errors: null,
      error: null,
      server_result: null,
      attempts: 0,
      updated_at: '2025-03-01T09:30:00.000+08:00',
    }
    await v1.put('outbox', visit)
    await v1.put('photos', {
      sha256: 'ab'.repeat(32),
      blob: new Blob(['x'], { type: 'image/jpeg' }),
      type: 'image/jpeg',
      size: 1,
      owner: 'wang',
      uploaded: false,
    })
    await v1.put('meta', 'device-1', 'device_id')
    v1.close()

    const db = await openGridwalkDb(name)
    expect(db.version).toBe(DB_VERSION)
    expect(await db.get('outbox', visit.id)).toEqual(visit)
    expect((await db.get('photos', 'ab'.repeat(32)))?.size).toBe(1)
    expect(await db.get('meta', 'device_id')).toBe('device-1')
    // The index added in v2 covers the rows written under v1.
    expect(await db.countFromIndex('outbox', 'owner_status', ['wang', 'pending'])).toBe(1)
    expect(db.objectStoreNames.contains('replica')).toBe(true)
    db.close()
  })

  it('lets an older app build open a newer database instead of failing', async () => {
    const name = freshName()
    ;(await openGridwalkDb(name)).close()
    // A later release bumped the version and added a store.
    const newer = await openDB(name, DB_VERSION + 1, {
      upgrade(db) {
        db.createObjectStore('future')
      },
    })
    newer.close()
    const db = await openGridwalkDb(name)
    expect(db.version).toBe(DB_VERSION + 1)
    await db.put('meta', 'still works', 'probe')
    expect(await db.get('meta', 'probe')).toBe('still works')
    db.close()
  })

  it('shares one connection and gives it up when a newer version needs the database', async () => {
    const name = freshName()
    const a = await getDb(name)
    expect(await getDb(name)).toBe(a)
    // Another tab upgrading: the shared connection must close, not block it forever.
    const newer = await openDB(name, DB_VERSION + 1)
    newer.close()
    const b = await getDb(name)
    expect(b).not.toBe(a)
    expect(b.version).toBe(DB_VERSION + 1)
    await closeDb(name)
  })
})
