/**
 * SyncEngine: one sync run (photos the server lacks → outbox items in batches → pull), its
 * triggers, retry backoff and cross-tab lock, and the status the UI shows. Framework-free:
 * it runs in a page and in the service worker.
 */
import type { FieldErrors, OutboxItem, PhotoRow, PushResult } from './db'
import { OutboxStore, isoWithOffset } from './store'
import type { ItemError, OutboxCounts, PushOutcome, ReplicaChange } from './store'
import { ApiError, NetworkError, createApiClient } from '../api'
import type { ApiClient, FetchLike, RequestOptions } from '../api'
import type { ApiSchema, Unchecked, WithRequired } from '../apiTypes'

/** The server's MAX_LIMIT (server/sync/pull.py). */
const PULL_LIMIT = 1000
export const SYNC_TAG = 'gridwalk-sync'
export const LOCK_NAME = 'gridwalk-sync'
const CHANNEL_NAME = 'gridwalk-outbox'

export const BACKOFF_INITIAL_MS = 1_000
export const BACKOFF_MAX_MS = 5 * 60_000
/** Jitter is ±20 % around the doubling delay (then capped at 5 min): spreads a street's phones apart yet keeps "next try at" honest. */
export const BACKOFF_JITTER = 0.2
/** Another tab or the worker holds the lock: look again shortly, without counting a failure. */
const BUSY_RETRY_MS = 5_000

export const MAX_BATCH_ITEMS = 100
/** The server takes ≤ 1 MB; stay under it with room for the envelope and multi-byte text. */
export const MAX_BATCH_BYTES = 900 * 1024

export type SyncState = 'idle' | 'syncing' | 'offline' | 'auth_required' | 'error'
export type SyncReason = 'start' | 'online' | 'visible' | 'retry' | 'manual' | 'background' | 'queued'

const AUTOMATIC_REASONS: ReadonlySet<SyncReason> = new Set<SyncReason>(['online', 'visible', 'retry', 'queued'])

export interface SyncProgress {
  itemsDone: number
  itemsTotal: number
  photoBytesSent: number
  photoBytesTotal: number
}

export interface SyncStatus {
  state: SyncState
  progress: SyncProgress
  /** ISO time of the last run that finished (pushed and pulled) for the current owner. */
  lastSuccessAt: string | null
  /** Epoch ms of the scheduled retry, if one is scheduled. */
  nextRetryAt: number | null
  counts: OutboxCounts
  /** Why the last run stopped, when it did not finish. */
  lastError: ItemError | null
}

export type StatusListener = (status: SyncStatus) => void

/** The part of the Web Locks API the engine uses (injectable for tests and old browsers). */
export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>
}

type MaybePromise<T> = T | Promise<T>
type TimerHandle = unknown

export interface SyncEngineOptions {
  store?: OutboxStore
  /** Used only when `store` is not given. */
  dbName?: string
  /**
   * The client every sync request goes through: it adds the CSRF token and the language, and its
   * onUnauthorized hook hears a 401 or a refused CSRF token (ask the worker to log in).
   */
  api: ApiClient
  getOwner(): MaybePromise<string | null>
  appVersion: string
  now?(): number
  random?(): number
  setTimeout?(fn: () => void, ms: number): TimerHandle
  clearTimeout?(handle: TimerHandle): void
  /** Defaults to navigator.locks when present; null forces the in-process flag only. */
  locks?: LockManagerLike | null
  /** Per sync request (longer than the app's screens wait); a photo PUT and a push get extra time per byte sent. */
  requestTimeoutMs?: number
  /** Changes per pull page: the server's most. A full snapshot (a grid's register and the
   *  worker's open and recent reports) then takes one or two requests, not three: under load
   *  each request waits its turn (bench/load_sync.py, 45 s runs: snapshot p95 1.67 s at 500, 1.05 s at 1000). */
  pullLimit?: number
  /** Delivered items (and photos only they use) are forgotten this many days after delivery; 0 keeps them. */
  keepDoneDays?: number
  maxBatchItems?: number
  maxBatchBytes?: number
}

// ---- errors that end a run ------------------------------------------------------------

