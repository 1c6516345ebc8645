/**
 * The outbox's public surface for the app: one shared store + sync engine (getOutbox), and
 * the types the screens need. The service worker imports runSyncInWorker and SYNC_TAG.
 */
import type { GeoLocation, OutboxItem, TemplateRef } from './db'
import { OutboxStore } from './store'
import type { NewOutboxItem } from './store'
import { SyncEngine } from './engine'
import type { SyncEngineOptions } from './engine'
import { exportBackup, importBackup, backupFileName } from './backup'
import type { ImportSummary } from './backup'
import { estimate, requestPersistence } from './storage'

export { DB_NAME, DB_VERSION, OUTBOX_STATUSES } from './db'
export type {
  EntityId,
  FieldErrors,
  GeoLocation,
  OutboxItem,
  OutboxStatus,
  PhotoRow,
  PushResult,
  ReplicaRow,
  TemplateRef,
} from './db'
export { OutboxStore, OutboxStateError, isoWithOffset, newUuid, sha256Hex } from './store'
export type { ItemError, NewOutboxItem, OutboxCounts, PhotoBytes, ReplicaChange, Session } from './store'
export { BACKOFF_INITIAL_MS, BACKOFF_MAX_MS, LOCK_NAME, SYNC_TAG, SyncEngine, runSyncInWorker } from './engine'
export type {
  LockManagerLike,
  StatusListener,
  SyncEngineOptions,
  SyncProgress,
  SyncReason,
  SyncState,
  SyncStatus,
  WorkerSyncOptions,
} from './engine'
export { BACKUP_FORMAT, BACKUP_VERSION, BackupFormatError, backupFileName, exportBackup, importBackup } from './backup'
export type { BackupFile, ImportSummary } from './backup'
export { estimate, isPersisted, requestPersistence } from './storage'
export type { StorageEstimateResult } from './storage'

/** What a screen passes to queue a record; owner comes from the session. */
export interface Submission {
  kind: string
  template: TemplateRef | null
  payload: Record<string, unknown>
  photos?: string[]
  location?: GeoLocation | null
  id?: string
  /** An item this one takes the place of, removed in the same transaction (see NewOutboxItem). */
  replaces?: string
}

export interface GridwalkOutbox {
  readonly store: OutboxStore
  readonly engine: SyncEngine
  /** Queue a record for the logged-in worker and start a sync in the background. */
  submit(submission: Submission): Promise<OutboxItem>
  /** Store a (downscaled JPEG) photo; returns the sha256 to put in Submission.photos. */
  addPhoto(blob: Blob): Promise<string>
  /** The worker's correction of a needs_fix (or pending) item: back to pending, same id. */
  fix(id: string, payload: Record<string, unknown>, changes?: Parameters<OutboxStore['fix']>[2]): Promise<OutboxItem>
  /** Delete an item: only on the worker's explicit confirmation. */
  discard(id: string): Promise<void>
  /** After login: save the session for the worker's Background Sync and sync now. */
  loggedIn(owner: string, csrfToken: string | null): Promise<void>
  /** At logout: forget the session; the outbox stays on the phone for that worker. */
  loggedOut(): Promise<void>
  exportBackup(): Promise<{ blob: Blob; fileName: string }>
  importBackup(file: Blob): Promise<ImportSummary>
  requestPersistence(): Promise<boolean>
  estimate(): ReturnType<typeof estimate>
}

export type GridwalkOutboxOptions = SyncEngineOptions

let instance: GridwalkOutbox | null = null

function create(options: GridwalkOutboxOptions): GridwalkOutbox {
  const store = options.store ?? new OutboxStore({ dbName: options.dbName, now: options.now })
  const engine = new SyncEngine({ ...options, store })

  async function currentOwner(): Promise<string> {
    const owner = await options.getOwner()
    if (!owner) throw new Error('no worker is logged in')
    return owner
  }

  async function changed(): Promise<void> {
    await engine.refresh()
    engine.broadcast()
  }

  return {
    store,
    engine,
    async submit(submission) {
      const owner = await currentOwner()
      const input: NewOutboxItem = { ...submission, owner }
      const item = await store.add(input)
      await changed()
      void engine.sync({ reason: 'queued' })
      // If the phone is offline, the browser can deliver it even after the tab is closed.
      void engine.registerBackgroundSync()
      return item
    },
    async addPhoto(blob) {
      return store.addPhoto(blob, await options.getOwner())
    },
    async fix(id, payload, changes) {
      const item = await store.fix(id, payload, changes)
      await changed()
      void engine.sync({ reason: 'queued' })
      return item
    },
    async discard(id) {
      await store.discard(id)
      await changed()
    },
    async loggedIn(owner, csrfToken) {
      await store.rememberSession(owner, csrfToken)
      await engine.refresh()
      void engine.sync({ reason: 'manual' })
    },
    async loggedOut() {
      await store.forgetSession()
      await engine.refresh()
    },
    async exportBackup() {
      const owner = await currentOwner()
      return { blob: await exportBackup(owner, store), fileName: backupFileName(owner) }
    },
    async importBackup(file) {
      const summary = await importBackup(file, store)
      await changed()
      return summary
    },
    requestPersistence,
    estimate,
  }
}

/**
 * The app's one outbox. The first call creates it with the options (later options are
 * ignored); later calls may omit them.
 *
 *   const outbox = getOutbox({ api, getOwner, appVersion });
 *   outbox.engine.subscribe((s) => ...); outbox.engine.start();
 */
export function getOutbox(options?: GridwalkOutboxOptions): GridwalkOutbox {
  if (!instance) {
    if (!options) throw new Error('getOutbox: the first call needs options')
    instance = create(options)
  }
  return instance
}

/** Stop and forget the singleton (tests, and a full sign-out that tears the app down). */
export function resetOutbox(): void {
  instance?.engine.stop()
  instance = null
}
