/**
 * The outbox's IndexedDB schema: record shapes, the versioned forward-only upgrade, and one
 * shared connection per database name (usable from a page and from the service worker).
 */
import { openDB } from 'idb'
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb'
import type { ApiSchema } from '../apiTypes'

export const DB_NAME = 'gridwalk'
/** Bump by one for every schema change, and add a `case` below; never edit an old case. */
export const DB_VERSION = 2

export type OutboxStatus = 'pending' | 'sending' | 'needs_fix' | 'conflict' | 'done' | 'forbidden'
export const OUTBOX_STATUSES: readonly OutboxStatus[] = [
  'pending',
  'sending',
  'needs_fix',
  'conflict',
  'done',
  'forbidden',
]

/** Server field errors, as in the API error envelope: field name → messages. */
export type FieldErrors = Record<string, string[]>

export interface TemplateRef {
  key: string
  version: number
}

/** Where the record was made; extra keys (altitude, source, ...) pass through untouched. */
export interface GeoLocation {
  lat: number
  lng: number
  accuracy?: number
  [extra: string]: unknown
}

/**
 * One `results[]` entry of POST /sync/push (schema PushResult), kept as the server sent it.
 * The engine checks id and status on arrival; a status this build does not know stays a string.
 */
export type PushResult = Omit<ApiSchema<'PushResult'>, 'id' | 'status'> & { id: string; status: string }

export interface OutboxItem {
  /** Client UUID: the record's id on the server too, so a resend is recognised. */
  id: string
  /** Username of the worker who made it; only their session may push it. */
  owner: string
  kind: string
  template: TemplateRef | null
  payload: Record<string, unknown>
  /** SHA-256 (hex) of each photo, rows in the `photos` store. */
  photos: string[]
  location: GeoLocation | null
  /** ISO 8601 with the phone's offset, e.g. 2025-03-01T09:30:00.000+08:00. */
  created_at: string
  status: OutboxStatus
  /** Field errors from a `rejected` answer, shown next to the form fields. */
  errors: FieldErrors | null
  /** Why the item is not pending (server or local), for the worker to read. */
  error: { code: string; message: string } | null
  /** The server's last answer for this item (incl. `server` side data on a conflict). */
  server_result: PushResult | null
  attempts: number
  updated_at: string
  /** Local insertion order: breaks ties between items made in the same millisecond. */
  seq?: number
}

export interface PhotoRow {
  sha256: string
  blob: Blob
  type: string
  size: number
  owner: string | null
  uploaded: boolean
  created_at?: string
}

export type EntityId = string | number

export interface ReplicaRow {
  entity: string
  id: EntityId
  version: number | string | null
  data: unknown
}

export interface GridwalkSchema extends DBSchema {
  outbox: {
    key: string
    value: OutboxItem
    indexes: {
      owner: string
      status: OutboxStatus
      created_at: string
      owner_status: [string, OutboxStatus]
    }
  }
  photos: { key: string; value: PhotoRow }
  meta: { key: string; value: unknown }
  replica: {
    key: [string, EntityId]
    value: ReplicaRow
    indexes: { entity: string }
  }
}

export type GridwalkDB = IDBPDatabase<GridwalkSchema>

type UpgradeTx = IDBPTransaction<GridwalkSchema, StoreNames<GridwalkSchema>[], 'versionchange'>

/**
 * Forward-only: every case only adds stores or indexes. Never delete or recreate a store here —
 * the outbox may hold a worker's whole day of visits that never reached the server, and a
 * dropped store is that day lost. Cases fall through so a phone on any old version catches up.
 */
export function upgradeSchema(db: GridwalkDB, oldVersion: number, tx: UpgradeTx): void {
  switch (oldVersion) {
    case 0: {
      // v1: what a worker needs to keep submissions offline.
      const outbox = db.createObjectStore('outbox', { keyPath: 'id' })
      outbox.createIndex('owner', 'owner')
      outbox.createIndex('status', 'status')
      outbox.createIndex('created_at', 'created_at')
      db.createObjectStore('photos', { keyPath: 'sha256' })
      db.createObjectStore('meta')
    }
    // falls through
    case 1: {
      // v2: pulled server data, and a compound index so pending(owner) reads only its rows.
      const replica = db.createObjectStore('replica', { keyPath: ['entity', 'id'] })
      replica.createIndex('entity', 'entity')
      tx.objectStore('outbox').createIndex('owner_status', ['owner', 'status'])
    }
    // falls through
    default:
      break
  }
}

function isVersionError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'VersionError'
}

/**
 * Open (and upgrade) the database. An older app build meeting a newer database (a rollback,
 * or a stale tab) opens it at its current version: the schema only ever grows, so the newer
 * one is a superset of what this code needs.
 */
export async function openGridwalkDb(name: string = DB_NAME, onClose?: () => void): Promise<GridwalkDB> {
  const callbacks = {
    upgrade(db: GridwalkDB, oldVersion: number, _newVersion: number | null, tx: UpgradeTx) {
      upgradeSchema(db, oldVersion, tx)
    },
    // Another tab (or the worker) needs a newer version: let it upgrade instead of stalling it.
    blocking(this: void) {
      onClose?.()
    },
    terminated() {
      onClose?.()
    },
  }
  try {
    return await openDB<GridwalkSchema>(name, DB_VERSION, callbacks)
  } catch (err) {
    if (!isVersionError(err)) throw err
    return openDB<GridwalkSchema>(name, undefined, {
      blocking: callbacks.blocking,
      terminated: callbacks.terminated,
    })
  }
}

const connections = new Map<string, Promise<GridwalkDB>>()

/** One shared connection per name; dropped (and reopened on next use) when the browser or a newer version asks. */
export function getDb(name: string = DB_NAME): Promise<GridwalkDB> {
  let conn = connections.get(name)
  if (!conn) {
    const opened: Promise<GridwalkDB> = openGridwalkDb(name, () => {
      if (connections.get(name) === opened) connections.delete(name)
      void opened.then((db) => db.close())
    })
    conn = opened
    connections.set(name, conn)
    // A failed open must not be cached forever (e.g. a blocked upgrade that later clears).
    opened.catch(() => {
      if (connections.get(name) === opened) connections.delete(name)
    })
  }
  return conn
}

/** Close and forget a shared connection (tests, and before deleting a database). */
export async function closeDb(name: string = DB_NAME): Promise<void> {
  const conn = connections.get(name)
  connections.delete(name)
  if (conn) {
    try {
      ;(await conn).close()
    } catch {
      // An open that failed has nothing to close.
    }
  }
}
