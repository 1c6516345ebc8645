/**
 * OutboxStore: every read and write of the outbox, photo, meta and replica stores, each
 * change in one IndexedDB transaction, so a crash or a closed tab leaves a consistent state.
 */
import type { IDBPTransaction } from 'idb'
import { OUTBOX_STATUSES, getDb, DB_NAME } from './db'
import type { ApiSchema } from '../apiTypes'
import type {
  EntityId,
  FieldErrors,
  GeoLocation,
  GridwalkDB,
  GridwalkSchema,
  OutboxItem,
  OutboxStatus,
  PhotoRow,
  PushResult,
  ReplicaRow,
  TemplateRef,
} from './db'

export interface NewOutboxItem {
  /** Normally left out: a fresh UUID is made. Given only when the app needs the id first. */
  id?: string
  owner: string
  kind: string
  template: TemplateRef | null
  payload: Record<string, unknown>
  photos?: string[]
  location?: GeoLocation | null
  created_at?: string
  /**
   * The id of an item this one takes the place of (保留我的 after a conflict). The new item is
   * added and the old one deleted in one transaction: a tab closed halfway leaves neither both
   * nor none.
   */
  replaces?: string
}

export interface ItemError {
  code: string
  message: string
}

export type OutboxCounts = Record<OutboxStatus, number> & {
  total: number
  /** Items the worker has to look at: needs_fix + conflict + forbidden. */
  attention: number
}

export interface PhotoBytes {
  /** Bytes of the distinct photos the owner's not-done items use. */
  total: number
  /** Of those, bytes not yet known to be on the server. */
  notUploaded: number
  count: number
}

/** One `changes[]` entry of GET /sync/pull (schema Change); the engine checks entity, op and id on arrival. */
export interface ReplicaChange {
  entity: string
  op: NonNullable<ApiSchema<'Change'>['op']>
  id: EntityId
  version?: number | string | null
  data?: unknown
}

/** What the engine learned about one item from a push answer. */
export interface PushOutcome {
  id: string
  /** The item's updated_at when it was marked sending: a changed item is not overwritten. */
  sentAt: string
  status: 'done' | 'conflict' | 'needs_fix' | 'forbidden' | 'pending'
  result?: PushResult | null
  error?: ItemError | null
  fields?: FieldErrors | null
}

export interface Session {
  owner: string
  csrfToken: string | null
}

export class OutboxStateError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OutboxStateError'
  }
}