class AuthRequiredError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'AuthRequiredError'
    this.code = code
  }
}

/** Network failure, timeout, 5xx, 429, or an answer that is not ours (a captive portal page). */
class TransientError extends Error {
  readonly offline: boolean
  readonly code: string
  readonly retryAfterMs: number | null
  constructor(offline: boolean, code: string, message: string, retryAfterMs: number | null = null) {
    super(message)
    this.name = 'TransientError'
    this.offline = offline
    this.code = code
    this.retryAfterMs = retryAfterMs
  }
}

/** A 4xx that says nothing about one item (404 route, 403 role, ...): retry later, touch nothing. */
class UnexpectedAnswerError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'UnexpectedAnswerError'
    this.code = code
  }
}

/** Messages the phone writes itself (zh-CN first, like the app); the UI may translate by code. */
const MESSAGES: Record<string, string> = {
  photo_hash_mismatch: '照片文件已损坏（校验不一致），请删除这张照片后重新拍摄。',
  photo_unsupported: '照片格式不受支持，请删除这张照片后重新拍摄。',
  photo_too_large: '照片太大，请删除这张照片后重新拍摄。',
  photo_missing_locally: '手机上找不到这张照片，请删除这张照片或重新拍摄。',
  item_too_large: '这条记录太大，无法上传，请减少照片或内容。',
  item_invalid: '服务器无法处理这条记录，请检查后重新提交。',
  rejected: '有内容需要修改，请按提示更正后重新提交。',
  forbidden: '这条记录不在您的工作范围内，请联系上级处理。',
  conflict: '服务器上已有同一条记录的不同内容，请联系上级核对。',
  unknown_status: '服务器给出了无法识别的结果，将稍后重试。',
}

/** Request-level 4xx answers that may come from one item in the batch: halve and retry. */
const SPLIT_STATUSES = new Set([400, 413, 422])

/** The app's own code for an answer, or null when a proxy or a bare status answered instead. */
function appCode(error: ApiError): string | null {
  return error.fromApp ? error.code : null
}

/** POST /sync/push's answer (schema PushAnswer), its results checked one by one. */
type PushAnswer = Omit<ApiSchema<'PushAnswer'>, 'results'> & { results: PushResult[] }

function parsePushAnswer(body: unknown): PushAnswer | null {
  if (typeof body !== 'object' || body === null) return null
  const results = (body as Unchecked<ApiSchema<'PushAnswer'>>).results
  if (!Array.isArray(results)) return null
  const ok = results.every(
    (r: Unchecked<PushResult> | null) =>
      typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.status === 'string',
  )
  return ok ? { results: results as PushResult[] } : null
}

/** A page of GET /sync/pull (schema PullAnswer), its changes checked one by one. */
type PullAnswer = WithRequired<Omit<ApiSchema<'PullAnswer'>, 'changes'>, 'cursor' | 'has_more'> & {
  changes: ReplicaChange[]
}

function parsePullAnswer(body: unknown): PullAnswer | null {
  if (typeof body !== 'object' || body === null) return null
  const b = body as Unchecked<ApiSchema<'PullAnswer'>>
  if (!Array.isArray(b.changes) || typeof b.cursor !== 'string' || b.cursor === '') return null
  for (const c of b.changes) {
    if (typeof c !== 'object' || c === null) return null
    const ch = c as Unchecked<ApiSchema<'Change'>>
    if (typeof ch.entity !== 'string' || (ch.op !== 'upsert' && ch.op !== 'delete')) return null
    if (typeof ch.id !== 'string' && typeof ch.id !== 'number') return null
  }
  return { changes: b.changes as ReplicaChange[], cursor: b.cursor, has_more: b.has_more === true }
}

/** The item as POST /sync/push wants it: only protocol fields, no local bookkeeping. */
export function toWireItem(item: OutboxItem): Record<string, unknown> {
  return {
    id: item.id,
    kind: item.kind,
    template: item.template,
    created_at: item.created_at,
    payload: item.payload,
    photos: item.photos,
    location: item.location,
  }
}

const encoder = new TextEncoder()

function wireBytes(item: OutboxItem): number {
  return encoder.encode(JSON.stringify(toWireItem(item))).length + 1
}

