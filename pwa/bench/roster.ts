/**
 * The phone half of bench/roster_phone.py, built on its own (vite.bench.config.ts) from the
 * app's own modules: the outbox store's applyChanges (how a pulled snapshot reaches
 * IndexedDB), the register overlay and the roster's search index. The Python side drives it
 * through window.gridwalkBench and prints the figures.
 */
import { closeDb, getDb } from '../src/outbox/db'
import { OutboxStore } from '../src/outbox/store'
import type { ReplicaChange } from '../src/outbox/store'
import { DEFAULT_INTERVAL_DAYS } from '../src/register/care'
import { shanghaiToday } from '../src/register/dates'
import { overlayRegister } from '../src/register/overlay'
import { buildIndex, search } from '../src/register/search'
import type { SearchIndex } from '../src/register/search'
import type { Building, Household, Resident } from '../src/register/types'

interface Page {
  changes: ReplicaChange[]
  cursor: string
  has_more: boolean
}

const DB_NAME = 'gridwalk-bench'
let pages: Page[] = []
let index: SearchIndex | null = null

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`/api/v1${path}`, { credentials: 'same-origin', ...init })
  if (!response.ok) throw new Error(`${path} answered ${response.status}`)
  return (await response.json()) as T
}

function deleteDb(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(DB_NAME)
    request.onsuccess = () => resolve()
    request.onerror = () => reject(request.error)
    request.onblocked = () => resolve()
  })
}

const bench = {
  /** Log in as the app does. */
  async login(username: string, password: string): Promise<string> {
    const answer = await api<{ user: { username: string } }>('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
    return answer.user.username
  },

  /** The full snapshot, page by page as the sync engine asks for it (500 a page). */
  async pull(limit = 500): Promise<{ ms: number; pages: number; changes: Record<string, number> }> {
    pages = []
    const started = performance.now()
    let cursor: string | null = null
    for (;;) {
      const query = new URLSearchParams({ limit: String(limit) })
      if (cursor) query.set('cursor', cursor)
      const page: Page = await api<Page>(`/sync/pull?${query.toString()}`)
      pages.push(page)
      if (!page.has_more || page.cursor === cursor) break
      cursor = page.cursor
    }
    const changes: Record<string, number> = {}
    for (const page of pages) for (const c of page.changes) changes[c.entity] = (changes[c.entity] ?? 0) + 1
    return { ms: performance.now() - started, pages: pages.length, changes }
  },

  /** Store the pulled pages into an empty database through OutboxStore.applyChanges (one transaction a page). */
  async store(): Promise<{ ms: number; pages: number[] }> {
    await closeDb(DB_NAME)
    await deleteDb()
    const store = new OutboxStore({ dbName: DB_NAME })
    await store.deviceId() // open and upgrade the database outside the timing
    const perPage: number[] = []
    const started = performance.now()
    let first = true
    for (const page of pages) {
      const t0 = performance.now()
      await store.applyChanges(page.changes, { owner: 'bench', cursor: page.cursor, reset: first })
      perPage.push(performance.now() - t0)
      first = false
    }
    return { ms: performance.now() - started, pages: perPage }
  },

  /**
   * For comparison only: the same rows and transactions, with each page's requests queued at
   * once instead of awaited one by one (what applyChanges could do; the library is not changed here).
   */
  async storeQueued(): Promise<{ ms: number }> {
    await closeDb(DB_NAME)
    await deleteDb()
    await new OutboxStore({ dbName: DB_NAME }).deviceId()
    const db = await getDb(DB_NAME)
    const started = performance.now()
    let first = true
    for (const page of pages) {
      const tx = db.transaction(['replica', 'meta'], 'readwrite')
      const replica = tx.objectStore('replica')
      const requests: Promise<unknown>[] = []
      if (first) requests.push(replica.clear())
      for (const ch of page.changes) {
        if (ch.op === 'delete') requests.push(replica.delete([ch.entity, ch.id]))
        else
          requests.push(
            replica.put({ entity: ch.entity, id: ch.id, version: ch.version ?? null, data: ch.data ?? null }),
          )
      }
      requests.push(tx.objectStore('meta').put(page.cursor, 'cursor:bench'))
      await Promise.all([...requests, tx.done])
      first = false
    }
    return { ms: performance.now() - started }
  },

  /** Read the register back from IndexedDB, overlay (no outbox) and build the search index, as the roster does. */
  async index(): Promise<{ readMs: number; buildMs: number; households: number; residents: number; names: string[] }> {
    const store = new OutboxStore({ dbName: DB_NAME })
    const t0 = performance.now()
    const [buildings, households, residents] = await Promise.all([
      store.getEntities<Building>('building'),
      store.getEntities<Household>('household'),
      store.getEntities<Resident>('resident'),
    ])
    const t1 = performance.now()
    const data = overlayRegister({ buildings, households, residents }, [], {
      today: shanghaiToday(),
      intervals: { ...DEFAULT_INTERVAL_DAYS },
    })
    index = buildIndex(data)
    const t2 = performance.now()
    // Names spread over the grid, for the searches.
    const step = Math.max(1, Math.floor(residents.length / 25))
    const names = residents.filter((_, i) => i % step === 0).map((r) => r.name)
    return { readMs: t1 - t0, buildMs: t2 - t1, households: households.length, residents: residents.length, names }
  },

  /** One roster search by name: ms, and how many households matched. */
  search(query: string): { ms: number; hits: number } {
    if (!index) throw new Error('index() first')
    const t0 = performance.now()
    const hits = search(index, query)
    return { ms: performance.now() - t0, hits: hits.length }
  },
}

declare global {
  interface Window {
    gridwalkBench: typeof bench
  }
}

window.gridwalkBench = bench
document.getElementById('state')!.textContent = 'ready'