const META_DEVICE_ID = 'device_id'
const META_SEQ = 'outbox_seq'
const META_SESSION = 'session'
const CURSOR_PREFIX = 'cursor:'
const LAST_SYNC_PREFIX = 'last_sync_at:'
const DAY_MS = 24 * 60 * 60 * 1000

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** ISO 8601 with the phone's own offset (the API wants an offset, and the worker's wall clock is the fact). */
export function isoWithOffset(ms: number): string {
  const offsetMin = -new Date(ms).getTimezoneOffset()
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23)
  const sign = offsetMin >= 0 ? '+' : '-'
  const abs = Math.abs(offsetMin)
  return `${local}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
}

/** A v4 UUID; crypto.randomUUID is missing on some older WebViews, getRandomValues is not. */
export function newUuid(): string {
  const c = globalThis.crypto
  if (typeof c.randomUUID === 'function') return c.randomUUID()
  const b = c.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** Lowercase hex SHA-256 of the bytes, the photo's name on the server. */
export async function sha256Hex(data: Blob | ArrayBuffer | Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle
  if (!subtle) throw new Error('crypto.subtle is unavailable: the app must be served over HTTPS')
  let bytes: ArrayBuffer
  if (data instanceof Uint8Array) bytes = data.slice().buffer
  else if (data instanceof ArrayBuffer) bytes = data
  else bytes = await data.arrayBuffer()
  const digest = await subtle.digest('SHA-256', bytes)
  return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, '0')).join('')
}

function sortOldestFirst(items: OutboxItem[]): OutboxItem[] {
  return items.sort((a, b) => {
    const d = Date.parse(a.created_at) - Date.parse(b.created_at)
    if (d !== 0 && !Number.isNaN(d)) return d
    return (a.seq ?? 0) - (b.seq ?? 0)
  })
}

function emptyCounts(): OutboxCounts {
  const counts = { total: 0, attention: 0 } as OutboxCounts
  for (const s of OUTBOX_STATUSES) counts[s] = 0
  return counts
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export interface OutboxStoreOptions {
  dbName?: string
  now?: () => number
}

export class OutboxStore {
  readonly dbName: string
  private readonly now: () => number

  constructor(options: OutboxStoreOptions = {}) {
    this.dbName = options.dbName ?? DB_NAME
    this.now = options.now ?? (() => Date.now())
  }

  db(): Promise<GridwalkDB> {
    return getDb(this.dbName)
  }

  private stamp(): string {
    return isoWithOffset(this.now())
  }

  // ---- outbox items -------------------------------------------------------------------

  /** Queue a record made by the worker. Its photos must have been stored with addPhoto first. */
  async add(input: NewOutboxItem): Promise<OutboxItem> {
    if (!input.owner) throw new TypeError('owner is required')
    if (!input.kind) throw new TypeError('kind is required')
    if (!isPlainObject(input.payload)) throw new TypeError('payload must be an object')
    const photos = Array.from(new Set(input.photos ?? []))
    const now = this.stamp()
    const db = await this.db()
    const tx = db.transaction(['outbox', 'photos', 'meta'], 'readwrite')
    try {
      for (const sha of photos) {
        // An item naming a photo the phone does not hold could never be delivered whole.
        if (!(await tx.objectStore('photos').getKey(sha))) {
          throw new OutboxStateError(`photo ${sha} is not stored; call addPhoto first`)
        }
      }
      const seq = (((await tx.objectStore('meta').get(META_SEQ)) as number | undefined) ?? 0) + 1
      await tx.objectStore('meta').put(seq, META_SEQ)
      const item: OutboxItem = {
        id: input.id ?? newUuid(),
        owner: input.owner,
        kind: input.kind,
        template: input.template ?? null,
        payload: input.payload,
        photos,
        location: input.location ?? null,
        created_at: input.created_at ?? now,
        status: 'pending',
        errors: null,
        error: null,
        server_result: null,
        attempts: 0,
        updated_at: now,
        seq,
      }
      // add(), not put(): an id clash must fail loudly, never overwrite a queued record.
      await tx.objectStore('outbox').add(item)
      if (input.replaces) {
        const old = await tx.objectStore('outbox').get(input.replaces)
        if (old?.status === 'sending') throw new OutboxStateError('item is being sent; try again in a moment')
        if (old) {
          await tx.objectStore('outbox').delete(old.id)
          await deleteUnusedPhotos(tx, old.photos)
        }
      }
      await tx.done
      return item
    } catch (err) {
      abortQuietly(tx)
      throw err
    }
  }

  async get(id: string): Promise<OutboxItem | undefined> {
    return (await this.db()).get('outbox', id)
  }

  /** Every item of the owner, oldest first. */
  async list(owner: string): Promise<OutboxItem[]> {
    return sortOldestFirst(await (await this.db()).getAllFromIndex('outbox', 'owner', owner))
  }

  /** Items waiting to be pushed, oldest first (the order the server should see them). */
  async pending(owner: string): Promise<OutboxItem[]> {
    return this.withStatus(owner, 'pending')
  }

  async withStatus(owner: string, status: OutboxStatus): Promise<OutboxItem[]> {
    const db = await this.db()
    return sortOldestFirst(await db.getAllFromIndex('outbox', 'owner_status', [owner, status]))
  }

  /** Change an item's status (and optionally its error fields) in one write. */
  async setStatus(
    id: string,
    status: OutboxStatus,
    extra: { errors?: FieldErrors | null; error?: ItemError | null; server_result?: PushResult | null } = {},
  ): Promise<OutboxItem> {
    return this.update(id, (item) => {
      item.status = status
      if (extra.errors !== undefined) item.errors = extra.errors
      if (extra.error !== undefined) item.error = extra.error
      if (extra.server_result !== undefined) item.server_result = extra.server_result
    })
  }

  /**
   * The worker's correction: new payload (and optionally photos/location), back to pending
   * under the same id. Refused while the item is in flight, so an answer about the old
   * payload cannot mark the corrected one done.
   */
  async fix(
    id: string,
    payload: Record<string, unknown>,
    changes: { photos?: string[]; location?: GeoLocation | null; template?: TemplateRef | null } = {},
  ): Promise<OutboxItem> {
    if (!isPlainObject(payload)) throw new TypeError('payload must be an object')
    const db = await this.db()
    if (changes.photos) {
      for (const sha of changes.photos) {
        if (!(await db.getKey('photos', sha))) throw new OutboxStateError(`photo ${sha} is not stored`)
      }
    }
    return this.update(id, (item) => {
      if (item.status === 'sending') throw new OutboxStateError('item is being sent; try again in a moment')
      if (item.status === 'done') throw new OutboxStateError('item has already reached the server')
      item.payload = payload
      if (changes.photos) item.photos = Array.from(new Set(changes.photos))
      if (changes.location !== undefined) item.location = changes.location
      if (changes.template !== undefined) item.template = changes.template
      item.status = 'pending'
      item.errors = null
      item.error = null
    })
  }

  /** Delete an item: only ever on the worker's explicit word. Photos no other item uses go too. */
  async discard(id: string): Promise<void> {
    const db = await this.db()
    const tx = db.transaction(['outbox', 'photos'], 'readwrite')
    try {
      const item = await tx.objectStore('outbox').get(id)
      if (!item) {
        await tx.done
        return
      }
      if (item.status === 'sending') throw new OutboxStateError('item is being sent; try again in a moment')
      await tx.objectStore('outbox').delete(id)
      await deleteUnusedPhotos(tx, item.photos)
      await tx.done
    } catch (err) {
      abortQuietly(tx)
      throw err
    }
  }

  async counts(owner: string | null): Promise<OutboxCounts> {
    const counts = emptyCounts()
    if (!owner) return counts
    const db = await this.db()
    for (const status of OUTBOX_STATUSES) {
      counts[status] = await db.countFromIndex('outbox', 'owner_status', [owner, status])
      counts.total += counts[status]
    }
    counts.attention = counts.needs_fix + counts.conflict + counts.forbidden
    return counts
  }

  async photoBytes(owner: string): Promise<PhotoBytes> {
    const db = await this.db()
    const tx = db.transaction(['outbox', 'photos'])
    const shas = new Set<string>()
    for (const item of await tx.objectStore('outbox').index('owner').getAll(owner)) {
      if (item.status !== 'done') item.photos.forEach((s) => shas.add(s))
    }
    const out: PhotoBytes = { total: 0, notUploaded: 0, count: 0 }
    for (const sha of shas) {
      const row = await tx.objectStore('photos').get(sha)
      if (!row) continue
      out.total += row.size
      out.count += 1
      if (!row.uploaded) out.notUploaded += row.size
    }
    await tx.done
    return out
  }

  /**
   * Forget `done` items older than `days` and photos no remaining item uses. A photo nobody
   * uses is kept while it is young too: it may belong to a form still being filled.
   */
  async cleanupDone(days: number): Promise<{ items: number; photos: number }> {
    const cutoff = this.now() - days * DAY_MS
    const db = await this.db()
    const tx = db.transaction(['outbox', 'photos'], 'readwrite')
    let items = 0
    let photos = 0
    try {
      const used = new Set<string>()
      let cursor = await tx.objectStore('outbox').openCursor()
      while (cursor) {
        const item = cursor.value
        if (item.status === 'done' && Date.parse(item.updated_at) < cutoff) {
          await cursor.delete()
          items += 1
        } else {
          item.photos.forEach((s) => used.add(s))
        }
        cursor = await cursor.continue()
      }
      let pc = await tx.objectStore('photos').openCursor()
      while (pc) {
        const row = pc.value
        const born = row.created_at ? Date.parse(row.created_at) : 0
        if (!used.has(row.sha256) && born < cutoff) {
          await pc.delete()
          photos += 1
        }
        pc = await pc.continue()
      }
      await tx.done
    } catch (err) {
      abortQuietly(tx)
      throw err
    }
    return { items, photos }
  }

  private async update(id: string, change: (item: OutboxItem) => void): Promise<OutboxItem> {
    const db = await this.db()
    const tx = db.transaction('outbox', 'readwrite')
    try {
      const item = await tx.store.get(id)
      if (!item) throw new OutboxStateError(`no outbox item ${id}`)
      change(item)
      item.updated_at = this.stamp()
      await tx.store.put(item)
      await tx.done
      return item
    } catch (err) {
      abortQuietly(tx)
      throw err
    }
  }

  // ---- steps of a sync run (used by the engine) ----------------------------------------

  /** A run holds the sync lock, so any `sending` item is left over from a crash: make it pending again. */
  async resetSending(): Promise<number> {
    const db = await this.db()
    const tx = db.transaction('outbox', 'readwrite')
    let n = 0
    let cursor = await tx.store.index('status').openCursor('sending')
    while (cursor) {
      await cursor.update({ ...cursor.value, status: 'pending', updated_at: this.stamp() })
      n += 1
      cursor = await cursor.continue()
    }
    await tx.done
    return n
  }

  /**
   * Move these items from pending to sending and return them as they are now (the payload
   * that will be sent). Items fixed, discarded or already moved meanwhile are left out.
   */
  async markSending(ids: string[]): Promise<OutboxItem[]> {
    const db = await this.db()
    const tx = db.transaction('outbox', 'readwrite')
    const out: OutboxItem[] = []
    const now = this.stamp()
    for (const id of ids) {
      const item = await tx.store.get(id)
      if (!item || item.status !== 'pending') continue
      item.status = 'sending'
      item.attempts += 1
      item.updated_at = now
      await tx.store.put(item)
      out.push(item)
    }
    await tx.done
    return out
  }

  /** The request failed before any answer: the items go back to pending untouched. */
  async releaseSending(ids: string[]): Promise<void> {
    const db = await this.db()
    const tx = db.transaction('outbox', 'readwrite')
    for (const id of ids) {
      const item = await tx.store.get(id)
      if (item?.status === 'sending') await tx.store.put({ ...item, status: 'pending', updated_at: this.stamp() })
    }
    await tx.done
  }

  /**
   * Record the server's answers in one transaction. An item changed since it was marked
   * sending (its updated_at moved) is left alone rather than overwritten by a stale answer.
   */
  async applyPushOutcomes(outcomes: PushOutcome[]): Promise<void> {
    const db = await this.db()
    const tx = db.transaction('outbox', 'readwrite')
    const now = this.stamp()
    for (const o of outcomes) {
      const item = await tx.store.get(o.id)
      if (!item || item.status !== 'sending' || item.updated_at !== o.sentAt) continue
      item.status = o.status
      item.updated_at = now
      if (o.result !== undefined) item.server_result = o.result
      if (o.status === 'pending') {
        // Back in the queue: keep earlier errors unless the answer brought a new one.
        if (o.error !== undefined) item.error = o.error
      } else {
        item.error = o.error ?? null
        item.errors = o.fields ?? null
      }
      await tx.store.put(item)
    }
    await tx.done
  }

  /** Pending items of the owner that use this photo become needs_fix, with the reason. */
  async markPhotoProblem(owner: string, sha: string, error: ItemError): Promise<string[]> {
    const db = await this.db()
    const tx = db.transaction('outbox', 'readwrite')
    const ids: string[] = []
    let cursor = await tx.store.index('owner_status').openCursor([owner, 'pending'])
    while (cursor) {
      if (cursor.value.photos.includes(sha)) {
        await cursor.update({ ...cursor.value, status: 'needs_fix', error, updated_at: this.stamp() })
        ids.push(cursor.value.id)
      }
      cursor = await cursor.continue()
    }
    await tx.done
    return ids
  }

  // ---- photos -------------------------------------------------------------------------

  /** Store a photo once per content; returns its SHA-256. The same bytes twice make one row. */
  async addPhoto(blob: Blob, owner: string | null = null): Promise<string> {
    // Hash before opening the transaction: an await on crypto would let the transaction close.
    const sha = await sha256Hex(blob)
    const db = await this.db()
    const tx = db.transaction('photos', 'readwrite')
    if (!(await tx.store.getKey(sha))) {
      await tx.store.put({
        sha256: sha,
        blob,
        type: blob.type || 'image/jpeg',
        size: blob.size,
        owner,
        uploaded: false,
        created_at: this.stamp(),
      })
    }
    await tx.done
    return sha
  }

  async getPhoto(sha: string): Promise<PhotoRow | undefined> {
    return (await this.db()).get('photos', sha)
  }

  async setPhotoUploaded(shas: string[], uploaded: boolean): Promise<void> {
    const db = await this.db()
    const tx = db.transaction('photos', 'readwrite')
    for (const sha of shas) {
      const row = await tx.store.get(sha)
      if (row && row.uploaded !== uploaded) await tx.store.put({ ...row, uploaded })
    }
    await tx.done
  }

  // ---- replica of server data ---------------------------------------------------------

  /**
   * Apply one pull page and its cursor in one transaction: a crash can never save a cursor
   * without the data it stands for. `reset` (a full snapshot's first page) empties the
   * replica and every saved cursor first, since the replica is one per device.
   */
  async applyChanges(
    changes: ReplicaChange[],
    options: { owner: string; cursor: string; reset?: boolean },
  ): Promise<void> {
    const db = await this.db()
    const tx = db.transaction(['replica', 'meta'], 'readwrite')
    try {
      const replica = tx.objectStore('replica')
      const meta = tx.objectStore('meta')
      if (options.reset) {
        await replica.clear()
        await meta.delete(IDBKeyRange.bound(CURSOR_PREFIX, `${CURSOR_PREFIX}\uffff`))
      }
      // Queue the whole page and wait once: IndexedDB runs requests of one transaction in
      // order, and awaiting each write costs a task hop per row (4× slower on a cheap phone).
      const writes: Promise<unknown>[] = []
      for (const ch of changes) {
        const request =
          ch.op === 'delete'
            ? replica.delete([ch.entity, ch.id])
            : replica.put({
                entity: ch.entity,
                id: ch.id,
                version: ch.version ?? null,
                data: ch.data ?? null,
              } satisfies ReplicaRow)
        // Observed at once: a bad key further on throws before allSettled below is reached.
        request.catch(() => undefined)
        writes.push(request)
      }
      writes.push(meta.put(options.cursor, CURSOR_PREFIX + options.owner))
      // Settle every request (a failed one aborts the rest; none may reject unobserved).
      const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected')
      if (failed) {
        tx.done.catch(() => undefined)
        throw failed.reason
      }
      await tx.done
    } catch (err) {
      abortQuietly(tx)
      throw err
    }
  }

  async getEntities<T = unknown>(entity: string): Promise<T[]> {
    const rows = await (await this.db()).getAllFromIndex('replica', 'entity', entity)
    return rows.map((r) => r.data as T)
  }

  async getEntity<T = unknown>(entity: string, id: EntityId): Promise<T | undefined> {
    const row = await (await this.db()).get('replica', [entity, id])
    return row ? (row.data as T) : undefined
  }

  /** Empty the replica and all cursors (e.g. at logout, for the next worker's privacy); the outbox stays. */
  async clearReplica(): Promise<void> {
    const db = await this.db()
    const tx = db.transaction(['replica', 'meta'], 'readwrite')
    await tx.objectStore('replica').clear()
    await tx.objectStore('meta').delete(IDBKeyRange.bound(CURSOR_PREFIX, `${CURSOR_PREFIX}\uffff`))
    await tx.done
  }

  async getCursor(owner: string): Promise<string | null> {
    return ((await (await this.db()).get('meta', CURSOR_PREFIX + owner)) as string | undefined) ?? null
  }

  async dropCursor(owner: string): Promise<void> {
    await (await this.db()).delete('meta', CURSOR_PREFIX + owner)
  }

  // ---- meta ---------------------------------------------------------------------------

  /** This phone's id, made once and kept (sent with every push, so the server knows the device). */
  async deviceId(): Promise<string> {
    const db = await this.db()
    // One readwrite transaction: two tabs asking at once still agree on one id.
    const tx = db.transaction('meta', 'readwrite')
    let id = (await tx.store.get(META_DEVICE_ID)) as string | undefined
    if (!id) {
      id = newUuid()
      await tx.store.put(id, META_DEVICE_ID)
    }
    await tx.done
    return id
  }

  async getLastSyncAt(owner: string): Promise<string | null> {
    return ((await (await this.db()).get('meta', LAST_SYNC_PREFIX + owner)) as string | undefined) ?? null
  }

  async setLastSyncAt(owner: string, at: string): Promise<void> {
    await (await this.db()).put('meta', at, LAST_SYNC_PREFIX + owner)
  }

  /**
   * Who is logged in, for the service worker (it has no page state). The CSRF token is kept
   * with it so a Background Sync run can push; it is only as readable as the page's memory.
   */
  async rememberSession(owner: string, csrfToken: string | null): Promise<void> {
    const session: Session = { owner, csrfToken }
    await (await this.db()).put('meta', session, META_SESSION)
  }

  async getSession(): Promise<Session | null> {
    return ((await (await this.db()).get('meta', META_SESSION)) as Session | undefined) ?? null
  }

  /** At logout: the worker's outbox stays on the phone, only the session is forgotten. */
  async forgetSession(): Promise<void> {
    await (await this.db()).delete('meta', META_SESSION)
  }
}

function abortQuietly(tx: { abort(): void; done: Promise<void> }): void {
  // The caller rethrows the real error; the transaction's own rejection is expected.
  tx.done.catch(() => undefined)
  try {
    tx.abort()
  } catch {
    // Already finished or aborted by the failing request.
  }
}

/** Inside a transaction that has just deleted an item: drop its photos no remaining item names. */
async function deleteUnusedPhotos(
  tx: IDBPTransaction<GridwalkSchema, ('outbox' | 'photos' | 'meta')[], 'readwrite'>,
  shas: string[],
): Promise<void> {
  if (!shas.length) return
  const stillUsed = new Set<string>()
  for (const other of await tx.objectStore('outbox').getAll()) other.photos.forEach((s) => stillUsed.add(s))
  for (const sha of shas) if (!stillUsed.has(sha)) await tx.objectStore('photos').delete(sha)
}