/** Oldest first, ≤ maxItems and ≤ maxBytes of JSON each; an item bigger than the limit goes alone (the server then decides). */
export function makeBatches(
  items: OutboxItem[],
  maxItems = MAX_BATCH_ITEMS,
  maxBytes = MAX_BATCH_BYTES,
): OutboxItem[][] {
  const envelope = 200
  const batches: OutboxItem[][] = []
  let current: OutboxItem[] = []
  let bytes = envelope
  for (const item of items) {
    const size = wireBytes(item)
    if (current.length && (current.length >= maxItems || bytes + size > maxBytes)) {
      batches.push(current)
      current = []
      bytes = envelope
    }
    current.push(item)
    bytes += size
  }
  if (current.length) batches.push(current)
  return batches
}

function zeroProgress(): SyncProgress {
  return { itemsDone: 0, itemsTotal: 0, photoBytesSent: 0, photoBytesTotal: 0 }
}

function zeroCounts(): OutboxCounts {
  return { pending: 0, sending: 0, needs_fix: 0, conflict: 0, done: 0, forbidden: 0, total: 0, attention: 0 }
}

function defaultLocks(): LockManagerLike | null {
  if (typeof navigator === 'undefined') return null
  const locks = (navigator as { locks?: LockManagerLike }).locks
  return locks && typeof locks.request === 'function' ? locks : null
}

type RunOutcome = 'ok' | 'failed' | 'busy'

export class SyncEngine {
  readonly store: OutboxStore
  private readonly opts: SyncEngineOptions
  private readonly api: ApiClient
  private readonly now: () => number
  private readonly random: () => number
  private readonly setTimer: (fn: () => void, ms: number) => TimerHandle
  private readonly clearTimer: (handle: TimerHandle) => void
  private readonly locks: LockManagerLike | null

  private status: SyncStatus
  private readonly listeners = new Set<StatusListener>()
  private current: Promise<SyncStatus> | null = null
  private followUp = false
  private failures = 0
  private lastCleanupAt = -Infinity
  private retryTimer: TimerHandle | null = null
  private started = false
  private channel: BroadcastChannel | null = null
  private readonly teardown: Array<() => void> = []

