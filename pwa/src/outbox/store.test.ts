// The store layer on a real (fake-indexeddb) database: queueing, photos by hash, fixes,
// counts, cleanup, and pull pages applied with their cursor in one transaction.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { OutboxStateError, OutboxStore, isoWithOffset, sha256Hex } from './store'

let n = 0
function makeStore(now: () => number = () => Date.now()) {
  return new OutboxStore({ dbName: `gridwalk-store-test-${++n}`, now })
}

const visit = (owner = 'wang', payload: Record<string, unknown> = { visit_date: '2025-03-01' }) => ({
  owner,
  kind: 'household_visit',
  template: { key: 'household_visit', version: 1 },
  payload,
})

const jpeg = (text: string) => new Blob([text], { type: 'image/jpeg' })

describe('OutboxStore items', () => {
  it('queues a record with a client UUID, pending, with an offset timestamp', async () => {
    const store = makeStore()
    const item = await store.add(visit())
    expect(item.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(item.status).toBe('pending')
    expect(item.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/)
    expect(await store.get(item.id)).toEqual(item)
  })

  it('never overwrites a queued record with the same id', async () => {
    const store = makeStore()
    const item = await store.add(visit())
    await expect(store.add({ ...visit('wang', { other: true }), id: item.id })).rejects.toThrow()
    expect((await store.get(item.id))?.payload).toEqual({ visit_date: '2025-03-01' })
  })

  it('lists pending items of one owner, oldest first, even within one millisecond', async () => {
    const store = makeStore(() => 1_700_000_000_000)
    const a = await store.add(visit('wang'))
    const b = await store.add(visit('wang'))
    await store.add(visit('li'))
    const c = await store.add({ ...visit('wang'), created_at: '2020-01-01T08:00:00.000+08:00' })
    expect((await store.pending('wang')).map((i) => i.id)).toEqual([c.id, a.id, b.id])
    expect((await store.list('li')).length).toBe(1)
  })

  it('refuses an item naming a photo that was never stored', async () => {
    const store = makeStore()
    await expect(store.add({ ...visit(), photos: ['0'.repeat(64)] })).rejects.toBeInstanceOf(OutboxStateError)
    expect(await store.list('wang')).toEqual([])
  })

  it('fix puts a corrected item back to pending under the same id, but not while it is in flight', async () => {
    const store = makeStore()
    const item = await store.add(visit())
    await store.setStatus(item.id, 'needs_fix', {
      errors: { visit_date: ['必填'] },
      error: { code: 'rejected', message: 'x' },
    })
    const fixed = await store.fix(item.id, { visit_date: '2025-03-02' })
    expect(fixed).toMatchObject({
      id: item.id,
      status: 'pending',
      errors: null,
      error: null,
      payload: { visit_date: '2025-03-02' },
    })
    await store.markSending([item.id])
    await expect(store.fix(item.id, {})).rejects.toBeInstanceOf(OutboxStateError)
    await expect(store.discard(item.id)).rejects.toBeInstanceOf(OutboxStateError)
  })

  it('counts by status and resets items stranded in sending', async () => {
    const store = makeStore()
    const a = await store.add(visit())
    const b = await store.add(visit())
    await store.add(visit())
    await store.markSending([a.id, b.id])
    await store.setStatus(b.id, 'needs_fix')
    expect(await store.counts('wang')).toMatchObject({ pending: 1, sending: 1, needs_fix: 1, total: 3, attention: 1 })
    expect(await store.resetSending()).toBe(1)
    expect(await store.counts('wang')).toMatchObject({ pending: 2, sending: 0 })
    expect((await store.counts(null)).total).toBe(0)
  })

  it('does not let a stale push answer overwrite an item changed since it was sent', async () => {
    const store = makeStore()
    const item = await store.add(visit())
    const [sent] = await store.markSending([item.id])
    // Another context reset it and the worker corrected it meanwhile.
    await store.resetSending()
    await store.fix(item.id, { visit_date: '2025-04-01' })
    await store.applyPushOutcomes([
      { id: item.id, sentAt: sent.updated_at, status: 'done', result: { id: item.id, status: 'accepted' } },
    ])
    expect(await store.get(item.id)).toMatchObject({ status: 'pending', payload: { visit_date: '2025-04-01' } })
  })
})

describe('OutboxStore photos', () => {
  it('stores the same bytes once, named by their SHA-256', async () => {
    const store = makeStore()
    const sha1 = await store.addPhoto(jpeg('same bytes'), 'wang')
    const sha2 = await store.addPhoto(jpeg('same bytes'), 'wang')
    const other = await store.addPhoto(jpeg('other bytes'), 'wang')
    expect(sha1).toBe(sha2)
    expect(sha1).toBe(await sha256Hex(new TextEncoder().encode('same bytes')))
    expect(other).not.toBe(sha1)
    const db = await store.db()
    expect(await db.count('photos')).toBe(2)
    const row = await store.getPhoto(sha1)
    expect(row).toMatchObject({ type: 'image/jpeg', size: 10, uploaded: false, owner: 'wang' })
    expect(await row?.blob.text()).toBe('same bytes')
  })

  it('reports photo bytes of not-done items, counting a shared photo once', async () => {
    const store = makeStore()
    const p1 = await store.addPhoto(jpeg('12345'), 'wang')
    const p2 = await store.addPhoto(jpeg('1234567890'), 'wang')
    await store.add({ ...visit(), photos: [p1, p2] })
    await store.add({ ...visit(), photos: [p1] })
    await store.setPhotoUploaded([p2], true)
    expect(await store.photoBytes('wang')).toEqual({ total: 15, notUploaded: 5, count: 2 })
  })

  it('discard removes the item and photos no other item uses', async () => {
    const store = makeStore()
    const shared = await store.addPhoto(jpeg('shared'))
    const own = await store.addPhoto(jpeg('own'))
    const a = await store.add({ ...visit(), photos: [shared, own] })
    await store.add({ ...visit(), photos: [shared] })
    await store.discard(a.id)
    expect(await store.get(a.id)).toBeUndefined()
    expect(await store.getPhoto(shared)).toBeDefined()
    expect(await store.getPhoto(own)).toBeUndefined()
  })

  it('an item that replaces a conflicted one adds and deletes in one step, never both or none', async () => {
    const store = makeStore()
    const own = await store.addPhoto(jpeg('conflicted only'))
    const kept = await store.addPhoto(jpeg('carried over'))
    const old = await store.add({ ...visit(), photos: [own, kept] })
    await store.setStatus(old.id, 'conflict')
    const next = await store.add({ ...visit(), photos: [kept], replaces: old.id })
    expect(await store.get(old.id)).toBeUndefined()
    expect((await store.get(next.id))?.status).toBe('pending')
    expect(await store.getPhoto(kept)).toBeDefined()
    expect(await store.getPhoto(own)).toBeUndefined()

    // In flight: refused, and the new item is not added either.
    const sending = await store.add(visit())
    await store.markSending([sending.id])
    await expect(store.add({ ...visit(), replaces: sending.id })).rejects.toBeInstanceOf(OutboxStateError)
    expect((await store.list('wang')).map((i) => i.id)).toEqual([next.id, sending.id])
  })

  it('cleanup drops old done items and their photos, keeping everything still needed', async () => {
    let now = Date.parse('2025-03-01T00:00:00Z')
    const store = makeStore(() => now)
    const usedByPending = await store.addPhoto(jpeg('pending photo'))
    const usedByOldDone = await store.addPhoto(jpeg('old done photo'))
    const oldDone = await store.add({ ...visit(), photos: [usedByOldDone, usedByPending] })
    const pending = await store.add({ ...visit(), photos: [usedByPending] })
    await store.setStatus(oldDone.id, 'done')
    now += 40 * 24 * 3600 * 1000
    const recentDone = await store.add(visit())
    await store.setStatus(recentDone.id, 'done')
    // A photo just taken for a form not yet submitted.
    const fresh = await store.addPhoto(jpeg('form in progress'))

    expect(await store.cleanupDone(30)).toEqual({ items: 1, photos: 1 })
    expect(await store.get(oldDone.id)).toBeUndefined()
    expect(await store.get(pending.id)).toBeDefined()
    expect(await store.get(recentDone.id)).toBeDefined()
    expect(await store.getPhoto(usedByOldDone)).toBeUndefined()
    expect(await store.getPhoto(usedByPending)).toBeDefined()
    expect(await store.getPhoto(fresh)).toBeDefined()
  })
})

describe('OutboxStore replica and meta', () => {
  it('applies a pull page and its cursor together', async () => {
    const store = makeStore()
    await store.applyChanges(
      [
        { entity: 'household', op: 'upsert', id: 1, version: 1, data: { id: 1, address: '1号楼101' } },
        { entity: 'household', op: 'upsert', id: 2, version: 1, data: { id: 2, address: '1号楼102' } },
        { entity: 'task', op: 'upsert', id: 'a', version: 1, data: { id: 'a' } },
      ],
      { owner: 'wang', cursor: 'c1', reset: true },
    )
    await store.applyChanges([{ entity: 'household', op: 'delete', id: 1 }], { owner: 'wang', cursor: 'c2' })
    expect(await store.getEntities('household')).toEqual([{ id: 2, address: '1号楼102' }])
    expect(await store.getEntity('task', 'a')).toEqual({ id: 'a' })
    expect(await store.getCursor('wang')).toBe('c2')
  })

  it('saves neither data nor cursor when a page fails half way', async () => {
    const store = makeStore()
    await store.applyChanges([{ entity: 'household', op: 'upsert', id: 1, version: 1, data: { v: 1 } }], {
      owner: 'wang',
      cursor: 'c1',
      reset: true,
    })
    const uncloneable = { fn: () => 1 }
    await expect(
      store.applyChanges(
        [
          { entity: 'household', op: 'upsert', id: 1, version: 2, data: { v: 2 } },
          { entity: 'household', op: 'upsert', id: 3, version: 1, data: uncloneable },
        ],
        { owner: 'wang', cursor: 'c2' },
      ),
    ).rejects.toThrow()
    expect(await store.getEntities('household')).toEqual([{ v: 1 }])
    expect(await store.getCursor('wang')).toBe('c1')
  })

  it('a full snapshot empties the replica and every saved cursor', async () => {
    const store = makeStore()
    await store.applyChanges([{ entity: 'household', op: 'upsert', id: 1, data: {} }], {
      owner: 'li',
      cursor: 'li-1',
      reset: true,
    })
    await store.applyChanges([{ entity: 'household', op: 'upsert', id: 9, data: { mine: true } }], {
      owner: 'wang',
      cursor: 'w-1',
      reset: true,
    })
    expect(await store.getEntities('household')).toEqual([{ mine: true }])
    // li's cursor described data that is gone: li must get a full snapshot next time.
    expect(await store.getCursor('li')).toBeNull()
    expect(await store.getCursor('wang')).toBe('w-1')
  })

  it('a full snapshot without the older submissions leaves every outbox item alone', async () => {
    // The snapshot carries only open and recent submissions: what it leaves out must never take
    // a queued record with it, whatever the replica held before.
    const store = makeStore()
    const waiting = await store.add(visit())
    await store.applyChanges([{ entity: 'submission', op: 'upsert', id: waiting.id, data: { id: waiting.id } }], {
      owner: 'wang',
      cursor: 'w-1',
      reset: true,
    })
    await store.applyChanges([{ entity: 'submission', op: 'upsert', id: 'recent', data: { id: 'recent' } }], {
      owner: 'wang',
      cursor: 'w-2',
      reset: true,
    })
    expect(await store.getEntities('submission')).toEqual([{ id: 'recent' }])
    expect(await store.get(waiting.id)).toEqual(waiting)
    expect((await store.counts('wang')).pending).toBe(1)
  })

  it('makes the device id once and keeps it', async () => {
    const store = makeStore()
    const [a, b] = await Promise.all([store.deviceId(), store.deviceId()])
    expect(a).toBe(b)
    expect(await store.deviceId()).toBe(a)
  })

  it('keeps the session for the worker and forgets it at logout', async () => {
    const store = makeStore()
    await store.rememberSession('wang', 'tok')
    expect(await store.getSession()).toEqual({ owner: 'wang', csrfToken: 'tok' })
    await store.forgetSession()
    expect(await store.getSession()).toBeNull()
  })
})

describe('isoWithOffset', () => {
  it('writes the local wall time with its offset, naming the same instant', () => {
    const ms = Date.parse('2025-03-01T01:30:00Z')
    const s = isoWithOffset(ms)
    expect(s).toMatch(/[+-]\d\d:\d\d$/)
    expect(Date.parse(s)).toBe(ms)
  })
})