  constructor(options: SyncEngineOptions) {
    this.opts = options
    this.store = options.store ?? new OutboxStore({ dbName: options.dbName, now: options.now })
    this.api = options.api
    this.now = options.now ?? (() => Date.now())
    this.random = options.random ?? Math.random
    this.setTimer = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms))
    this.clearTimer = options.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>))
    this.locks = options.locks === undefined ? defaultLocks() : options.locks
    this.status = {
      state: 'idle',
      progress: zeroProgress(),
      lastSuccessAt: null,
      nextRetryAt: null,
      counts: zeroCounts(),
      lastError: null,
    }
  }

  // ---- status -------------------------------------------------------------------------

  getStatus(): SyncStatus {
    return this.status
  }

  /** Listener gets the current status at once, then every change. Returns the unsubscribe. */
  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener)
    listener(this.status)
    return () => {
      this.listeners.delete(listener)
    }
  }

  private patch(change: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...change }
    for (const l of this.listeners) {
      try {
        l(this.status)
      } catch {
        // A broken listener must not break a sync run.
      }
    }
  }

  private bumpProgress(change: Partial<SyncProgress>): void {
    const p = { ...this.status.progress }
    for (const [k, v] of Object.entries(change) as Array<[keyof SyncProgress, number]>) p[k] += v
    this.patch({ progress: p })
  }

  /** Re-read counts and last success time (after the app adds, fixes or discards an item). */
  async refresh(): Promise<SyncStatus> {
    const owner = await this.opts.getOwner()
    const counts = await this.store.counts(owner)
    const lastSuccessAt = owner ? await this.store.getLastSyncAt(owner) : null
    this.patch({ counts, lastSuccessAt })
    return this.status
  }

  // ---- running ------------------------------------------------------------------------

  /**
   * One sync run. A call while a run is going returns that run's promise and causes one
   * follow-up run after it, however many calls came in.
   */
  sync(options: { reason?: SyncReason } = {}): Promise<SyncStatus> {
    const reason = options.reason ?? 'manual'
    // After a 401 only a person (the button, a new login) starts again: automatic triggers
    // would only meet the same 401 and ask for login over and over.
    if (this.status.state === 'auth_required' && AUTOMATIC_REASONS.has(reason)) return Promise.resolve(this.status)
    // A person asked, or the network came back: the retry schedule starts short again.
    if (reason === 'manual' || reason === 'online') this.failures = 0
    if (this.current) {
      this.followUp = true
      return this.current
    }
    this.current = this.loop()
    return this.current
  }

  private async loop(): Promise<SyncStatus> {
    try {
      for (;;) {
        this.followUp = false
        const outcome = await this.runLocked()
        // Checked and cleared with no await in between, so no call can slip through unseen.
        if (outcome !== 'ok' || !this.followUp) break
      }
    } finally {
      this.current = null
      this.followUp = false
    }
    return this.status
  }

  private async runLocked(): Promise<RunOutcome> {
    if (!this.locks) return this.run()
    const outcome = await this.locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) => {
      if (!lock) return 'busy' as const
      return this.run()
    })
    if (outcome === 'busy') this.armTimer(BUSY_RETRY_MS)
    return outcome
  }

  private async run(): Promise<RunOutcome> {
    const owner = await this.opts.getOwner()
    if (!owner) {
      // Logged out: items stay for their owner; nobody else's session may push them.
      this.patch({ state: 'auth_required', counts: zeroCounts() })
      return 'failed'
    }
    this.patch({ state: 'syncing', progress: zeroProgress(), lastError: null })
    try {
      // We hold the lock, so any `sending` item was stranded by a crash or a closed tab.
      await this.store.resetSending()
      const deviceId = await this.store.deviceId()
      await this.uploadPhotos(owner, await this.store.pending(owner))
      await this.pushAll(owner, deviceId)
      await this.pull(owner)
      const at = isoWithOffset(this.now())
      await this.store.setLastSyncAt(owner, at)
      this.failures = 0
      this.disarmTimer()
      this.patch({ state: 'idle', lastSuccessAt: at, nextRetryAt: null })
      await this.cleanupDaily()
      return 'ok'
    } catch (err) {
      this.onRunError(err)
      return 'failed'
    } finally {
      await this.refreshQuietly()
      this.broadcast()
    }
  }

  /** Delivered records and their photos must not fill the phone; once a day is plenty. */
  private async cleanupDaily(): Promise<void> {
    const days = this.opts.keepDoneDays ?? 7
    if (days <= 0 || this.now() - this.lastCleanupAt < 24 * 3600_000) return
    this.lastCleanupAt = this.now()
    try {
      await this.store.cleanupDone(days)
    } catch {
      // Housekeeping only: the next day tries again.
    }
  }

  private onRunError(err: unknown): void {
    if (err instanceof AuthRequiredError) {
      // Retrying cannot help until the worker logs in again (the client's onUnauthorized hook
      // has asked for that); the app calls sync() after login.
      this.disarmTimer()
      this.patch({ state: 'auth_required', nextRetryAt: null, lastError: { code: err.code, message: err.message } })
      return
    }
    const offline = err instanceof TransientError && err.offline
    const code = err instanceof TransientError || err instanceof UnexpectedAnswerError ? err.code : 'client_error'
    const message = err instanceof Error ? err.message : String(err)
    const retryAfter = err instanceof TransientError ? err.retryAfterMs : null
    const delay = this.nextDelay(retryAfter)
    this.patch({ state: offline ? 'offline' : 'error', nextRetryAt: this.now() + delay, lastError: { code, message } })
    this.armTimer(delay)
    if (offline) void this.registerBackgroundSync()
  }

  /** 1 s doubling to 5 min, ±20 % jitter; a server's Retry-After is honoured up to the cap. */
  private nextDelay(retryAfterMs: number | null): number {
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** this.failures)
    this.failures += 1
    const jittered = base * (1 - BACKOFF_JITTER + 2 * BACKOFF_JITTER * this.random())
    let delay = Math.min(BACKOFF_MAX_MS, Math.round(jittered))
    if (retryAfterMs !== null) delay = Math.max(delay, Math.min(BACKOFF_MAX_MS, retryAfterMs))
    return delay
  }

  private armTimer(ms: number): void {
    // Only a started engine (a page) keeps a timer; the worker relies on Background Sync.
    if (!this.started) return
    this.disarmTimer()
    this.retryTimer = this.setTimer(() => {
      this.retryTimer = null
      void this.sync({ reason: 'retry' })
    }, ms)
  }

  private disarmTimer(): void {
    if (this.retryTimer !== null) {
      this.clearTimer(this.retryTimer)
      this.retryTimer = null
    }
  }

  private async refreshQuietly(): Promise<void> {
    try {
      await this.refresh()
    } catch {
      // Counts are cosmetic; the run's own outcome already stands.
    }
  }

  // ---- HTTP ---------------------------------------------------------------------------

  /** Slow links: allow about 20 KB/s for what we send, on top of the base timeout. */
  private timeoutFor(bytesSent: number): number {
    return (this.opts.requestTimeoutMs ?? 30_000) + Math.ceil(bytesSent / 20)
  }

  /**
   * One request through the app's client. Answers that end the run become the engine's own
   * errors; any other refusal comes back as the client's ApiError, for the step to judge.
   */
  private async call<T>(request: (options: RequestOptions) => Promise<T>, timeoutMs?: number): Promise<T> {
    try {
      return await request({
        timeoutMs: timeoutMs ?? this.opts.requestTimeoutMs ?? 30_000,
        // No one may be there to reload the page: a refused token needs a new login.
        csrfRefusalEndsSession: true,
      })
    } catch (err) {
      if (err instanceof NetworkError) throw new TransientError(true, 'network', err.message)
      if (!(err instanceof ApiError)) throw err
      // Until the user changes an admin-set password, every push would be refused alike: not the items' fault.
      if (err.status === 401 || err.csrfRefused || err.passwordChangeRequired)
        throw new AuthRequiredError(err.code, err.message)
      if (err.status >= 500 || err.status === 429 || err.status === 408) {
        const message = err.fromApp ? err.message : `server answered ${err.status}`
        throw new TransientError(false, err.code, message, err.retryAfterMs(this.now()))
      }
      if (err.code === 'bad_response' && !err.fromApp)
        throw new TransientError(false, 'bad_response', `the answer is not the app's (proxy or captive portal?)`)
      throw err
    }
  }

  // ---- step 1: photos -----------------------------------------------------------------

  /** Upload every photo these items use that the server may lack; each success is kept, so a failure never restarts from zero. */
  private async uploadPhotos(owner: string, items: OutboxItem[]): Promise<void> {
    const shas = new Set<string>()
    items.forEach((i) => i.photos.forEach((s) => shas.add(s)))
    const todo: PhotoRow[] = []
    for (const sha of shas) {
      const row = await this.store.getPhoto(sha)
      if (!row) {
        await this.store.markPhotoProblem(owner, sha, {
          code: 'photo_missing_locally',
          message: MESSAGES.photo_missing_locally,
        })
        continue
      }
      if (!row.uploaded) todo.push(row)
    }
    if (!todo.length) return
    this.bumpProgress({ photoBytesTotal: todo.reduce((n, r) => n + r.size, 0) })
    for (const row of todo) {
      const path = `/photos/${row.sha256}`
      if (!(await this.serverHasPhoto(path))) {
        try {
          await this.call(
            (options) =>
              this.api.put(path, row.blob, { ...options, headers: { 'Content-Type': row.type || 'image/jpeg' } }),
            this.timeoutFor(row.size),
          )
        } catch (err) {
          if (!(err instanceof ApiError)) throw err
          await this.photoRefused(owner, row.sha256, err)
          continue
        }
      }
      await this.store.setPhotoUploaded([row.sha256], true)
      this.bumpProgress({ photoBytesSent: row.size })
    }
  }

  /** HEAD answers 200 when the server has the photo; any other refusal means "send it" (the PUT then says why not). */
  private async serverHasPhoto(path: string): Promise<boolean> {
    try {
      await this.call((options) => this.api.head(path, options))
      return true
    } catch (err) {
      if (err instanceof ApiError) return false
      throw err
    }
  }

  private async photoRefused(owner: string, sha: string, err: ApiError): Promise<void> {
    const known = appCode(err)
    let code: string
    if (err.status === 422) code = known === 'hash_mismatch' ? 'photo_hash_mismatch' : (known ?? 'photo_invalid')
    else if (err.status === 415) code = 'photo_unsupported'
    else if (err.status === 413) code = 'photo_too_large'
    else if (err.status === 400) code = known ?? 'photo_invalid'
    else throw new UnexpectedAnswerError(`http_${err.status}`, `PUT photo answered ${err.status}`)
    const message = (err.fromApp ? err.message : null) ?? MESSAGES[code] ?? MESSAGES.photo_unsupported
    await this.store.markPhotoProblem(owner, sha, { code, message })
  }

  // ---- step 2: push -------------------------------------------------------------------

  private async pushAll(owner: string, deviceId: string): Promise<void> {
    let items = await this.store.pending(owner)
    this.patch({ progress: { ...this.status.progress, itemsTotal: items.length } })
    // missing_photos: upload and push those items again in this run — once, so a server that
    // keeps asking cannot loop us; they stay pending for the next run.
    for (let round = 0; round < 2 && items.length; round += 1) {
      const missing = new Set<string>()
      for (const batch of makeBatches(items, this.opts.maxBatchItems, this.opts.maxBatchBytes)) {
        await this.pushBatch(batch, deviceId, missing)
      }
      if (!missing.size) break
      items = (await this.store.pending(owner)).filter((i) => missing.has(i.id))
      await this.uploadPhotos(owner, items)
      items = (await this.store.pending(owner)).filter((i) => missing.has(i.id))
    }
  }

  private async pushBatch(batch: OutboxItem[], deviceId: string, missing: Set<string>): Promise<void> {
    const sending = await this.store.markSending(batch.map((i) => i.id))
    if (!sending.length) return
    const ids = sending.map((i) => i.id)
    const body: ApiSchema<'Push'> = {
      device_id: deviceId,
      app_version: this.opts.appVersion,
      items: sending.map(toWireItem),
    }
    let answer: unknown
    try {
      // A batch may be near 1 MB: it gets the time a photo of that size would.
      const bytes = encoder.encode(JSON.stringify(body)).length
      answer = await this.call((options) => this.api.post<unknown>('/sync/push', body, options), this.timeoutFor(bytes))
    } catch (error) {
      // Unknown whether the server committed: pending again; a resend is answered `duplicate`.
      await this.store.releaseSending(ids)
      if (!(error instanceof ApiError)) throw error
      await this.pushRefused(sending, error, deviceId, missing)
      return
    }
    const parsed = parsePushAnswer(answer)
    if (!parsed) {
      await this.store.releaseSending(ids)
      throw new TransientError(false, 'bad_response', 'push answer is not a sync result (proxy or captive portal?)')
    }
    await this.applyResults(sending, parsed.results, missing)
  }

  /** The whole batch was refused: split it to find the item at fault, or stop the run. */
  private async pushRefused(
    sending: OutboxItem[],
    err: ApiError,
    deviceId: string,
    missing: Set<string>,
  ): Promise<void> {
    // 413 may come from a proxy as an HTML page: still a size problem. A bare 400/422 without
    // our envelope is not about an item (a proxy, a misroute) and must not flag items.
    if (err.status === 413 || (SPLIT_STATUSES.has(err.status) && err.fromApp)) {
      if (sending.length > 1) {
        // One item may be the cause: halve until it stands alone, and the rest still go.
        const mid = Math.ceil(sending.length / 2)
        await this.pushBatch(sending.slice(0, mid), deviceId, missing)
        await this.pushBatch(sending.slice(mid), deviceId, missing)
        return
      }
      const tooLarge = err.status === 413
      // Trusted as the envelope's shape (field → messages), as the item results' fields are.
      const fields = err.fromApp && Object.keys(err.fields).length ? (err.fields as FieldErrors) : null
      await this.store.setStatus(sending[0].id, 'needs_fix', {
        error: {
          code: tooLarge ? 'item_too_large' : (appCode(err) ?? 'item_invalid'),
          message: tooLarge ? MESSAGES.item_too_large : (err.fromApp && err.message) || MESSAGES.item_invalid,
        },
        errors: fields,
      })
      this.bumpProgress({ itemsDone: 1 })
      return
    }
    throw new UnexpectedAnswerError(err.code, err.fromApp ? err.message : `push answered ${err.status}`)
  }

  private async applyResults(sent: OutboxItem[], results: PushResult[], missing: Set<string>): Promise<void> {
    const byId = new Map(results.map((r) => [r.id, r]))
    const outcomes: PushOutcome[] = []
    const notUploaded: string[] = []
    let final = 0
    for (const item of sent) {
      const r = byId.get(item.id)
      const sentAt = item.updated_at
      if (!r) {
        outcomes.push({ id: item.id, sentAt, status: 'pending' })
        continue
      }
      const err = r.error
      switch (r.status) {
        case 'accepted':
        case 'duplicate':
          outcomes.push({ id: item.id, sentAt, status: 'done', result: r })
          final += 1
          break
        case 'rejected':
          outcomes.push({
            id: item.id,
            sentAt,
            status: 'needs_fix',
            result: r,
            error: { code: err?.code ?? 'rejected', message: err?.message ?? MESSAGES.rejected },
            fields: err?.fields ?? null,
          })
          final += 1
          break
        case 'missing_photos': {
          const shas = Array.isArray(r.missing) && r.missing.length ? r.missing : item.photos
          notUploaded.push(...shas)
          missing.add(item.id)
          outcomes.push({ id: item.id, sentAt, status: 'pending', result: r })
          break
        }
        case 'conflict':
          outcomes.push({ id: item.id, sentAt, status: 'conflict', result: r })
          final += 1
          break
        case 'forbidden':
          outcomes.push({
            id: item.id,
            sentAt,
            status: 'forbidden',
            result: r,
            error: { code: err?.code ?? 'forbidden', message: err?.message ?? MESSAGES.forbidden },
          })
          final += 1
          break
        default:
          // A status this build does not know (a newer server): keep it queued, never drop it.
          outcomes.push({
            id: item.id,
            sentAt,
            status: 'pending',
            result: r,
            error: { code: 'unknown_status', message: MESSAGES.unknown_status },
          })
      }
    }
    if (notUploaded.length) await this.store.setPhotoUploaded(notUploaded, false)
    await this.store.applyPushOutcomes(outcomes)
    this.bumpProgress({ itemsDone: final })
  }

  // ---- step 3: pull -------------------------------------------------------------------

  private async pull(owner: string): Promise<void> {
    let cursor = await this.store.getCursor(owner)
    let resetOnce = false
    const limit = this.opts.pullLimit ?? PULL_LIMIT
    for (;;) {
      const query = { cursor: cursor ?? undefined, limit }
      let answer: unknown
      try {
        answer = await this.call((options) => this.api.get<unknown>('/sync/pull', { ...options, query }))
      } catch (err) {
        if (!(err instanceof ApiError)) throw err
        if (err.status === 400 && appCode(err) === 'bad_cursor' && cursor !== null && !resetOnce) {
          // The server no longer knows our place: start again from a full snapshot.
          await this.store.dropCursor(owner)
          cursor = null
          resetOnce = true
          continue
        }
        throw new UnexpectedAnswerError(err.code, err.fromApp ? err.message : `pull answered ${err.status}`)
      }
      const page = parsePullAnswer(answer)
      if (!page)
        throw new TransientError(false, 'bad_response', 'pull answer is not a change page (proxy or captive portal?)')
      await this.store.applyChanges(page.changes, { owner, cursor: page.cursor, reset: cursor === null })
      // A server that says "more" without moving the cursor would loop us forever.
      if (!page.has_more || page.cursor === cursor) break
      cursor = page.cursor
    }
  }

  // ---- triggers -----------------------------------------------------------------------

  /** Install the triggers (online, visible, retry timer, Background Sync) and run once. Page only. */
  start(): void {
    if (this.started) return
    this.started = true
    const on = (target: EventTarget, type: string, fn: () => void) => {
      target.addEventListener(type, fn)
      this.teardown.push(() => target.removeEventListener(type, fn))
    }
    // Looked up on globalThis so this file also compiles and runs in the service worker.
    const page = globalThis as unknown as {
      window?: EventTarget
      document?: EventTarget & { visibilityState?: string }
    }
    const win = page.window
    const doc = page.document
    if (win) on(win, 'online', () => void this.sync({ reason: 'online' }))
    if (doc) {
      on(doc, 'visibilitychange', () => {
        if (doc.visibilityState !== 'visible') return
        const next = this.status.nextRetryAt
        // Coming back to the app does not jump a server's backoff; the timer is already set.
        if (next !== null && next > this.now() && this.status.state === 'error') return
        void this.sync({ reason: 'visible' })
      })
    }
    if (typeof BroadcastChannel === 'function') {
      // Another tab or the worker changed the outbox: refresh the badge here too.
      this.channel = new BroadcastChannel(CHANNEL_NAME)
      this.channel.onmessage = () => void this.refreshQuietly()
    }
    void this.registerBackgroundSync()
    void this.sync({ reason: 'start' })
  }

  /** Remove every trigger; a run in progress finishes. */
  stop(): void {
    this.started = false
    this.disarmTimer()
    while (this.teardown.length) this.teardown.pop()?.()
    this.channel?.close()
    this.channel = null
  }

  /** Ask the browser to wake the service worker (tag gridwalk-sync) when the network returns. */
  async registerBackgroundSync(): Promise<boolean> {
    if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return false
    try {
      // getRegistration, not .ready: .ready never settles when no worker is registered (dev).
      const reg = await navigator.serviceWorker.getRegistration()
      const sync = (reg as { sync?: { register(tag: string): Promise<void> } } | undefined)?.sync
      if (!sync || typeof sync.register !== 'function') return false
      await sync.register(SYNC_TAG)
      return true
    } catch {
      return false
    }
  }

  /** Tell other tabs (and the page, from the worker) that the outbox changed. */
  broadcast(): void {
    if (this.channel) {
      this.channel.postMessage({ type: 'changed' })
      return
    }
    if (typeof BroadcastChannel !== 'function' || this.started) return
    const once = new BroadcastChannel(CHANNEL_NAME)
    once.postMessage({ type: 'changed' })
    once.close()
  }
}

export interface WorkerSyncOptions extends Partial<Omit<SyncEngineOptions, 'api'>> {
  appVersion: string
  /** The worker has no app client: it builds one on this fetch (the browser's by default). */
  fetch?: FetchLike
  /** Defaults to the token the page saved with store.rememberSession. */
  getCsrfToken?(): MaybePromise<string | null>
}

/**
 * One run from the service worker's `sync` event. Owner and CSRF token default to the
 * session the page saved with store.rememberSession. Rejects when the run could not finish,
 * so event.waitUntil fails and the browser schedules another Background Sync attempt.
 *
 *   self.addEventListener('sync', (e) => {
 *     if (e.tag === SYNC_TAG) e.waitUntil(runSyncInWorker({ appVersion }));
 *   });
 */
export async function runSyncInWorker(options: WorkerSyncOptions): Promise<SyncStatus> {
  const store = options.store ?? new OutboxStore({ dbName: options.dbName, now: options.now })
  const { fetch, getCsrfToken, ...engineOptions } = options
  const api = createApiClient({
    fetch: fetch ?? ((input, init) => globalThis.fetch(input, init)),
    hooks: { csrfToken: getCsrfToken ?? (async () => (await store.getSession())?.csrfToken ?? null) },
  })
  const engine = new SyncEngine({
    ...engineOptions,
    api,
    store,
    getOwner: options.getOwner ?? (async () => (await store.getSession())?.owner ?? null),
  })
  const status = await engine.sync({ reason: 'background' })
  if (status.state === 'offline' || status.state === 'error') {
    throw new Error(`sync did not finish (${status.lastError?.code ?? status.state}); the browser will retry`)
  }
  return status
}
